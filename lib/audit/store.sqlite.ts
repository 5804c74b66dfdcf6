import "server-only";
import { prepared, toSqlTime } from "../platform/db/sql";
import type Database from "better-sqlite3";
import { markAuditAppended } from "../platform/db/commits";
import type { SqlTx } from "../platform/db/transaction";
import { chainLink, GENESIS_HASH, type AuditInput } from "./chain";
import { anchorsAtOnce } from "./anchor-policy";
import { withTokenName } from "./actor-name";

/** The audit append as prepared statements on the direct connection; Prisma reads the rows back unchanged. */
export function insertAuditEventSql(tx: SqlTx, input: AuditInput): { seq: number; hash: string } {
  const last = prepared<{ hash: string }>(tx.db, `SELECT "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1`).get();
  const { content, prevHash, hash } = chainLink(last?.hash ?? GENESIS_HASH, withTokenName(input));
  const { lastInsertRowid } = prepared(
    tx.db,
    `INSERT INTO "audit_event" ("at", "actorId", "actorName", "projectId", "runId", "action", "entityType", "entityId", "before", "after", "prevHash", "hash")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(toSqlTime(content.at), content.actorId, content.actorName, content.projectId, content.runId, content.action, content.entityType, content.entityId, content.before, content.after, prevHash, hash);
  if (content.projectId) tx.touchedProjects.add(content.projectId);
  const seq = Number(lastInsertRowid);
  markAuditAppended(tx, { seq, hash, urgent: anchorsAtOnce(content.action) });
  return { seq, hash };
}

/** The chain's newest event, for a checkpoint (null: an empty chain). */
export function readAuditHeadSql(db: Database.Database): { seq: number; hash: string } | null {
  return prepared<{ seq: number; hash: string }>(db, `SELECT "seq", "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1`).get() ?? null;
}

/** One event's stored hash, or null if there is no such event. */
export function readAuditHashSql(db: Database.Database, seq: number): string | null {
  return prepared<{ hash: string }>(db, `SELECT "hash" FROM "audit_event" WHERE "seq" = ?`).get(seq)?.hash ?? null;
}
