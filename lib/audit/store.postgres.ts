import "server-only";
import type pg from "pg";
import { AUDIT_CHAIN_LOCK_KEY } from "../platform/db/advisory-locks";
import { markAuditAppended } from "../platform/db/commits";
import type { PgTx } from "../platform/db/transaction-postgres";
import { chainLink, GENESIS_HASH, type AuditInput } from "./chain";
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

/** The audit append on PostgreSQL: insertAuditEventSql's counterpart, the same rows. */
export async function insertAuditEventPg(tx: PgTx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  await tx.client.query({ name: "audit-chain-lock", text: `SELECT pg_advisory_xact_lock($1)`, values: [AUDIT_CHAIN_LOCK_KEY] });
  const last = await tx.client.query<{ hash: string }>({ name: "audit-head-hash", text: `SELECT "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1` });
  const { content, prevHash, hash } = chainLink(last.rows[0]?.hash ?? GENESIS_HASH, withTokenName(input));
  const inserted = await tx.client.query<{ seq: number }>({
    name: "audit-insert",
    text: `INSERT INTO "audit_event" ("at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING "seq"`,
    values: [content.at.toISOString(), content.actorId, content.actorName, content.projectId, content.runId, content.action, content.entityType, content.entityId, content.before, content.after, prevHash, hash],
  });
  const seq = inserted.rows[0].seq;
  if (content.projectId) tx.touchedProjects.add(content.projectId);
  markAuditAppended(tx, { seq, hash, urgent: anchorsAtOnce(content.action) });
  return { seq, hash };
}

/** The chain's newest event (null: an empty chain). */
export async function readAuditHeadPg(client: pg.ClientBase): Promise<{ seq: number; hash: string } | null> {
  const head = await client.query<{ seq: number; hash: string }>({ name: "audit-head", text: `SELECT "seq", "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1` });
  return head.rows[0] ?? null;
}
