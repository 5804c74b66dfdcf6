import "server-only";
import type { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { canEditPlan, type ActingUser } from "../platform/auth/permissions";
import { type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { findCycle } from "../platform/graph";
import { UNDO_SUMMARY_PREFIX } from "./model";
import { formatPasteProblem, readPastedSteps } from "./paste";
import type { bulkStepsInput, pasteStepsInput, reorderStepsInput } from "./schemas";
import { flatOrder, moveBlock, newOrderViolations, rethread, spliceDeleted, type PhaseOrder } from "./sheet-order";
import { canonicalPlanJson, type PlanSnapshot } from "./snapshot";
import { loadPlanSnapshot, recordPlanVersion } from "./versions";
import { assertAssignable, listUsersWithAssignability } from "../projects/assignees";
import { linkStepTeams, resolveTeamText, settleStepTeams } from "../teams/service";

/**
 * The plan sheet's multi-step edits: bulk changes, reorders, pastes and undo. Each is one request,
 * one transaction, one audit event and one plan version. Like every plan edit, none of them
 * touches a run: a run works from the plan it froze when it started.
 */

const FORBIDDEN = "Only admins can edit the plan.";
const CHANGED = "Someone else changed these steps while you were editing. Reload to see their change; nothing was changed.";

/** The shared start of every sheet edit: admins only, one transaction, the project from the database or 404. */
function editPlan<T>(options: { actor: ActingUser; projectId: string }, work: (tx: Tx, project: { id: string }) => Promise<T>): Promise<T> {
  if (!canEditPlan(options.actor)) throw new ForbiddenError(FORBIDDEN);
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError("Project");
    return work(tx, project);
  });
}

interface Layout {
  phases: PhaseOrder[];
  deps: Map<string, string[]>;
  /** Lags by "stepId predecessorId": kept for the links a relayout keeps. */
  lags: Map<string, number>;
  steps: Map<string, { id: string; title: string; version: number; phaseId: string; position: number; team: string; assigneeId: string | null }>;
}

async function loadLayout(tx: Tx, projectId: string): Promise<Layout> {
  const phases = await tx.phase.findMany({
    where: { projectId },
    orderBy: { position: "asc" },
    select: {
      id: true,
      steps: {
        orderBy: { position: "asc" },
        select: { id: true, title: true, version: true, phaseId: true, position: true, team: true, assigneeId: true, predecessors: { select: { predecessorId: true, lagMinutes: true } } },
      },
    },
  });
  const all = phases.flatMap((p) => p.steps);
  return {
    phases: phases.map((p) => ({ id: p.id, stepIds: p.steps.map((s) => s.id) })),
    deps: new Map(all.map((s) => [s.id, s.predecessors.map((d) => d.predecessorId)])),
    lags: new Map(all.flatMap((s) => s.predecessors.filter((d) => d.lagMinutes > 0).map((d) => [`${s.id} ${d.predecessorId}`, d.lagMinutes] as const))),
    steps: new Map(all.map((s) => [s.id, s])),
  };
}

/** The steps as the client saw them: all of this project, none changed since. */
function checkSeen(layout: Layout, seen: readonly { id: string; version: number }[]) {
  for (const s of seen) {
    const step = layout.steps.get(s.id);
    if (!step) throw new ValidationError("A selected step is not part of this plan (reload: it may have been deleted).", { steps: ["Unknown step."] });
    if (step.version !== s.version) throw new ConflictError(CHANGED);
  }
}

const titled = (layout: Layout, id: string) => `"${layout.steps.get(id)?.title ?? "a new step"}"`;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(",") === [...b].sort().join(",");

/**
 * Writes a new order and new predecessor links: positions 1..n in every phase and links replaced
 * where they changed. A step's version (the step dialog's lock) is bumped when it moved (`moved`),
 * changed phase or got other links; renumbering alone is not a change of the step. Returns the
 * existing steps that changed.
 */
