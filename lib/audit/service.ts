import "server-only";
import { postgresPool, prisma, type Tx } from "../platform/db/client";
import { isPostgres } from "../platform/db/dialect";
import { verifyAuditTrailFrom, type AuditTrailVerdict } from "./verify";
import { postgresAuditTrailSource } from "./store.verify.postgres";
import { sqliteAuditTrailSource } from "./store.verify.sqlite";
import { resolveDatabasePath } from "../platform/db/sqlite-path";
import { chainLink, GENESIS_HASH, verifyChain, type AuditInput, type ChainVerdict } from "./chain";
import { insertAuditEventSql } from "./store.sqlite";
import { withTokenName } from "./actor-name";
import { markAuditAppended, markProjectTouched, runTransaction, type SqlTx } from "../platform/db/transaction";
import { isPostgresTransaction } from "../platform/db/commits";
import { AUDIT_CHAIN_LOCK_KEY, insertAuditEventPg } from "./store.postgres";
import type { PgTx } from "../platform/db/transaction-postgres";
import { anchorsAtOnce } from "./anchor-policy";
import { currentSignedHead, startAuditCheckpointer } from "./checkpointer";

// Every process that appends audit events loads this module: from here on, its commits are anchored.
startAuditCheckpointer();

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so the
 * change and its record commit together or not at all. Transactions are serialised (one writer
 * in SQLite, plus the adapter's mutex), and prevHash is UNIQUE, so the chain can't fork.
 */
export type { AuditInput };

export async function appendAuditEvent(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  // On PostgreSQL the chain has many writers: its lock keeps it linear and seq in commit order (store.postgres.ts).
  if (isPostgresTransaction(tx)) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY})`);
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const { content, prevHash, hash } = chainLink(last?.hash ?? GENESIS_HASH, withTokenName(input));
  const created = await tx.auditEvent.create({ data: { ...content, prevHash, hash }, select: { seq: true } });
  if (content.projectId) markProjectTouched(tx, content.projectId);
  markAuditAppended(tx, { seq: created.seq, hash, urgent: anchorsAtOnce(content.action) });
  return { seq: created.seq, hash };
}

/**
 * The newest seq up to which every audit event is committed: how far a reader following the log
 * by seq may read without passing an event that commits later (a SERIAL value is taken before its
 * transaction commits). On PostgreSQL it is read under the chain's lock, which every appender holds
 * until its COMMIT, so no append is half-way; the lock is held for that one read. On SQLite, with
 * one writer, it is the head. 0 for an empty chain.
 */
export async function readCommittedAuditSeq(): Promise<number> {
  const read = async (db: Pick<Tx, "auditEvent">) => (await db.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0;
  return isPostgres() ? runTransaction(read) : read(prisma);
}

/** appendAuditEvent inside a direct-connection transaction (runSqlTransaction): the same chain, the same rows. */
export function appendAuditEventSql(tx: SqlTx, input: AuditInput): { seq: number; hash: string } {
  return insertAuditEventSql(tx, input);
}

/** appendAuditEvent inside a PostgreSQL transaction (runPgTransaction): the same chain, under its lock. */
export function appendAuditEventPg(tx: PgTx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  return insertAuditEventPg(tx, input);
}

/** Walks the whole chain in order, in pages, and checks every link and hash. */
export async function verifyAuditChain(): Promise<ChainVerdict> {
  const pageSize = 2000;
  let afterSeq = 0;
  const all: Awaited<ReturnType<typeof prisma.auditEvent.findMany>> = [];
  for (;;) {
    const page = await prisma.auditEvent.findMany({ where: { seq: { gt: afterSeq } }, orderBy: { seq: "asc" }, take: pageSize });
    all.push(...page);
    if (page.length < pageSize) break;
    afterSeq = page[page.length - 1].seq;
  }
  return verifyChain(all);
}

/** The newest hash of the chain: what an export prints so the record can be checked later. */
export async function getAuditHead(options: { runId?: string; /** A read snapshot to read in; the shared client by default. */ db?: Tx } = {}): Promise<{ seq: number; hash: string } | null> {
  const where = options.runId !== undefined ? { runId: options.runId } : {};
  return (options.db ?? prisma).auditEvent.findFirst({ where, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
}

// On globalThis, like the checkpointer's state: one per process, whichever bundle loaded this module.
const globalForAuditCheck = globalThis as unknown as { runsheetAuditCheck?: Promise<AuditTrailVerdict> };

/**
 * The full check (chain, signed checkpoints, step and run state replayed from the events), inside
 * one read snapshot, in pieces with breaks for the event loop (the audit page runs it on the
 * server's thread; lib/audit/store.verify.sqlite.ts sqliteAuditTrailSource says why). Never
 * creates a signing key: a missing one is a finding.
 */
export function verifyAuditTrailNow(): Promise<AuditTrailVerdict> {
  // One check at a time per process: the audit page opened by several people at once (a change
  // board, during the window) shares the check already under way, whose snapshot is moments old,
  // instead of hashing the whole chain once for each of them.
  globalForAuditCheck.runsheetAuditCheck ??= (isPostgres() ? verifyAuditTrailFrom(postgresAuditTrailSource(postgresPool())) : verifyAuditTrailFrom(sqliteAuditTrailSource(resolveDatabasePath()))).finally(() => {
    globalForAuditCheck.runsheetAuditCheck = undefined;
  });
  return globalForAuditCheck.runsheetAuditCheck;
}


export interface SignedAuditHead {
  seq: number;
  headHash: string;
  at: string;
  /** SHA-256 of the signing key's public key (SPKI DER), hex. */
  keyFingerprint: string;
  /** Ed25519 signature, base64, over the checkpoint message (see lib/audit/checkpoint.ts). */
  signature: string;
}

/** The chain's head as signed now (signing it first if the newest checkpoint is older): what exports print. */
export async function getSignedAuditHead(): Promise<SignedAuditHead | null> {
  const { checkpoint, fingerprint } = await currentSignedHead();
  return checkpoint ? { seq: checkpoint.seq, headHash: checkpoint.headHash, at: checkpoint.at, keyFingerprint: fingerprint, signature: checkpoint.sig } : null;
}
