/**
 * Gate outcomes set in the plan: a No-Go rolls back, aborts (nothing has changed yet) or holds
 * for a second decision; a Go may need several named approvals; four-eyes keeps the people who
 * did the gated steps from approving alone. Every approval is kept with its note.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ForbiddenError, ValidationError } from "@/lib/platform/errors";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam, templateSteps } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("gates");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

type GateSettings = { noGoOutcome?: "ROLLBACK" | "ABORT" | "HOLD"; gateApprovers?: ({ kind: "role"; role: "ADMIN" | "OPERATOR" } | { kind: "user"; userId: string })[]; fourEyes?: boolean; assigneeId?: string | null };

/** Work → gate → more work, and one rollback step; a live run started on it. */
async function gatedRun(name: string, gate: GateSettings) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Window" }) });
  const add = (input: Record<string, unknown>) => lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, plannedMinutes: 10, kind: "TASK", ...input }) });
  const work = await add({ title: "Copy the catalog" });
  const gateStep = await add({ title: "Go/No-Go: switch over", kind: "GATE", predecessorIds: [work.id], ...gate });
  const after = await add({ title: "Switch DNS", predecessorIds: [gateStep.id] });
  const rollback = await add({ title: "Restore the old server", kind: "ROLLBACK" });
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: "" } });
  await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: work.id, input: { action: "start", note: "", reason: "" } });
  await lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: work.id, input: { action: "done", note: "", reason: "" } });
  const decide = (actor: { id: string; name: string; role: "ADMIN" | "OPERATOR" | "VIEWER" }, decision: "GO" | "NO_GO", note = "Checked.") =>
    lib.runs.decideGate({ actor, runId: run.id, stepId: gateStep.id, input: { decision, note } });
  const rowOf = (stepId: string) => lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId } } });
  const runRow = () => lib.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
  const gateView = async () => (await lib.runQueries.getRunBoard({ runId: run.id })).steps.find((s) => s.id === gateStep.id)!.gate!;
  return { project, run, work, gateStep, after, rollback, decide, rowOf, runRow, gateView };
}

describe("what a No-Go does", () => {
  it("abort: the run ends aborted with the note as its reason; no rollback step starts; the project is back to planning", async () => {
    const g = await gatedRun("Gate abort", { noGoOutcome: "ABORT" });
    await g.decide(team.admin, "NO_GO", "CAB withdrew the change");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", gateDecision: "NO_GO", decidedByName: team.admin.name });
    expect(await g.runRow()).toMatchObject({ status: "ABORTED", mode: "FORWARD", endReason: 'No-Go at "Go/No-Go: switch over": CAB withdrew the change', endedByName: team.admin.name });
    expect(await g.rowOf(g.rollback.id)).toMatchObject({ status: "PENDING", startedAt: null });
    expect((await db.lib.prisma.project.findUniqueOrThrow({ where: { id: g.project.id } })).status).toBe("PLANNING");
    const actions = (await db.lib.prisma.auditEvent.findMany({ where: { runId: g.run.id }, orderBy: { seq: "asc" } })).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(["gate.no_go", "run.abort"]);
    expect(actions).not.toContain("run.rollback_started");
    // Nothing more is ticked.
    expect(await caught(() => db.lib.runs.performStepAction({ actor: team.operator, runId: g.run.id, stepId: g.rollback.id, input: { action: "start", note: "", reason: "" } }))).toMatchObject({ status: 409 });
  });

  it("roll back: the run switches to its rollback steps", async () => {
    const g = await gatedRun("Gate rollback", { noGoOutcome: "ROLLBACK" });
    await g.decide(team.admin, "NO_GO", "Catalog copy incomplete");
    expect(await g.runRow()).toMatchObject({ status: "ACTIVE", mode: "ROLLBACK" });
  });

  it("hold: the first No-Go holds the gate open; a Go then continues", async () => {
    const g = await gatedRun("Gate hold then go", { noGoOutcome: "HOLD" });
    await g.decide(team.admin, "NO_GO", "Waiting for the storage team");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "PENDING", heldByName: team.admin.name, holdNote: "Waiting for the storage team", gateDecision: null });
    expect(await g.runRow()).toMatchObject({ status: "ACTIVE", mode: "FORWARD" });
    expect(await g.gateView()).toMatchObject({ noGoOutcome: "ROLLBACK", held: { by: team.admin.name, note: "Waiting for the storage team" } });
    await g.decide(team.admin, "GO", "Storage confirmed");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", gateDecision: "GO" });
    expect(await g.runRow()).toMatchObject({ status: "ACTIVE", mode: "FORWARD" });
  });

  it("hold: a second No-Go rolls back", async () => {
    const g = await gatedRun("Gate hold then no-go", { noGoOutcome: "HOLD" });
    await g.decide(team.admin, "NO_GO", "Waiting for the storage team");
    await g.decide(team.admin, "NO_GO", "Storage can't confirm");
    expect(await g.runRow()).toMatchObject({ status: "ACTIVE", mode: "ROLLBACK" });
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", gateDecision: "NO_GO" });
  });

  it("the built-in templates' first gate aborts; later gates roll back", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Template gates" });
    const { ordered } = await templateSteps(db.lib, project.id);
    const gates = await db.lib.prisma.step.findMany({ where: { id: { in: ordered.filter((s) => s.kind === "GATE").map((s) => s.id) } }, select: { title: true, noGoOutcome: true } });
    const byTitle = new Map(gates.map((g) => [g.title, g.noGoOutcome]));
    const inOrder = ordered.filter((s) => s.kind === "GATE").map((s) => byTitle.get(s.title));
    expect(inOrder[0]).toBe("ABORT");
    expect(inOrder.slice(1).every((o) => o === "ROLLBACK")).toBe(true);
  });
});

