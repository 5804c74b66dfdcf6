import "server-only";
import { recordPlanVersion } from "./versions";
import { appendAuditEvent } from "../audit/service";
import { type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { findCycle } from "../platform/graph";
import { canEditPlan, type ActingUser } from "../platform/auth/permissions";
import type { FleetActionName } from "../runs/model";
import type { createStepInput, gateApproverInput, phaseInput, updatePhaseInput, updateStepInput } from "./schemas";
import { parseGateApprovers, parseRequiredFields, type GateApprover, type NoGoOutcomeName } from "./model";
import type { z } from "zod";
import { normalizeLags } from "./timing";
import { assertAssignable } from "../projects/assignees";
import { linkStepTeams, resolveTeamText } from "../teams/service";

function requirePlanEditor(actor: ActingUser) {
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can edit the plan.");
}

const stepSnapshot = (s: { title: string; phaseId: string; position: number; details: string; commands: string; verification: string; team: string; assigneeId: string | null; plannedMinutes: number; kind: string; isFleet: boolean; fleetAction: string | null; noGoOutcome: string; gateApprovers: string; fourEyes: boolean; requiredFields: string; notBefore: string }, predecessorIds: string[], lags: Record<string, number> = {}) => ({
  title: s.title,
  phaseId: s.phaseId,
  position: s.position,
  details: s.details,
  commands: s.commands,
  verification: s.verification,
  team: s.team,
  assigneeId: s.assigneeId,
  plannedMinutes: s.plannedMinutes,
  kind: s.kind,
  isFleet: s.isFleet,
  fleetAction: s.fleetAction,
  requiredFields: parseRequiredFields(s.requiredFields),
  ...(s.kind === "GATE" ? { noGoOutcome: s.noGoOutcome, gateApprovers: parseGateApprovers(s.gateApprovers), fourEyes: s.fourEyes } : {}),
  predecessorIds,
  ...(Object.keys(lags).length > 0 ? { predecessorLags: lags } : {}),
  ...(s.notBefore ? { notBefore: s.notBefore } : {}),
});

/** Lags only for the step's predecessors, and only those that wait: anything else is refused, not dropped. */
function checkedLags(lags: Record<string, number>, predecessorIds: readonly string[]): Record<string, number> {
  const preds = new Set(predecessorIds);
  const stray = Object.keys(lags).filter((id) => !preds.has(id));
  if (stray.length > 0) throw new ValidationError("A lag can only follow one of the step's predecessors.", { predecessorLags: ["A lag can only follow one of the step's predecessors."] });
  return normalizeLags(lags, predecessorIds);
}

const lagsOfRows = (rows: readonly { predecessorId: string; lagMinutes: number }[]) => Object.fromEntries(rows.filter((r) => r.lagMinutes > 0).map((r) => [r.predecessorId, r.lagMinutes]));

// ---------- phases ----------

export async function addPhase(options: { actor: ActingUser; projectId: string; input: z.infer<typeof phaseInput> }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError("Project");
    const last = await tx.phase.findFirst({ where: { projectId: project.id }, orderBy: { position: "desc" }, select: { position: true } });
    const phase = await tx.phase.create({ data: { ...options.input, projectId: project.id, position: (last?.position ?? 0) + 1 } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: project.id, action: "phase.create", entityType: "phase", entityId: phase.id, before: null, after: options.input });
    await recordPlanVersion(tx, { projectId: project.id, actor: options.actor });
    return phase;
  });
}

export async function updatePhase(options: { actor: ActingUser; phaseId: string; input: z.infer<typeof updatePhaseInput> }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const before = await tx.phase.findUnique({ where: { id: options.phaseId } });
    if (!before) throw new NotFoundError("Phase");
    const after = await tx.phase.update({ where: { id: before.id }, data: options.input });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: before.projectId,
      action: "phase.update",
      entityType: "phase",
      entityId: before.id,
      before: { title: before.title, description: before.description },
      after: { title: after.title, description: after.description },
    });
    await recordPlanVersion(tx, { projectId: before.projectId, actor: options.actor });
    return after;
  });
}

