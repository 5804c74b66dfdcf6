import "server-only";
import type { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { diffPlans, type PlanSnapshotStep } from "../plan/snapshot";
import type { RunPlanDrift } from "./model";
import { clientFamily, fleetStepAppliesTo } from "../fleet/model";
import { hashPlanSnapshot, loadPlanSnapshot, recordPlanVersion } from "../plan/versions";
import { canApplyPlanToRun, type ActingUser } from "../platform/auth/permissions";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError } from "../platform/errors";
import { frozenStepFields, loadRunSnapshot, runPhaseData } from "./frozen-plan";
import type { applyPlanInput } from "./schemas";

/**
 * Plan changes reach an active run only when an admin applies them, with a reason. Until then the
 * run page shows what changed since the run froze its copy. Only steps that haven't started take a
 * change: a started or finished step keeps what it was done against.
 */

/** What changed in the plan since the run froze it; null when nothing did or the run has ended. */
export async function getRunPlanDrift(options: { runId: string }): Promise<RunPlanDrift | null> {
  const run = await prisma.run.findUnique({ where: { id: options.runId }, select: { id: true, projectId: true, status: true, planVersion: true } });
  if (!run || run.status !== "ACTIVE") return null;
  // Cheap test first: every plan change is a new version, so an equal number means no change.
  const latest = await prisma.planVersion.findFirst({ where: { projectId: run.projectId }, orderBy: { version: "desc" }, select: { version: true } });
  if (!latest || latest.version === run.planVersion) return null;
  const [planSnapshot, runSnapshot, started] = await Promise.all([
    loadPlanSnapshot(prisma, run.projectId),
    loadRunSnapshot(prisma, run.id),
    prisma.stepRun.findMany({ where: { runId: run.id, status: { not: "PENDING" } }, select: { stepId: true } }),
  ]);
  const diff = diffPlans(runSnapshot, planSnapshot);
  if (diff.empty) return null;
  const startedIds = new Set(started.map((s) => s.stepId));
  return { runVersion: run.planVersion, planVersion: latest.version, diff, startedStepIds: diff.steps.filter((s) => startedIds.has(s.id)).map((s) => s.id) };
}

export interface ApplyPlanResult {
  planVersion: number;
  planHash: string;
  applied: number;
  /** Changed or removed steps that had already started, so they kept what the run recorded. */
  kept: { stepId: string; title: string }[];
}

