/**
 * lib/plan/service.ts against a real, migrated SQLite file: predecessor rules, optimistic locking,
 * partial updates, deletion guards, moves, and one audit event (with before/after) per mutation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/platform/errors";
import { createStepInput, phaseInput, updateStepInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam, templateSteps } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let lib: Lib;
let team: Awaited<ReturnType<typeof createTeam>>;
let project: { id: string };
let other: { id: string };
let phaseId: string;

beforeAll(async () => {
  db = await openTestDatabase("plan");
  lib = db.lib;
  team = await createTeam(lib);
  project = await createProject(lib, team.admin, { name: "Plan", template: "empty" });
  other = await createProject(lib, team.admin, { name: "Other" });
}, 30_000);

afterAll(async () => {
  await db?.close();
});

/**
 * Runs one mutation and checks it wrote exactly one audit event, with the given action and
 * entity; returns the event with before/after parsed.
 */
async function oneAuditEvent<T>(expected: { action: string; entityType: string }, fn: () => Promise<T>) {
  const last = await lib.prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  const result = await fn();
  const events = await lib.prisma.auditEvent.findMany({ where: { seq: { gt: last?.seq ?? 0 } } });
  expect(events.map((e) => e.action)).toEqual([expected.action]);
  const [event] = events;
  expect(event).toMatchObject({ entityType: expected.entityType, actorId: team.admin.id, projectId: project.id });
  return { result, event, before: JSON.parse(event.before) as Record<string, unknown> | null, after: JSON.parse(event.after) as Record<string, unknown> | null };
}

/** Asserts the call threw and wrote no audit event; returns the error. */
async function rejectedWithoutAudit(fn: () => Promise<unknown>) {
  const count = await lib.prisma.auditEvent.count();
  const error = await caught(fn);
  expect(await lib.prisma.auditEvent.count()).toBe(count);
  return error;
}

const addStep = (input: Record<string, unknown>) =>
  lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId, kind: "TASK", plannedMinutes: 10, ...input }) });

const updateStep = (stepId: string, input: Record<string, unknown>) => lib.plan.updateStep({ actor: team.admin, stepId, input: updateStepInput.parse(input) });

const predecessorsOf = async (stepId: string) =>
  (await lib.prisma.stepDependency.findMany({ where: { stepId }, orderBy: { predecessorId: "asc" } })).map((d) => d.predecessorId).sort();