async function writeLayout(tx: Tx, options: { layout: Layout; phases: PhaseOrder[]; deps: Map<string, string[]>; moved?: ReadonlySet<string> }) {
  const changed: string[] = [];
  for (const phase of options.phases) {
    for (const [index, id] of phase.stepIds.entries()) {
      const old = options.layout.steps.get(id);
      const depsChanged = !sameList(options.layout.deps.get(id) ?? [], options.deps.get(id) ?? []);
      const bump = old !== undefined && (old.phaseId !== phase.id || depsChanged || (options.moved?.has(id) ?? false));
      if (old && old.position === index + 1 && !bump) continue;
      if (bump) changed.push(id);
      await tx.step.update({ where: { id }, data: { phaseId: phase.id, position: index + 1, ...(bump ? { version: { increment: 1 } } : {}) } });
      if (depsChanged) {
        await tx.stepDependency.deleteMany({ where: { stepId: id } });
        const preds = options.deps.get(id) ?? [];
        if (preds.length > 0) await tx.stepDependency.createMany({ data: preds.map((predecessorId) => ({ stepId: id, predecessorId, lagMinutes: options.layout.lags.get(`${id} ${predecessorId}`) ?? 0 })) });
      }
    }
  }
  return changed;
}

function assertAcyclic(layout: Layout, deps: Map<string, string[]>) {
  const cycle = findCycle(deps);
  if (cycle) throw new ValidationError(`That would make steps wait for each other in a circle: ${cycle.map((id) => titled(layout, id)).join(" → ")}.`);
}

// ---------- bulk: assign, set team, delete ----------

export async function bulkUpdateSteps(options: { actor: ActingUser; projectId: string; input: z.infer<typeof bulkStepsInput> }) {
  const { actor, input } = options;
  return editPlan(options, async (tx, project) => {
    const layout = await loadLayout(tx, project.id);
    checkSeen(layout, input.steps);
    const ids = input.steps.map((s) => s.id);
    const before = ids.map((id) => {
      const s = layout.steps.get(id)!;
      return { id, title: s.title, team: s.team, assigneeId: s.assigneeId };
    });
    const change = input.change;
    let after: unknown;
    let action: string;
    if (change.kind === "delete") {
      const deleted = new Set(ids);
      const deps = spliceDeleted(layout.deps, deleted);
      const phases = layout.phases.map((p) => ({ id: p.id, stepIds: p.stepIds.filter((id) => !deleted.has(id)) }));
      await tx.step.deleteMany({ where: { id: { in: ids } } });
      const relinked = await writeLayout(tx, { layout: { ...layout, deps: new Map([...layout.deps].map(([id, preds]) => [id, preds.filter((p) => !deleted.has(p))])) }, phases, deps });
      action = "plan.steps.bulk_delete";
      after = { deleted: ids.length, relinked: relinked.map((id) => ({ id, predecessorIds: deps.get(id) ?? [] })) };
    } else if (change.kind === "assign") {
      await assertAssignable(tx, { projectId: project.id, userId: change.assigneeId });
      await tx.step.updateMany({ where: { id: { in: ids } }, data: { assigneeId: change.assigneeId, version: { increment: 1 } } });
      action = "plan.steps.bulk_update";
      after = { assigneeId: change.assigneeId };
    } else {
      const teams = await resolveTeamText(tx, { text: change.team, actor, create: true, via: "plan sheet", projectId: project.id, audit: false });
      await tx.step.updateMany({ where: { id: { in: ids } }, data: { team: teams.text, version: { increment: 1 } } });
      await linkStepTeams(tx, { stepIds: ids, teamIds: teams.teamIds });
      action = "plan.steps.bulk_update";
      after = { team: teams.text, ...(teams.created.length > 0 ? { createdTeams: teams.created } : {}) };
    }
    await appendAuditEvent(tx, { actor, projectId: project.id, action, entityType: "project", entityId: project.id, before: { change: change.kind, steps: before }, after });
    const version = await recordPlanVersion(tx, { projectId: project.id, actor });
    return { count: ids.length, planVersion: version.version };
  });
}

