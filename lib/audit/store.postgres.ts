import "server-only";
import type pg from "pg";
import { AUDIT_CHAIN_LOCK_KEY } from "../platform/db/advisory-locks";
import { markAuditAppended } from "../platform/db/commits";
import type { PgTx } from "../platform/db/transaction-postgres";
import { auditContent, canonicalTail, GENESIS_HASH, hashAuditEvent, type AuditInput } from "./chain";
import { anchorsAtOnce } from "./anchor-policy";
import { withTokenName } from "./actor-name";

/**
 * The advisory lock that makes the audit chain linear on PostgreSQL (its key is in
 * lib/platform/db/advisory-locks.ts). SQLite has one writer; PostgreSQL has as many as there are
 * connections, in every app instance. Without the
 * lock two transactions read the same head and both link to it (prevHash is UNIQUE, so one fails
 * instead of forking the chain) and, worse for everyone following the log by seq, a SERIAL value
 * taken by a slow transaction can commit after a higher one that a reader has already passed.
 * Held from before the head is read until COMMIT, the lock serialises appends and makes seq order
 * commit order. It is per database, so it covers every instance.
 */
export { AUDIT_CHAIN_LOCK_KEY };

/** Transactions that hold the chain's lock already: a second append in one transaction skips the round trip. */
const chainLocked = new WeakSet<PgTx>();

/**
 * The audit append on PostgreSQL: insertAuditEventSql's counterpart, the same rows, in one round
 * trip of two statements. First the chain's lock. Then one INSERT that reads the head and hashes
 * the link in SQL (chain.ts builds the same text in two parts for this). They can't be one
 * statement: under READ COMMITTED a statement's snapshot is taken when it starts, so a head read
 * in the statement that waited for the lock would miss the append it waited for. The hash SQL
 * computed is checked against Node's over the same content before anything else happens, so a
 * committed link is always one Node computes the same way.
 */
export async function insertAuditEventPg(tx: PgTx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  // Everything that can throw in this process comes first, so no query is left unawaited.
  const content = auditContent(withTokenName(input));
  const tail = canonicalTail(content);
  // The lock and the INSERT go out together (the pool pipelines): the server starts the INSERT,
  // and takes its snapshot, only once the lock is granted. If the lock fails, the INSERT fails
  // in the aborted transaction; Promise.all reports the lock's error.
  const lock = chainLocked.has(tx) ? null : tx.client.query({ name: "audit-chain-lock", text: `SELECT pg_advisory_xact_lock($1)`, values: [AUDIT_CHAIN_LOCK_KEY] });
  const insert = tx.client.query<{ seq: number; prevHash: string; hash: string }>({
    name: "audit-insert-linked",
    text: `WITH head AS (SELECT coalesce((SELECT "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1), $11::text) AS "prevHash")
           INSERT INTO "audit_event" ("at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
           SELECT $1::timestamp(3), $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, head."prevHash",
                  encode(sha256(convert_to('["' || head."prevHash" || '",' || $12::text, 'UTF8')), 'hex') FROM head
           RETURNING "seq", "prevHash", "hash"`,
    values: [content.at.toISOString(), content.actorId, content.actorName, content.projectId, content.runId, content.action, content.entityType, content.entityId, content.before, content.after, GENESIS_HASH, tail],
  });
  const [, inserted] = await Promise.all([lock, insert]);
  chainLocked.add(tx);
  const { seq, prevHash, hash } = inserted.rows[0];
  // Throwing rolls the whole transaction back: a link Node hashes differently is never committed.
  if (hashAuditEvent(prevHash, content) !== hash) throw new Error(`The audit hash PostgreSQL computed for seq ${seq} differs from this server's; nothing was saved.`);
  if (content.projectId) tx.touchedProjects.add(content.projectId);
  markAuditAppended(tx, { seq, hash, urgent: anchorsAtOnce(content.action) });
  return { seq, hash };
}

/** The chain's newest event (null: an empty chain). */
export async function readAuditHeadPg(client: pg.ClientBase): Promise<{ seq: number; hash: string } | null> {
  const head = await client.query<{ seq: number; hash: string }>({ name: "audit-head", text: `SELECT "seq", "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1` });
  return head.rows[0] ?? null;
}
