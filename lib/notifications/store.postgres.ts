import "server-only";
import type { PgTx } from "../platform/db/transaction-postgres";

/** ./store.sqlite.ts's claimApprovalLinkSql on PostgreSQL: spends the link inside the decision's transaction. */
export async function claimApprovalLink(tx: PgTx, options: { linkId: string; stepRunId: string; approverId: string; now: Date }): Promise<boolean> {
  const now = options.now.toISOString();
  const result = await tx.client.query({
    name: "approval-link-claim",
    text: `UPDATE "gate_approval_link" SET "usedAt" = $1
            WHERE "id" = $2 AND "stepRunId" = $3 AND "approverId" = $4 AND "usedAt" IS NULL AND "expiresAt" > $1`,
    values: [now, options.linkId, options.stepRunId, options.approverId],
  });
  return result.rowCount === 1;
}