export async function deletePhase(options: { actor: ActingUser; phaseId: string }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const phase = await tx.phase.findUnique({ where: { id: options.phaseId }, include: { steps: { select: { id: true } } } });
    if (!phase) throw new NotFoundError("Phase");
    await tx.phase.delete({ where: { id: phase.id } });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: phase.projectId,
      action: "phase.delete",
      entityType: "phase",
      entityId: phase.id,
      before: { title: phase.title, stepCount: phase.steps.length },
      after: null,
    });
    await recordPlanVersion(tx, { projectId: phase.projectId, actor: options.actor });
  });
}

export async function movePhase(options: { actor: ActingUser; phaseId: string; direction: "up" | "down" }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const phase = await tx.phase.findUnique({ where: { id: options.phaseId } });
    if (!phase) throw new NotFoundError("Phase");
    const neighbour = await tx.phase.findFirst({
      where: { projectId: phase.projectId, position: options.direction === "up" ? { lt: phase.position } : { gt: phase.position } },
      orderBy: { position: options.direction === "up" ? "desc" : "asc" },
    });
    if (!neighbour) return phase;
    await tx.phase.update({ where: { id: phase.id }, data: { position: neighbour.position } });
    await tx.phase.update({ where: { id: neighbour.id }, data: { position: phase.position } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: phase.projectId, action: "phase.move", entityType: "phase", entityId: phase.id, before: { position: phase.position }, after: { position: neighbour.position } });
    await recordPlanVersion(tx, { projectId: phase.projectId, actor: options.actor });
    return phase;
  });
}

// ---------- steps ----------

/** Predecessors must be steps of the same project, and the graph must stay acyclic. */
async function validatePredecessors(tx: Tx, options: { projectId: string; stepId: string | null; predecessorIds: string[] }) {
  const unique = [...new Set(options.predecessorIds)];
  if (options.stepId && unique.includes(options.stepId)) {
    throw new ValidationError("A step can't depend on itself.", { predecessorIds: ["A step can't depend on itself."] });
  }
  const steps = await tx.step.findMany({ where: { projectId: options.projectId }, select: { id: true, title: true, predecessors: { select: { predecessorId: true } } } });
  const inProject = new Set(steps.map((s) => s.id));
  const foreign = unique.filter((id) => !inProject.has(id));
  if (foreign.length > 0) throw new ValidationError("Predecessors must be steps of this project.", { predecessorIds: ["Predecessors must be steps of this project."] });
  if (options.stepId) {
    const graph = new Map(steps.map((s) => [s.id, s.predecessors.map((p) => p.predecessorId)]));
    graph.set(options.stepId, unique);
    const cycle = findCycle(graph);
    if (cycle) {
      const titleOf = new Map(steps.map((s) => [s.id, s.title]));
      const message = `That would create a dependency cycle: ${cycle.map((id) => `"${titleOf.get(id)}"`).join(" → ")}.`;
      throw new ValidationError(message, { predecessorIds: [message] });
    }
  }
  return unique;
}

/**
 * A fleet step always has an action (GENERIC unless one is chosen, or kept from before); any
 * other step has none, and asking for one is an error rather than silently dropped.
 */
/**
 * A gate's settings as stored: the approvers with the names of the people chosen (they must be
 * active users), and the defaults for any other kind of step, so a step that stops being a gate
 * carries nothing of it. Settings not in the request keep their current value.
 */
