import "server-only";
import type { Tx } from "../platform/db/client";
import { stepFactsOf } from "../plan/model";
import { lagsOf, type PlanSnapshot, type PlanSnapshotPhase, type PlanSnapshotStep } from "../plan/snapshot";
import { parseLags } from "../plan/timing";

/**
 * A run's own copy of the plan: run_phase rows and the plan facts on each step_run. Everything that
 * shows or exports a run reads this copy, never the live plan, so a plan edit can't rewrite what a
 * run recorded, and reaches an active run only when an admin applies it.
 */

/** Deterministic, so the frozen phase of a plan phase is found without a lookup. */
export const runPhaseId = (runId: string, phaseId: string) => `${runId}:${phaseId}`;

export function runPhaseData(runId: string, phase: PlanSnapshotPhase, position: number) {
  return { id: runPhaseId(runId, phase.id), runId, phaseId: phase.id, position, title: phase.title, description: phase.description, inWindow: phase.inWindow };
}

/** The frozen columns of a step_run, from the plan step as it is now. */
export function frozenStepFields(runId: string, phaseId: string, step: PlanSnapshotStep, position: number) {
  return {
    runPhaseId: runPhaseId(runId, phaseId),
    position,
    title: step.title,
    details: step.details,
    commands: step.commands,
    verification: step.verification,
    team: step.team,
    assigneeId: step.assigneeId,
    assigneeName: step.assigneeName,
    plannedMinutes: step.plannedMinutes,
    kind: step.kind,
    isFleet: step.isFleet,
    fleetAction: step.fleetAction,
    predecessorIds: JSON.stringify(step.predecessorIds),
    predecessorLags: JSON.stringify(lagsOf(step)),
    notBefore: step.notBefore ?? "",
    noGoOutcome: step.noGoOutcome,
    gateApprovers: JSON.stringify(step.gateApprovers),
    fourEyes: step.fourEyes,
    requiredFields: JSON.stringify(step.requiredFields),
  };
}

/** Creates the run's frozen copy of `snapshot`: its phases and one pending step_run per step. */
export async function freezePlanIntoRun(tx: Tx, options: { runId: string; snapshot: PlanSnapshot }): Promise<void> {
  const { runId, snapshot } = options;
  await tx.runPhase.createMany({ data: snapshot.phases.map((phase, index) => runPhaseData(runId, phase, index + 1)) });
  await tx.stepRun.createMany({
    data: snapshot.phases.flatMap((phase) => phase.steps.map((step, index) => ({ runId, stepId: step.id, ...frozenStepFields(runId, phase.id, step, index + 1) }))),
  });
}

/** The run's frozen plan as a snapshot, to hash it or compare it with the plan. */
export async function loadRunSnapshot(db: Pick<Tx, "runPhase">, runId: string): Promise<PlanSnapshot> {
  const phases = await db.runPhase.findMany({
    where: { runId },
    orderBy: { position: "asc" },
    include: { stepRuns: { orderBy: { position: "asc" } } },
  });
  return {
    phases: phases.map((phase) => ({
        id: phase.phaseId,
        title: phase.title,
        description: phase.description,
        inWindow: phase.inWindow,
        steps: phase.stepRuns.map((sr) => ({
          id: sr.stepId,
          ...stepFactsOf(sr),
          assigneeName: sr.assigneeName,
          predecessorIds: JSON.parse(sr.predecessorIds) as string[],
          predecessorLags: parseLags(sr.predecessorLags),
        })),
      })),
  };
}