// ---------- reorder ----------

export async function reorderSteps(options: { actor: ActingUser; projectId: string; input: z.infer<typeof reorderStepsInput> }) {
  const { actor, input } = options;
  return editPlan(options, async (tx, project) => {
    const layout = await loadLayout(tx, project.id);
    checkSeen(layout, input.steps);
    const moved = input.steps.map((s) => s.id);
    let phases: PhaseOrder[];
    try {
      phases = moveBlock(layout.phases, { moved, phaseId: input.phaseId, beforeStepId: input.beforeStepId });
    } catch (error) {
      const message = (error as Error).message;
      throw new ValidationError(message, { [message.includes("phase") && !message.includes("before") ? "phaseId" : "beforeStepId"]: [message] });
    }
    // Dropped where it already was: nothing to change, nothing to record.
    if (JSON.stringify(phases) === JSON.stringify(layout.phases)) return { planVersion: null, changed: 0 };
    const before = flatOrder(layout.phases);
    const after = flatOrder(phases);
    const deps = rethread({ before, after, deps: layout.deps });
    const violations = newOrderViolations({ before, after, oldDeps: layout.deps, newDeps: deps });
    if (violations.length > 0) {
      const [step, pred] = violations[0];
      throw new ValidationError(
        `${titled(layout, step)} waits for ${titled(layout, pred)}, so it can't be placed above it. Change its predecessors in the step's dialog first, or move both.${violations.length > 1 ? ` (${violations.length - 1} more such link${violations.length > 2 ? "s" : ""}.)` : ""}`,
      );
    }
    assertAcyclic(layout, deps);
    const changed = await writeLayout(tx, { layout, phases, deps, moved: new Set(moved) });
    const relinked = changed.filter((id) => !sameList(layout.deps.get(id) ?? [], deps.get(id) ?? []));
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "plan.steps.reorder",
      entityType: "project",
      entityId: project.id,
      before: { order: layout.phases, predecessors: Object.fromEntries(relinked.map((id) => [id, layout.deps.get(id) ?? []])) },
      after: { moved, phaseId: input.phaseId, beforeStepId: input.beforeStepId, order: phases, predecessors: Object.fromEntries(relinked.map((id) => [id, deps.get(id) ?? []])) },
    });
    const version = await recordPlanVersion(tx, { projectId: project.id, actor });
    return { planVersion: version.version, changed: changed.length };
  });
}

// ---------- paste ----------