describe("named approvals and four-eyes", () => {
  it("a Go needs every approval, one person each; the record keeps each approval with its note", async () => {
    const g = await gatedRun("Two approvals", { gateApprovers: [{ kind: "role", role: "OPERATOR" }, { kind: "user", userId: team.operator2.id }] });
    // Someone who is neither approver, assignee nor admin can't decide at all.
    expect(await caught(() => g.decide(team.viewer, "GO"))).toBeInstanceOf(ForbiddenError);
    await g.decide(team.operator, "GO", "Catalog verified: 1,204,331 images");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "PENDING", version: 2 });
    expect((await g.gateView()).approvers).toMatchObject([
      { label: "An operator", approvedBy: team.operator.name, note: "Catalog verified: 1,204,331 images" },
      { label: team.operator2.name, approvedBy: null },
    ]);
    const twice = await caught(() => g.decide(team.operator, "GO"));
    expect(twice).toBeInstanceOf(ForbiddenError);
    expect(twice.message).toBe("You have already approved this gate; another approver must give the next approval.");
    // An admin fills no slot here (an operator's, and Otto's): the message says who is missing.
    const admin = await caught(() => g.decide(team.admin, "GO"));
    expect(admin.message).toBe(`Your approval isn't one this gate asks for. Waiting for: ${team.operator2.name}.`);
    await g.decide(team.operator2, "GO", "Tape library OK");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedByName: team.operator2.name });
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: g.run.id, action: "gate.go" } });
    expect(JSON.parse(event.after).approvals).toMatchObject([
      { by: team.operator.name, note: "Catalog verified: 1,204,331 images" },
      { by: team.operator2.name, note: "Tape library OK" },
    ]);
    expect(await db.lib.prisma.gateApproval.count({ where: { runId: g.run.id, decision: "GO", revokedAt: null } })).toBe(2);
  });

  it("four-eyes: the operator who did the gated step can't decide alone; an admin who didn't can", async () => {
    const g = await gatedRun("Four eyes", { fourEyes: true, assigneeId: team.operator.id });
    const refused = await caught(() => g.decide(team.operator, "GO"));
    expect(refused).toBeInstanceOf(ForbiddenError);
    expect(refused.message).toMatch(/^Four-eyes/);
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "PENDING", version: 1 });
    await g.decide(team.admin, "GO", "Reviewed the copy log");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", gateDecision: "GO" });
  });

  it("four-eyes with approvals: two doers can't complete it, a third person can", async () => {
    const g = await gatedRun("Four eyes approvals", { fourEyes: true, gateApprovers: [{ kind: "role", role: "OPERATOR" }, { kind: "role", role: "ADMIN" }] });
    // Olivia (operator) did the gated step; the admin did too, for this test.
    await db.lib.prisma.stepRun.update({ where: { runId_stepId: { runId: g.run.id, stepId: g.work.id } }, data: { signedOffById: team.admin.id, signedOffByName: team.admin.name } });
    await g.decide(team.operator, "GO");
    expect((await caught(() => g.decide(team.admin, "GO"))).message).toMatch(/^Four-eyes/);
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "PENDING" });
  });

  it("an undone Go starts the approvals over; the undone ones stay on record, revoked", async () => {
    const g = await gatedRun("Undo approvals", { gateApprovers: [{ kind: "role", role: "OPERATOR" }] });
    await g.decide(team.operator, "GO");
    await db.lib.runs.undoSignOff({ actor: team.admin, runId: g.run.id, stepId: g.gateStep.id, input: { reason: "Decided too early" } });
    expect((await g.gateView()).approvers[0].approvedBy).toBeNull();
    expect(await db.lib.prisma.gateApproval.count({ where: { runId: g.run.id, revokedAt: { not: null } } })).toBe(1);
    await g.decide(team.operator2, "GO");
    expect(await g.rowOf(g.gateStep.id)).toMatchObject({ status: "DONE", decidedByName: team.operator2.name });
  });
});

describe("gate settings in the plan", () => {
  it("only a gate takes approvals; a viewer can't be an approver; nothing is written on refusal", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Gate settings", template: "empty" });
    const phase = await db.lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
    const add = (input: Record<string, unknown>) => db.lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, plannedMinutes: 5, title: "S", kind: "TASK", ...input }) });
    const before = await db.lib.prisma.step.count({ where: { projectId: project.id } });
    expect(await caught(() => add({ gateApprovers: [{ kind: "role", role: "ADMIN" }] }))).toBeInstanceOf(ValidationError);
    const viewer = await caught(() => add({ kind: "GATE", gateApprovers: [{ kind: "user", userId: team.viewer.id }] }));
    expect(viewer).toBeInstanceOf(ValidationError);
    expect(viewer.message).toBe(`${team.viewer.name} is a viewer and can't approve a gate.`);
    expect(await db.lib.prisma.step.count({ where: { projectId: project.id } })).toBe(before);
    const gate = await add({ kind: "GATE", noGoOutcome: "HOLD", gateApprovers: [{ kind: "user", userId: team.operator.id }], fourEyes: true });
    expect(await db.lib.prisma.step.findUniqueOrThrow({ where: { id: gate.id } })).toMatchObject({
      noGoOutcome: "HOLD",
      fourEyes: true,
      gateApprovers: JSON.stringify([{ kind: "user", userId: team.operator.id, name: team.operator.name }]),
    });
  });
});