export async function applyPlanToRun(options: { actor: ActingUser; runId: string; input: z.infer<typeof applyPlanInput> }): Promise<ApplyPlanResult> {
  const { actor, input } = options;
  if (!canApplyPlanToRun(actor)) throw new ForbiddenError("Only admins can apply plan changes to a run.");
  return runTransaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: options.runId }, select: { id: true, projectId: true, status: true, planVersion: true } });
    if (!run) throw new NotFoundError("Run");
    if (run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
    const plan = await recordPlanVersion(tx, { projectId: run.projectId, actor });
    if (plan.version !== input.expectedPlanVersion) {
      throw new ConflictError(`The plan has changed again (now version ${plan.version}). Review the changes, then apply them.`);
    }
    const before = await loadRunSnapshot(tx, run.id);
    const diff = diffPlans(before, plan.snapshot);
    const rows = await tx.stepRun.findMany({ where: { runId: run.id }, select: { id: true, stepId: true, status: true, title: true, isFleet: true } });
    const rowByStep = new Map(rows.map((r) => [r.stepId, r]));
    const started = (stepId: string) => (rowByStep.get(stepId)?.status ?? "PENDING") !== "PENDING";

    // Phases first: steps point at their run phase.
    const planPhaseIds = new Set(plan.snapshot.phases.map((p) => p.id));
    for (const [index, phase] of plan.snapshot.phases.entries()) {
      const data = runPhaseData(run.id, phase, index + 1);
      await tx.runPhase.upsert({ where: { id: data.id }, create: data, update: { position: data.position, title: data.title, description: data.description, inWindow: data.inWindow } });
    }

    const clients = await tx.fleetClient.findMany({ where: { projectId: run.projectId }, select: { id: true, os: true, hardware: true } });
    const kept: ApplyPlanResult["kept"] = [];
    let applied = 0;
    const addFleetRows = async (step: PlanSnapshotStep) => {
      if (!step.isFleet || clients.length === 0) return;
      const existing = new Set((await tx.fleetClientRun.findMany({ where: { runId: run.id, stepId: step.id }, select: { clientId: true } })).map((r) => r.clientId));
      // bp.conf and connectivity steps leave agentless clients (VMs, filers) out: they have no agent.
      const missing = clients.filter((c) => !existing.has(c.id) && fleetStepAppliesTo({ action: step.fleetAction, family: clientFamily(c) }));
      if (missing.length > 0) await tx.fleetClientRun.createMany({ data: missing.map((c) => ({ runId: run.id, stepId: step.id, clientId: c.id })) });
    };
    const changedIds = new Set(diff.steps.filter((s) => s.change !== "removed").map((s) => s.id));
    for (const phase of plan.snapshot.phases) {
      for (const [index, step] of phase.steps.entries()) {
        const row = rowByStep.get(step.id);
        const fields = frozenStepFields(run.id, phase.id, step, index + 1);
        if (!row) {
          await tx.stepRun.create({ data: { runId: run.id, stepId: step.id, ...fields } });
          await addFleetRows(step);
          applied++;
        } else if (!started(step.id)) {
          // Unchanged steps are rewritten too: their position may have shifted with a neighbour.
          await tx.stepRun.update({ where: { id: row.id }, data: fields });
          if (changedIds.has(step.id)) {
            await addFleetRows(step);
            applied++;
          }
        } else if (changedIds.has(step.id)) {
          kept.push({ stepId: step.id, title: row.title });
        }
      }
    }
    const planStepIds = new Set(plan.snapshot.phases.flatMap((p) => p.steps.map((s) => s.id)));
    for (const row of rows) {
      if (planStepIds.has(row.stepId)) continue;
      if (started(row.stepId)) {
        kept.push({ stepId: row.stepId, title: row.title });
        continue;
      }
      await tx.fleetClientRun.deleteMany({ where: { runId: run.id, stepId: row.stepId } });
      await tx.stepRun.delete({ where: { id: row.id } });
      applied++;
    }
    // A phase the plan no longer has stays only while started steps of this run still sit in it.
    const emptied = await tx.runPhase.findMany({ where: { runId: run.id, stepRuns: { none: {} } }, select: { id: true, phaseId: true } });
    for (const phase of emptied) if (!planPhaseIds.has(phase.phaseId)) await tx.runPhase.delete({ where: { id: phase.id } });

    await renumberRunPlan(tx, { runId: run.id, planPhaseIds, planStepIds });
    const after = await loadRunSnapshot(tx, run.id);
    const planHash = hashPlanSnapshot(after);
    await tx.run.update({ where: { id: run.id }, data: { planVersion: plan.version, planHash } });
    await appendAuditEvent(tx, {
      actor,
      projectId: run.projectId,
      runId: run.id,
      action: "run.plan_applied",
      entityType: "run",
      entityId: run.id,
      before: { planVersion: run.planVersion },
      after: {
        planVersion: plan.version,
        planHash,
        reason: input.reason,
        steps: diff.steps.map((s) => ({ title: s.title, change: s.change, fields: s.fields.map((f) => f.field), kept: started(s.id) })),
      },
    });
    return { planVersion: plan.version, planHash, applied, kept };
  });
}

/**
 * Positions 1..n again after an apply: plan phases and steps took the plan's positions, while kept
 * ones (started steps, phases they still sit in) kept theirs, so two can share a number. Ties go to
 * the plan's item, then by id, so the order never depends on how the database breaks a tie.
 */
async function renumberRunPlan(tx: Tx, options: { runId: string; planPhaseIds: ReadonlySet<string>; planStepIds: ReadonlySet<string> }) {
  const phases = await tx.runPhase.findMany({ where: { runId: options.runId }, select: { id: true, phaseId: true, position: true } });
  const byOrder = <T extends { position: number }>(rows: T[], inPlan: (row: T) => boolean, id: (row: T) => string) =>
    [...rows].sort((a, b) => a.position - b.position || Number(!inPlan(a)) - Number(!inPlan(b)) || id(a).localeCompare(id(b)));
  for (const [index, phase] of byOrder(phases, (p) => options.planPhaseIds.has(p.phaseId), (p) => p.phaseId).entries()) {
    if (phase.position !== index + 1) await tx.runPhase.update({ where: { id: phase.id }, data: { position: index + 1 } });
  }
  const steps = await tx.stepRun.findMany({ where: { runId: options.runId }, select: { id: true, stepId: true, runPhaseId: true, position: true } });
  const byPhase = new Map<string, typeof steps>();
  for (const step of steps) byPhase.set(step.runPhaseId, [...(byPhase.get(step.runPhaseId) ?? []), step]);
  for (const inPhase of byPhase.values()) {
    for (const [index, step] of byOrder(inPhase, (r) => options.planStepIds.has(r.stepId), (r) => r.stepId).entries()) {
      if (step.position !== index + 1) await tx.stepRun.update({ where: { id: step.id }, data: { position: index + 1 } });
    }
  }
}