export async function pasteSteps(options: { actor: ActingUser; projectId: string; input: z.infer<typeof pasteStepsInput> }) {
  const { actor, input } = options;
  return editPlan(options, async (tx, project) => {
    // Viewers in this project come with why they can't be assigned, so a row naming one is refused by name.
    const users = await listUsersWithAssignability({ projectId: project.id, db: tx });
    // The server reads the text again: the browser's preview is a convenience, not a check.
    const pasted = readPastedSteps({ text: input.text, users });
    if (pasted.errors.length > 0) {
      const fieldErrors: Record<string, string[]> = {};
      for (const e of pasted.errors) (fieldErrors[e.row === null ? "text" : `rows.${e.row}`] ??= []).push(formatPasteProblem(e));
      throw new ValidationError(`Nothing was pasted: ${pasted.errors.slice(0, 5).map(formatPasteProblem).join(" ")}`, fieldErrors);
    }
    const layout = await loadLayout(tx, project.id);
    const phase = layout.phases.find((p) => p.id === input.phaseId);
    if (!phase) throw new ValidationError("Choose a phase of this project.", { phaseId: ["Choose a phase of this project."] });
    if (input.beforeStepId !== null && !phase.stepIds.includes(input.beforeStepId)) throw new ValidationError("The step to paste before is not in that phase.", { beforeStepId: ["Not in that phase."] });

    const idByRow = new Map<number, string>();
    for (const step of pasted.steps) {
      const created = await tx.step.create({
        data: {
          projectId: project.id,
          phaseId: phase.id,
          position: 0,
          title: step.title,
          details: step.details,
          commands: step.commands,
          verification: step.verification,
          team: step.team,
          assigneeId: step.assigneeId,
          plannedMinutes: step.plannedMinutes,
          kind: step.kind,
        },
        select: { id: true },
      });
      idByRow.set(step.row, created.id);
    }
    const newIds = pasted.steps.map((s) => idByRow.get(s.row)!);
    const createdTeams = await settleStepTeams(tx, { stepIds: newIds, actor, via: "paste", projectId: project.id, audit: false });
    const phases = moveBlock(
      layout.phases.map((p) => (p.id === phase.id ? { ...p, stepIds: [...p.stepIds, ...newIds] } : p)),
      { moved: newIds, phaseId: phase.id, beforeStepId: input.beforeStepId },
    );
    // The pasted rows wait for each other as the sheet said (row order by default); the first one
    // follows the step above the place it was pasted, like a row inserted into a sequence.
    const before = flatOrder(layout.phases);
    const after = flatOrder(phases);
    const above = after[after.indexOf(newIds[0]) - 1] ?? null;
    const depsWithNew = new Map(layout.deps);
    for (const step of pasted.steps) {
      const preds = step.predecessorRows.map((row) => idByRow.get(row)!);
      if (preds.length === 0 && step === pasted.steps[0] && above !== null) preds.push(above);
      depsWithNew.set(idByRow.get(step.row)!, preds);
    }
    const deps = rethread({ before, after, deps: depsWithNew });
    assertAcyclic(layout, deps);
    await writeLayout(tx, { layout, phases, deps });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "plan.steps.paste",
      entityType: "project",
      entityId: project.id,
      before: null,
      after: {
        phaseId: phase.id,
        beforeStepId: input.beforeStepId,
        hasHeader: pasted.hasHeader,
        ...(createdTeams.length > 0 ? { createdTeams } : {}),
        steps: pasted.steps.map((s) => ({ id: idByRow.get(s.row), row: s.row, title: s.title, team: s.team, assigneeId: s.assigneeId, plannedMinutes: s.plannedMinutes, estimated: s.estimated, kind: s.kind, predecessorIds: deps.get(idByRow.get(s.row)!) ?? [] })),
        warnings: pasted.warnings.slice(0, 50).map(formatPasteProblem),
      },
    });
    const version = await recordPlanVersion(tx, { projectId: project.id, actor });
    return { count: newIds.length, stepIds: newIds, planVersion: version.version, createdTeams };
  });
}

// ---------- undo ----------

/**
 * Takes back the newest plan version, if it is the caller's own edit and the one they saw as the
 * newest: the steps go back to exactly what the version before recorded (fields, phase, order,
 * predecessors; deleted steps come back with their ids, added ones go). Phases are not restored,
 * so an edit that added, removed or changed a phase is refused rather than half undone. The undo
 * is an edit of its own: audited, and recorded as a new version.
 */