describe("plan mutations", () => {
  let x: { id: string; title: string };
  let y: { id: string; title: string };
  let z: { id: string; title: string };

  it("addPhase writes the phase and one audit event", async () => {
    const { result, before, after } = await oneAuditEvent({ action: "phase.create", entityType: "phase" }, () =>
      lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Cutover" }) }),
    );
    phaseId = result.id;
    expect(result).toMatchObject({ projectId: project.id, title: "Cutover", position: 1 });
    expect(before).toBeNull();
    expect(after).toEqual({ title: "Cutover", description: "" });
  });

  it("addStep writes the step, its predecessors and one audit event", async () => {
    x = (await oneAuditEvent({ action: "step.create", entityType: "step" }, () => addStep({ title: "Stop NetBackup" }))).result;
    y = (await oneAuditEvent({ action: "step.create", entityType: "step" }, () => addStep({ title: "Copy /usr/openv", predecessorIds: [x.id] }))).result;
    const created = await oneAuditEvent({ action: "step.create", entityType: "step" }, () => addStep({ title: "Start NetBackup", predecessorIds: [y.id], plannedMinutes: 15 }));
    z = created.result;
    expect(created.event.entityId).toBe(z.id);
    expect(created.before).toBeNull();
    expect(created.after).toMatchObject({ title: "Start NetBackup", phaseId, position: 3, plannedMinutes: 15, kind: "TASK", predecessorIds: [y.id] });
    expect(await predecessorsOf(z.id)).toEqual([y.id]);
    const positions = await lib.prisma.step.findMany({ where: { phaseId }, orderBy: { position: "asc" }, select: { id: true, position: true } });
    expect(positions).toEqual([
      { id: x.id, position: 1 },
      { id: y.id, position: 2 },
      { id: z.id, position: 3 },
    ]);
  });

  it("only admins edit the plan", async () => {
    const err = await rejectedWithoutAudit(() => lib.plan.addStep({ actor: team.operator, projectId: project.id, input: createStepInput.parse({ phaseId, title: "Sneaky", kind: "TASK", plannedMinutes: 1 }) }));
    expect(err).toBeInstanceOf(ForbiddenError);
  });

  it("predecessors from another project are rejected (add and update), nothing written", async () => {
    const foreign = (await templateSteps(lib, other.id)).get("1");
    const stepsBefore = await lib.prisma.step.count({ where: { projectId: project.id } });
    const onAdd = await rejectedWithoutAudit(() => addStep({ title: "Cross-project", predecessorIds: [foreign.id] }));
    expect(onAdd).toBeInstanceOf(ValidationError);
    expect(onAdd.fieldErrors).toEqual({ predecessorIds: ["Predecessors must be steps of this project."] });
    expect(await lib.prisma.step.count({ where: { projectId: project.id } })).toBe(stepsBefore);

    const versionBefore = (await lib.prisma.step.findUniqueOrThrow({ where: { id: z.id } })).version;
    const onUpdate = await rejectedWithoutAudit(() => updateStep(z.id, { predecessorIds: [y.id, foreign.id] }));
    expect(onUpdate).toBeInstanceOf(ValidationError);
    expect(onUpdate.fieldErrors).toEqual({ predecessorIds: ["Predecessors must be steps of this project."] });
    expect(await predecessorsOf(z.id)).toEqual([y.id]);
    expect((await lib.prisma.step.findUniqueOrThrow({ where: { id: z.id } })).version).toBe(versionBefore);
  });

  it("a cycle is rejected with a message naming the steps; nothing written", async () => {
    const err = await rejectedWithoutAudit(() => updateStep(x.id, { predecessorIds: [z.id] }));
    expect(err).toBeInstanceOf(ValidationError);
    const match = /^That would create a dependency cycle: (.+)\.$/.exec(err.message);
    expect(match, err.message).not.toBeNull();
    const names = match![1].split(" → ").map((n) => n.replace(/^"|"$/g, ""));
    expect(names).toHaveLength(4);
    expect(names[0]).toBe(names[3]);
    expect([...names.slice(0, 3)].sort()).toEqual([x.title, y.title, z.title].sort());
    expect(err.fieldErrors).toEqual({ predecessorIds: [err.message] });
    expect(await predecessorsOf(x.id)).toEqual([]);

    const self = await rejectedWithoutAudit(() => updateStep(y.id, { predecessorIds: [y.id] }));
    expect(self).toBeInstanceOf(ValidationError);
    expect(self.message).toBe("A step can't depend on itself.");
    expect(await predecessorsOf(y.id)).toEqual([x.id]);
  });

  it("updateStep with a stale expectedVersion → ConflictError, nothing written", async () => {
    const { version } = await lib.prisma.step.findUniqueOrThrow({ where: { id: x.id } });
    const { result, before, after } = await oneAuditEvent({ action: "step.update", entityType: "step" }, () => updateStep(x.id, { title: "Stop NetBackup on the old server", expectedVersion: version }));
    expect(result.version).toBe(version + 1);
    expect(before).toMatchObject({ title: "Stop NetBackup", predecessorIds: [] });
    expect(after).toMatchObject({ title: "Stop NetBackup on the old server", predecessorIds: [] });
    x = result;

    const err = await rejectedWithoutAudit(() => updateStep(x.id, { title: "Lost edit", expectedVersion: version }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("Someone else changed this step while you were editing. Reload to see their change.");
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: x.id } })).toMatchObject({ title: "Stop NetBackup on the old server", version: version + 1 });
  });

  it("a PATCH of only the title leaves predecessors, assignee, commands and the rest intact", async () => {
    const full = await updateStep(y.id, {
      details: "Use **tar**, not cp.",
      commands: "cd /usr/openv && tar cf - . | ssh new 'tar xpf -'",
      verification: "du -sk matches",
      team: "BA+OS",
      assigneeId: team.operator.id,
      plannedMinutes: 150,
      isFleet: false,
    });
    const { result, before, after } = await oneAuditEvent({ action: "step.update", entityType: "step" }, () => updateStep(y.id, { title: "Copy /usr/openv to the new server" }));
    const { title: _t1, version: v1, updatedAt: _u1, ...restBefore } = full;
    const { title, version: v2, updatedAt: _u2, ...restAfter } = result;
    expect(title).toBe("Copy /usr/openv to the new server");
    expect(v2).toBe(v1 + 1);
    expect(restAfter).toEqual(restBefore);
    expect(restAfter).toMatchObject({ assigneeId: team.operator.id, commands: "cd /usr/openv && tar cf - . | ssh new 'tar xpf -'", plannedMinutes: 150, team: "BA+OS" });
    expect(await predecessorsOf(y.id)).toEqual([x.id]);
    expect(before).toMatchObject({ title: "Copy /usr/openv", assigneeId: team.operator.id, predecessorIds: [x.id] });
    expect(after).toEqual({ ...before, title: "Copy /usr/openv to the new server" });
  });

  it("moveStep swaps positions with the neighbour; one audit event; a move past the end changes nothing", async () => {
    const { before, after } = await oneAuditEvent({ action: "step.move", entityType: "step" }, () => lib.plan.moveStep({ actor: team.admin, stepId: y.id, direction: "up" }));
    expect(before).toEqual({ position: 2 });
    expect(after).toEqual({ position: 1 });
    const positions = await lib.prisma.step.findMany({ where: { phaseId }, orderBy: { position: "asc" }, select: { id: true } });
    expect(positions.map((p) => p.id)).toEqual([y.id, x.id, z.id]);

    const count = await lib.prisma.auditEvent.count();
    await lib.plan.moveStep({ actor: team.admin, stepId: y.id, direction: "up" });
    await lib.plan.moveStep({ actor: team.admin, stepId: z.id, direction: "down" });
    expect(await lib.prisma.auditEvent.count()).toBe(count);
    const unchanged = await lib.prisma.step.findMany({ where: { phaseId }, orderBy: { position: "asc" }, select: { id: true, position: true } });
    expect(unchanged).toEqual([
      { id: y.id, position: 1 },
      { id: x.id, position: 2 },
      { id: z.id, position: 3 },
    ]);
  });

  it("a step added during an active run reaches it only when an admin applies the plan change, with a reason", async () => {
    const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    const late = await addStep({ title: "Late addition", predecessorIds: [z.id] });
    const runRow = () => lib.prisma.stepRun.findUnique({ where: { runId_stepId: { runId: run.id, stepId: late.id } } });
    expect(await runRow()).toBeNull();
    const drift = await lib.planChanges.getRunPlanDrift({ runId: run.id });
    expect(drift?.diff.steps).toEqual([{ id: late.id, title: "Late addition", change: "added", fields: [] }]);
    expect(drift?.planVersion).toBeGreaterThan(drift!.runVersion);

    const input = { reason: "Forgot the late step", expectedPlanVersion: drift!.planVersion };
    expect(await rejectedWithoutAudit(() => lib.planChanges.applyPlanToRun({ actor: team.operator, runId: run.id, input }))).toBeInstanceOf(ForbiddenError);
    const stale = await rejectedWithoutAudit(() => lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input: { ...input, expectedPlanVersion: drift!.runVersion } }));
    expect(stale).toBeInstanceOf(ConflictError);
    expect(await runRow()).toBeNull();

    const { after } = await oneAuditEvent({ action: "run.plan_applied", entityType: "run" }, () => lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input }));
    expect(after).toMatchObject({ planVersion: drift!.planVersion, reason: "Forgot the late step", steps: [{ title: "Late addition", change: "added", kept: false }] });
    expect(await runRow()).toMatchObject({ status: "PENDING", version: 1, title: "Late addition", predecessorIds: JSON.stringify([z.id]) });
    expect(await lib.planChanges.getRunPlanDrift({ runId: run.id })).toBeNull();
  });

  it("deleting steps already worked on in a run leaves the run's record of them as it was", async () => {
    const run = await lib.prisma.run.findFirstOrThrow({ where: { projectId: project.id, status: "ACTIVE" } });
    const p = await addStep({ title: "Worked then dropped" });
    const q = await addStep({ title: "Started then dropped" });
    const version = (await lib.planChanges.getRunPlanDrift({ runId: run.id }))!.planVersion;
    await lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input: { reason: "Two more steps", expectedPlanVersion: version } });
    await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: p.id, input: { action: "done", note: "", reason: "" } });
    await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: q.id, input: { action: "start", note: "", reason: "" } });
    const view = async () => (await lib.runQueries.getRunBoard({ runId: run.id })).steps.filter((s) => s.id === p.id || s.id === q.id).map((s) => [s.title, s.status, s.signedOffBy ?? s.startedBy]);
    const recorded = await view();
    expect(recorded).toEqual([
      ["Worked then dropped", "DONE", team.operator.name],
      ["Started then dropped", "IN_PROGRESS", team.operator.name],
    ]);

    await lib.plan.deleteStep({ actor: team.admin, stepId: p.id });
    await lib.plan.deleteStep({ actor: team.admin, stepId: q.id });
    expect(await lib.prisma.step.count({ where: { id: { in: [p.id, q.id] } } })).toBe(0);
    expect(await view()).toEqual(recorded);
    // Applying the deletion can't take them out of the run either: they have started.
    const drift = (await lib.planChanges.getRunPlanDrift({ runId: run.id }))!;
    expect(drift.startedStepIds.sort()).toEqual([p.id, q.id].sort());
    const result = await lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input: { reason: "Cleanup", expectedPlanVersion: drift.planVersion } });
    expect(result.kept.map((k) => k.title).sort()).toEqual(["Started then dropped", "Worked then dropped"]);
    expect(await view()).toEqual(recorded);
  });

  it("deleting a step nobody worked on removes it and writes one audit event with its last state", async () => {
    const late = await lib.prisma.step.findFirstOrThrow({ where: { projectId: project.id, title: "Late addition" } });
    const { before, after } = await oneAuditEvent({ action: "step.delete", entityType: "step" }, () => lib.plan.deleteStep({ actor: team.admin, stepId: late.id }));
    expect(before).toMatchObject({ title: "Late addition", predecessorIds: [z.id], position: 4 });
    expect(after).toBeNull();
    expect(await lib.prisma.step.findUnique({ where: { id: late.id } })).toBeNull();
    expect(await lib.prisma.stepDependency.count({ where: { stepId: late.id } })).toBe(0);
    // The active run keeps its copy until an admin applies the deletion.
    expect(await lib.prisma.stepRun.count({ where: { stepId: late.id } })).toBe(1);
  });

  it("a fleet step keeps the action chosen for it; a non-fleet step can't have one", async () => {
    const { result: step } = await oneAuditEvent({ action: "step.create", entityType: "step" }, () => addStep({ title: "Push bp.conf", isFleet: true, fleetAction: "UPDATE_BPCONF" }));
    expect(step.fleetAction).toBe("UPDATE_BPCONF");
    // A fleet step with no choice is GENERIC; editing other fields keeps the action.
    expect((await addStep({ title: "Tick each client", isFleet: true })).fleetAction).toBe("GENERIC");
    await updateStep(step.id, { title: "Push bp.conf to every client" });
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ fleetAction: "UPDATE_BPCONF", title: "Push bp.conf to every client" });
    const { before, after } = await oneAuditEvent({ action: "step.update", entityType: "step" }, () => updateStep(step.id, { fleetAction: "CHECK_CONNECTIVITY" }));
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ fleetAction: "CHECK_CONNECTIVITY", isFleet: true });
    expect([before?.fleetAction, after?.fleetAction]).toEqual(["UPDATE_BPCONF", "CHECK_CONNECTIVITY"]);

    const plain = await addStep({ title: "Not a fleet step" });
    const error = await rejectedWithoutAudit(() => updateStep(plain.id, { fleetAction: "UPDATE_BPCONF" }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.fieldErrors?.fleetAction?.[0]).toMatch(/Only a fleet step has a fleet action/);
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: plain.id } })).toMatchObject({ isFleet: false, fleetAction: null, version: plain.version });
    // Turning the fleet off clears the action.
    await updateStep(step.id, { isFleet: false });
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } })).toMatchObject({ isFleet: false, fleetAction: null });
  });

  it("the audit chain still verifies", async () => {
    expect(await lib.audit.verifyAuditChain()).toMatchObject({ ok: true, count: await lib.prisma.auditEvent.count() });
  });
});
