import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { OfflineShell } from "@/components/runs/offline-shell";
import { RunBoard } from "@/components/runs/run-board";
import { NotFoundError } from "@/lib/platform/errors";
import { canApplyPlanToRun, canManageStakeholderUpdates, canOperateSteps, canUndoSignOff } from "@/lib/platform/auth/permissions";
import { getRunPlanDrift } from "@/lib/runs/plan-changes";
import { getRunBoard } from "@/lib/runs/queries";
import { requireUser } from "@/lib/platform/auth/session";
import { projectUserOrNull } from "@/lib/projects/access";

export const metadata: Metadata = { title: "Run" };

export default async function RunPage({ params }: { params: Promise<{ projectId: string; runId: string }> }) {
  const { projectId, runId } = await params;
  // The user's role in this project decides what the board offers (a viewer-member can't tick).
  const user = await projectUserOrNull({ user: await requireUser(), projectId }) ?? notFound();
  const [board, planDrift] = await Promise.all([
    getRunBoard({ runId }).catch((error) => {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }),
    getRunPlanDrift({ runId }),
  ]);
  // The project comes from the run; a URL pairing a run with another project is a 404.
  if (board.project.id !== projectId) notFound();
  return (
    <>
      <OfflineShell />
      <RunBoard
        data={board}
        me={{ id: user.id, name: user.name, role: user.role }}
        permissions={{ canOperate: canOperateSteps(user), canUndo: canUndoSignOff(user), isAdmin: user.role === "ADMIN", canApplyPlan: canApplyPlanToRun(user), canManageStakeholderUpdates: canManageStakeholderUpdates(user) }}
        planDrift={planDrift}
        renderedAt={Date.now()}
      />
    </>
  );
}