export async function undoLastPlanEdit(options: { actor: ActingUser; projectId: string; version: number }) {
  const { actor } = options;
  return editPlan(options, async (tx, project) => {
    const latest = await tx.planVersion.findFirst({ where: { projectId: project.id }, orderBy: { version: "desc" } });
    if (!latest || latest.version <= 1) throw new ConflictError("There is no plan edit to undo.");
    if (latest.version !== options.version || latest.actorId !== actor.id) {
      throw new ConflictError(
        latest.actorId !== actor.id
          ? `${latest.actorName} edited the plan since (version ${latest.version}: ${latest.summary}). Undo only takes back your own last edit; nothing was changed.`
          : `The plan changed since you loaded it (it is at version ${latest.version} now). Reload, then undo; nothing was changed.`,
      );
    }
    if (latest.summary.startsWith(UNDO_SUMMARY_PREFIX)) throw new ConflictError("Your last edit was an undo; there is nothing more to undo.");
    const previous = await tx.planVersion.findUniqueOrThrow({ where: { projectId_version: { projectId: project.id, version: latest.version - 1 } } });
    const target = JSON.parse(previous.snapshot) as PlanSnapshot;
    const current = await loadPlanSnapshot(tx, project.id);
    // The newest version must still be what the plan is: a change that recorded no version (there should be none) is not overwritten.
    if (canonicalPlanJson(current) !== canonicalPlanJson(JSON.parse(latest.snapshot) as PlanSnapshot)) {
      throw new ConflictError("The plan differs from its newest version; reload and try again. Nothing was changed.");
    }
    const phaseFacts = (s: PlanSnapshot) => JSON.stringify(s.phases.map((p) => [p.id, p.title, p.description, p.inWindow]));
    if (phaseFacts(target) !== phaseFacts(current)) throw new ConflictError("Your last edit changed the phases; undo takes back step edits only. Change the phases back by hand; nothing was changed.");

    const targetSteps = target.phases.flatMap((phase) => phase.steps.map((step, index) => ({ step, phaseId: phase.id, position: index + 1 })));
    const keep = new Set(targetSteps.map((t) => t.step.id));
    const currentIds = current.phases.flatMap((p) => p.steps.map((s) => s.id));
    const removed = currentIds.filter((id) => !keep.has(id));
    const existing = new Set(currentIds);
    // An assignee deactivated or deleted since keeps their place only if they still exist.
    const assignees = new Set((await tx.user.findMany({ where: { id: { in: targetSteps.flatMap((t) => (t.step.assigneeId ? [t.step.assigneeId] : [])) } }, select: { id: true } })).map((u) => u.id));
    await tx.step.deleteMany({ where: { id: { in: removed } } });
    await tx.stepDependency.deleteMany({ where: { stepId: { in: currentIds } } });
    for (const { step, phaseId, position } of targetSteps) {
      const data = {
        phaseId,
        position,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        assigneeId: step.assigneeId && assignees.has(step.assigneeId) ? step.assigneeId : null,
        plannedMinutes: step.plannedMinutes,
        kind: step.kind,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        noGoOutcome: step.noGoOutcome,
        gateApprovers: JSON.stringify(step.gateApprovers),
        fourEyes: step.fourEyes,
        requiredFields: JSON.stringify(step.requiredFields),
        notBefore: step.notBefore ?? "",
      };
      if (existing.has(step.id)) await tx.step.update({ where: { id: step.id }, data: { ...data, version: { increment: 1 } } });
      else await tx.step.create({ data: { ...data, id: step.id, projectId: project.id } });
    }
    // A team renamed or merged since is found again by name, or comes back as a team of its own.
    await settleStepTeams(tx, { stepIds: targetSteps.map((t) => t.step.id), actor, via: "undo", projectId: project.id, audit: false });
    const links = targetSteps.flatMap(({ step }) => step.predecessorIds.filter((p) => keep.has(p)).map((predecessorId) => ({ stepId: step.id, predecessorId, lagMinutes: step.predecessorLags?.[predecessorId] ?? 0 })));
    if (links.length > 0) await tx.stepDependency.createMany({ data: links });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "plan.undo",
      entityType: "project",
      entityId: project.id,
      before: { version: latest.version, summary: latest.summary, hash: latest.hash },
      after: { restoredVersion: previous.version, hash: previous.hash, removedStepIds: removed, restoredStepIds: targetSteps.filter((t) => !existing.has(t.step.id)).map((t) => t.step.id) },
    });
    const recorded = await recordPlanVersion(tx, { projectId: project.id, actor, summary: `${UNDO_SUMMARY_PREFIX}${latest.version} (${latest.summary})` });
    return { planVersion: recorded.version, restoredVersion: previous.version };
  });
}
