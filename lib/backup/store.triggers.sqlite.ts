import "server-only";
import { sqlite } from "../platform/db/client";
import { prepared } from "../platform/db/sql";

/** What the continuous backup looks at each tick: two index lookups. */
export function readBackupTriggersSql(): { auditHeadSeq: number; lastRunEndedAt: Date | null } {
  const db = sqlite();
  const head = prepared<{ seq: number | null }>(db, `SELECT MAX("seq") AS "seq" FROM "audit_event"`).get();
  const ended = prepared<{ endedAt: string | null }>(db, `SELECT MAX("endedAt") AS "endedAt" FROM "run"`).get();
  return { auditHeadSeq: head?.seq ?? 0, lastRunEndedAt: ended?.endedAt ? new Date(ended.endedAt) : null };
}