async function gateSettingsFor(
  tx: Tx,
  options: {
    kind: string;
    requested: { noGoOutcome?: NoGoOutcomeName; gateApprovers?: z.infer<typeof gateApproverInput>[]; fourEyes?: boolean };
    current: { noGoOutcome: NoGoOutcomeName; gateApprovers: string; fourEyes: boolean } | null;
  },
): Promise<{ noGoOutcome: NoGoOutcomeName; gateApprovers: string; fourEyes: boolean }> {
  const { requested, current } = options;
  if (options.kind !== "GATE") {
    if ((requested.gateApprovers?.length ?? 0) > 0 || requested.fourEyes || (requested.noGoOutcome && requested.noGoOutcome !== "ROLLBACK")) {
      throw new ValidationError("Only a go/no-go gate has approvals and a No-Go outcome.", { kind: ["Make the step a go/no-go gate first."] });
    }
    return { noGoOutcome: "ROLLBACK", gateApprovers: "[]", fourEyes: false };
  }
  let approvers: GateApprover[] = current ? parseGateApprovers(current.gateApprovers) : [];
  if (requested.gateApprovers !== undefined) {
    const userIds = requested.gateApprovers.flatMap((a) => (a.kind === "user" ? [a.userId] : []));
    if (new Set(userIds).size !== userIds.length) throw new ValidationError("Each person can give one approval.", { gateApprovers: ["Each person can give one approval."] });
    const users = await tx.user.findMany({ where: { id: { in: userIds }, deactivatedAt: null }, select: { id: true, name: true, role: true } });
    const byId = new Map(users.map((u) => [u.id, u]));
    approvers = requested.gateApprovers.map((a) => {
      if (a.kind === "role") return a;
      const user = byId.get(a.userId);
      if (!user) throw new ValidationError("Choose an active user as approver.", { gateApprovers: ["Choose an active user as approver."] });
      if (user.role === "VIEWER") throw new ValidationError(`${user.name} is a viewer and can't approve a gate.`, { gateApprovers: [`${user.name} is a viewer and can't approve a gate.`] });
      return { kind: "user", userId: user.id, name: user.name };
    });
  }
  return {
    noGoOutcome: requested.noGoOutcome ?? current?.noGoOutcome ?? "ROLLBACK",
    gateApprovers: JSON.stringify(approvers),
    fourEyes: requested.fourEyes ?? current?.fourEyes ?? false,
  };
}

/** The fields as stored: each with a key made from its label, unique within the step. */
function requiredFieldsJson(fields: readonly { label: string; type: "text" | "number" | "choice"; options?: string[] }[]): string {
  const used = new Set<string>();
  return JSON.stringify(
    fields.map((field, index) => {
      const base = field.label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || `field-${index + 1}`;
      let key = base;
      for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
      used.add(key);
      return { key, label: field.label, type: field.type, ...(field.type === "choice" ? { options: field.options ?? [] } : {}) };
    }),
  );
}

function fleetActionFor(options: { isFleet: boolean; requested: FleetActionName | null | undefined; current: string | null }): FleetActionName | null {
  if (!options.isFleet) {
    if (options.requested) throw new ValidationError("Only a fleet step has a fleet action.", { fleetAction: ["Only a fleet step has a fleet action; tick “Fleet step” first."] });
    return null;
  }
  return options.requested ?? (options.current as FleetActionName | null) ?? "GENERIC";
}

