import "server-only";
import { toSqlTime } from "../platform/db/sql";
import type { SqlTx } from "../platform/db/transaction";

/**
 * Spends a gate approval link inside the gate decision's own transaction (lib/runs/service.ts
 * decideGate's `claim`): the link is used exactly once, and only if the decision commits. Returns
 * false when it was used (or expired) meanwhile, or belongs to another gate.
 */
export function claimApprovalLinkSql(tx: SqlTx, options: { linkId: string; stepRunId: string; approverId: string; now: Date }): boolean {
  const result = tx.db
    .prepare(
      `UPDATE "gate_approval_link" SET "usedAt" = ?
       WHERE "id" = ? AND "stepRunId" = ? AND "approverId" = ? AND "usedAt" IS NULL AND "expiresAt" > ?`,
    )
    .run(toSqlTime(options.now), options.linkId, options.stepRunId, options.approverId, toSqlTime(options.now));
  return result.changes === 1;
}
