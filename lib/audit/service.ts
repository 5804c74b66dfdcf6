import "server-only";
import { prisma, type Tx } from "../platform/db/client";
import { GENESIS_HASH, hashAuditEvent, snapshot, verifyChain, type ChainVerdict } from "./chain";
import { prepared, toSqlTime } from "../platform/db/sql";
import { markProjectTouched, type SqlTx } from "../platform/db/transaction";

export interface AuditInput {
  actor: { id: string; name: string } | null;
  projectId: string | null;
  runId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so the
 * change and its record commit together or not at all. Transactions are serialised (one writer
 * in SQLite, plus the adapter's mutex), and prevHash is UNIQUE, so the chain can't fork.
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput): Promise<{ seq: number; hash: string }> {
  const last = await tx.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
  const { content, prevHash, hash } = chainLink(last?.hash ?? GENESIS_HASH, input);
  const created = await tx.auditEvent.create({ data: { ...content, prevHash, hash }, select: { seq: true } });
  if (content.projectId) markProjectTouched(tx, content.projectId);
  return { seq: created.seq, hash };
}

/** appendAuditEvent inside a direct-connection transaction (runSqlTransaction): the same chain, the same rows. */
export function appendAuditEventSql(tx: SqlTx, input: AuditInput): { seq: number; hash: string } {
  const last = prepared<{ hash: string }>(tx.db, `SELECT "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1`).get();
  const { content, prevHash, hash } = chainLink(last?.hash ?? GENESIS_HASH, input);
  const { lastInsertRowid } = prepared(
    tx.db,
    `INSERT INTO "audit_event" ("at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(toSqlTime(content.at), content.actorId, content.actorName, content.projectId, content.runId, content.action, content.entityType, content.entityId, content.before, content.after, prevHash, hash);
  if (content.projectId) tx.touchedProjects.add(content.projectId);
  return { seq: Number(lastInsertRowid), hash };
}

function chainLink(prevHash: string, input: AuditInput) {
  const content = {
    at: new Date(),
    actorId: input.actor?.id ?? null,
    actorName: input.actor?.name ?? "system",
    projectId: input.projectId,
    runId: input.runId ?? null,
    action: input.action,
    entityType: input.entityType,
    entityId: input.entityId,
    before: snapshot(input.before),
    after: snapshot(input.after),
  };
  return { content, prevHash, hash: hashAuditEvent(prevHash, content) };
}

export async function listAuditEvents(options: { projectId: string; runId?: string; afterSeq?: number; limit?: number }) {
  const where = {
    projectId: options.projectId,
    ...(options.runId !== undefined ? { runId: options.runId } : {}),
    ...(options.afterSeq !== undefined ? { seq: { gt: options.afterSeq } } : {}),
  };
  return prisma.auditEvent.findMany({ where, orderBy: { seq: "desc" }, take: options.limit ?? 500 });
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
export async function getAuditHead(options: { runId?: string } = {}): Promise<{ seq: number; hash: string } | null> {
  const where = options.runId !== undefined ? { runId: options.runId } : {};
  return prisma.auditEvent.findFirst({ where, orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
}