export async function addStep(options: { actor: ActingUser; projectId: string; input: z.infer<typeof createStepInput> }) {
  requirePlanEditor(options.actor);
  const { actor, input } = options;
  return runTransaction(async (tx) => {
    const phase = await tx.phase.findUnique({ where: { id: input.phaseId }, select: { id: true, projectId: true } });
    // The phase decides the project; a phase of another project is "not found" here.
    if (!phase || phase.projectId !== options.projectId) throw new ValidationError("Choose a phase of this project.", { phaseId: ["Choose a phase of this project."] });
    const predecessorIds = await validatePredecessors(tx, { projectId: phase.projectId, stepId: null, predecessorIds: input.predecessorIds });
    await assertAssignable(tx, { projectId: phase.projectId, userId: input.assigneeId });
    const teams = await resolveTeamText(tx, { text: input.team, actor, create: true, via: "step", projectId: phase.projectId });
    const last = await tx.step.findFirst({ where: { phaseId: phase.id }, orderBy: { position: "desc" }, select: { position: true } });
    const lags = checkedLags(input.predecessorLags, predecessorIds);
    const { predecessorIds: _ignored, predecessorLags: _lags, fleetAction: _action, noGoOutcome: _outcome, gateApprovers: _approvers, fourEyes: _fourEyes, requiredFields: _fields, ...fields } = input;
    const gate = await gateSettingsFor(tx, { kind: input.kind, requested: input, current: null });
    const step = await tx.step.create({
      data: { ...fields, team: teams.text, ...gate, requiredFields: requiredFieldsJson(input.requiredFields), fleetAction: fleetActionFor({ isFleet: input.isFleet, requested: input.fleetAction, current: null }), projectId: phase.projectId, position: (last?.position ?? 0) + 1 },
    });
    await linkStepTeams(tx, { stepIds: [step.id], teamIds: teams.teamIds });
    if (predecessorIds.length > 0) await tx.stepDependency.createMany({ data: predecessorIds.map((predecessorId) => ({ stepId: step.id, predecessorId, lagMinutes: lags[predecessorId] ?? 0 })) });
    await appendAuditEvent(tx, { actor, projectId: phase.projectId, action: "step.create", entityType: "step", entityId: step.id, before: null, after: stepSnapshot(step, predecessorIds, lags) });
    await recordPlanVersion(tx, { projectId: phase.projectId, actor: actor });
    return step;
  });
}

export async function updateStep(options: { actor: ActingUser; stepId: string; input: z.infer<typeof updateStepInput> }) {
  requirePlanEditor(options.actor);
  const { actor, input } = options;
  return runTransaction(async (tx) => {
    const before = await tx.step.findUnique({ where: { id: options.stepId }, include: { predecessors: { select: { predecessorId: true, lagMinutes: true } } } });
    if (!before) throw new NotFoundError("Step");
    if (input.expectedVersion !== undefined && input.expectedVersion !== before.version) {
      throw new ConflictError("Someone else changed this step while you were editing. Reload to see their change.");
    }
    const beforePreds = before.predecessors.map((p) => p.predecessorId);
    if (input.phaseId !== undefined && input.phaseId !== before.phaseId) {
      const phase = await tx.phase.findUnique({ where: { id: input.phaseId }, select: { projectId: true } });
      if (!phase || phase.projectId !== before.projectId) throw new ValidationError("Choose a phase of this project.", { phaseId: ["Choose a phase of this project."] });
    }
    const predecessorIds = input.predecessorIds !== undefined
      ? await validatePredecessors(tx, { projectId: before.projectId, stepId: before.id, predecessorIds: input.predecessorIds })
      : beforePreds;
    const beforeLags = lagsOfRows(before.predecessors);
    // Without new lags, the lags of predecessors the step keeps stay as they were.
    const lags = input.predecessorLags !== undefined ? checkedLags(input.predecessorLags, predecessorIds) : normalizeLags(beforeLags, predecessorIds);
    const linksChanged = input.predecessorIds !== undefined || JSON.stringify(lags) !== JSON.stringify(normalizeLags(beforeLags, beforePreds));
    // Only a change of assignee is checked: someone whose role dropped since keeps the steps they
    // have (the plan check lists them) rather than blocking every other edit of those steps.
    if (input.assigneeId !== undefined && input.assigneeId !== before.assigneeId) await assertAssignable(tx, { projectId: before.projectId, userId: input.assigneeId });
    const teams = input.team !== undefined ? await resolveTeamText(tx, { text: input.team, actor, create: true, via: "step", projectId: before.projectId }) : null;
    const { predecessorIds: _p, predecessorLags: _l, expectedVersion: _v, fleetAction: _a, noGoOutcome: _o, gateApprovers: _g, fourEyes: _f, requiredFields: _r, ...fields } = input;
    if (teams) fields.team = teams.text;
    const fleetAction = fleetActionFor({ isFleet: input.isFleet ?? before.isFleet, requested: input.fleetAction, current: before.fleetAction });
    const gate = await gateSettingsFor(tx, { kind: input.kind ?? before.kind, requested: input, current: before });
    const movedPhase = input.phaseId !== undefined && input.phaseId !== before.phaseId;
    const position = movedPhase
      ? ((await tx.step.findFirst({ where: { phaseId: input.phaseId }, orderBy: { position: "desc" }, select: { position: true } }))?.position ?? 0) + 1
      : before.position;
    const updated = await tx.step.updateMany({
      where: { id: before.id, version: before.version },
      data: {
        ...fields,
        ...gate,
        ...(input.requiredFields !== undefined ? { requiredFields: requiredFieldsJson(input.requiredFields) } : {}),
        fleetAction,
        position,
        version: { increment: 1 },
      },
    });
    if (updated.count === 0) throw new ConflictError("Someone else changed this step while you were editing. Reload to see their change.");
    if (teams) await linkStepTeams(tx, { stepIds: [before.id], teamIds: teams.teamIds });
    if (linksChanged) {
      await tx.stepDependency.deleteMany({ where: { stepId: before.id } });
      if (predecessorIds.length > 0) await tx.stepDependency.createMany({ data: predecessorIds.map((predecessorId) => ({ stepId: before.id, predecessorId, lagMinutes: lags[predecessorId] ?? 0 })) });
    }
    const after = await tx.step.findUniqueOrThrow({ where: { id: before.id } });
    await appendAuditEvent(tx, { actor, projectId: before.projectId, action: "step.update", entityType: "step", entityId: before.id, before: stepSnapshot(before, beforePreds, normalizeLags(beforeLags, beforePreds)), after: stepSnapshot(after, predecessorIds, lags) });
    await recordPlanVersion(tx, { projectId: before.projectId, actor: actor });
    return after;
  });
}

