import "server-only";
import { prepared, toSqlTime } from "../platform/db/sql";
import type { SqlTx } from "../platform/db/transaction";
import { chainLink, GENESIS_HASH, type AuditInput } from "./chain";

/** The audit append as prepared statements on the direct connection; Prisma reads the rows back unchanged. */
export function insertAuditEventSql(tx: SqlTx, input: AuditInput): { seq: number; hash: string } {
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