export async function deleteStep(options: { actor: ActingUser; stepId: string }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const step = await tx.step.findUnique({ where: { id: options.stepId }, include: { predecessors: { select: { predecessorId: true, lagMinutes: true } } } });
    if (!step) throw new NotFoundError("Step");
    await tx.step.delete({ where: { id: step.id } });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: step.projectId,
      action: "step.delete",
      entityType: "step",
      entityId: step.id,
      before: stepSnapshot(step, step.predecessors.map((p) => p.predecessorId), lagsOfRows(step.predecessors)),
      after: null,
    });
    await recordPlanVersion(tx, { projectId: step.projectId, actor: options.actor });
  });
}

export async function moveStep(options: { actor: ActingUser; stepId: string; direction: "up" | "down" }) {
  requirePlanEditor(options.actor);
  return runTransaction(async (tx) => {
    const step = await tx.step.findUnique({ where: { id: options.stepId } });
    if (!step) throw new NotFoundError("Step");
    const neighbour = await tx.step.findFirst({
      where: { phaseId: step.phaseId, position: options.direction === "up" ? { lt: step.position } : { gt: step.position } },
      orderBy: { position: options.direction === "up" ? "desc" : "asc" },
    });
    if (!neighbour) return step;
    await tx.step.update({ where: { id: step.id }, data: { position: neighbour.position, version: { increment: 1 } } });
    await tx.step.update({ where: { id: neighbour.id }, data: { position: step.position, version: { increment: 1 } } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: step.projectId, action: "step.move", entityType: "step", entityId: step.id, before: { position: step.position }, after: { position: neighbour.position } });
    await recordPlanVersion(tx, { projectId: step.projectId, actor: options.actor });
    return step;
  });
}
