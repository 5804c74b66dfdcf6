/**
 * The plan sheet's routes (bulk actions, reorder, paste from Excel, undo) through the real route
 * handlers on a real SQLite file: what the caller gets back, what is in the database, the one
 * audit event and the one plan version each edit writes, and that refused calls change nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { canonicalPlanJson, type PlanSnapshot } from "@/lib/plan/snapshot";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

const PASSWORD = "correct horse battery";
let db: TestDatabase;
let lib: Lib;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
let second: { id: string; name: string; role: "ADMIN" };
const cookies: Record<"admin" | "second" | "operator" | "viewer", string> = { admin: "", second: "", operator: "", viewer: "" };

beforeAll(async () => {
  db = await openTestDatabase("plan-sheet");
  lib = db.lib;
  routes = await loadApiRoutes();
  team = await createTeam(lib);
  const made = await lib.users.createUser({ actor: team.admin, input: { name: "Sam Second", email: "sam@example.test", password: PASSWORD, role: "ADMIN" } });
  second = { id: made.id, name: made.name, role: "ADMIN" };
  cookies.admin = await signIn(routes, { email: "ada@example.test", password: PASSWORD });
  cookies.second = await signIn(routes, { email: "sam@example.test", password: PASSWORD });
  cookies.operator = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
  cookies.viewer = await signIn(routes, { email: "vera@example.test", password: PASSWORD });
}, 60_000);
afterAll(async () => db?.close());

const route = (pattern: string) => routes.find((r) => r.pattern === pattern)!;
async function post(pattern: string, projectId: string, body: unknown, as: keyof typeof cookies = "admin") {
  const response = await callRoute(route(pattern), "POST", { projectId }, { cookie: cookies[as], body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}
const BULK = "/api/projects/[projectId]/steps/bulk";
const REORDER = "/api/projects/[projectId]/steps/reorder";
const PASTE = "/api/projects/[projectId]/steps/paste";
const UNDO = "/api/projects/[projectId]/plan/undo";

/** A project with phases "Prepare" (A → B → C → D, each after the one above) and "Cutover" (E after D). */
async function sequentialPlan(name: string) {
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const prepare = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Prepare" }) });
  const cutover = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Cutover" }) });
  const ids: Record<string, string> = {};
  let previous: string | null = null;
  for (const [title, phaseId] of [["A", prepare.id], ["B", prepare.id], ["C", prepare.id], ["D", prepare.id], ["E", cutover.id]] as const) {
    const step = await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId, title, kind: "TASK", plannedMinutes: 10, predecessorIds: previous ? [previous] : [] }) });
    ids[title] = step.id;
    previous = step.id;
  }
  return { project, prepare, cutover, ids };
}

/** Everything an edit could change: steps (all columns but timestamps), links, audit events, plan versions. */
async function state(projectId: string) {
  const steps = await lib.prisma.step.findMany({ where: { projectId }, orderBy: { id: "asc" }, omit: { createdAt: true, updatedAt: true } });
  const links = await lib.prisma.stepDependency.findMany({ where: { step: { projectId } }, orderBy: [{ stepId: "asc" }, { predecessorId: "asc" }] });
  return { steps, links, audit: await lib.prisma.auditEvent.count(), versions: await lib.prisma.planVersion.count({ where: { projectId } }) };
}

async function order(projectId: string) {
  const phases = await lib.prisma.phase.findMany({ where: { projectId }, orderBy: { position: "asc" }, include: { steps: { orderBy: { position: "asc" }, select: { title: true } } } });
  return phases.map((p) => p.steps.map((s) => s.title).join(""));
}

async function predecessorTitles(projectId: string) {
  const steps = await lib.prisma.step.findMany({ where: { projectId }, include: { predecessors: { include: { predecessor: { select: { title: true } } } } } });
  return Object.fromEntries(steps.map((s) => [s.title, s.predecessors.map((p) => p.predecessor.title).sort().join(",")]));
}

async function seen(ids: string[]) {
  const steps = await lib.prisma.step.findMany({ where: { id: { in: ids } }, select: { id: true, version: true } });
  return ids.map((id) => steps.find((s) => s.id === id)!);
}

/** Runs a call and returns the audit events it wrote. */
async function newEvents<T>(fn: () => Promise<T>) {
  const last = (await lib.prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0;
  const result = await fn();
  return { result, events: await lib.prisma.auditEvent.findMany({ where: { seq: { gt: last } }, orderBy: { seq: "asc" } }) };
}

async function latestVersion(projectId: string) {
  return lib.prisma.planVersion.findFirstOrThrow({ where: { projectId }, orderBy: { version: "desc" } });
}

describe("access and bad input", () => {
  let plan: Awaited<ReturnType<typeof sequentialPlan>>;
  beforeEach(async () => {
    plan = await sequentialPlan(`Access ${Math.random()}`);
  });

  it("refuses operators and viewers (403) on every sheet route and changes nothing", async () => {
    const before = await state(plan.project.id);
    const bodies: [string, unknown][] = [
      [BULK, { steps: await seen([plan.ids.A]), change: { kind: "delete" } }],
      [REORDER, { steps: await seen([plan.ids.C]), phaseId: plan.prepare.id, beforeStepId: plan.ids.A }],
      [PASTE, { text: "Title\nX", phaseId: plan.prepare.id, beforeStepId: null }],
      [UNDO, { version: (await latestVersion(plan.project.id)).version }],
    ];
    for (const [pattern, body] of bodies) {
      for (const who of ["operator", "viewer"] as const) expect((await post(pattern, plan.project.id, body, who)).status, `${who} ${pattern}`).toBe(403);
    }
    expect(await state(plan.project.id)).toEqual(before);
  });

  it("answers 400 with the field for malformed bodies and changes nothing", async () => {
    const before = await state(plan.project.id);
    const bad: [string, unknown, string][] = [
      [BULK, { steps: [], change: { kind: "team", team: "BA" } }, "steps"],
      [BULK, { steps: await seen([plan.ids.A]), change: { kind: "explode" } }, "change.kind"],
      [BULK, { steps: [{ id: plan.ids.A, version: "1" }], change: { kind: "delete" } }, "steps.0.version"],
      [BULK, { steps: await seen([plan.ids.A]), change: { kind: "team", team: "BA" }, extra: 1 }, ""],
      [REORDER, { steps: await seen([plan.ids.C]), phaseId: plan.prepare.id }, "beforeStepId"],
      [PASTE, { text: 42, phaseId: plan.prepare.id, beforeStepId: null }, "text"],
      [UNDO, { version: 0 }, "version"],
    ];
    for (const [pattern, body, field] of bad) {
      const { status, json } = await post(pattern, plan.project.id, body);
      expect(status, `${pattern} ${JSON.stringify(body)}`).toBe(400);
      if (field) expect(Object.keys(json.error.fieldErrors)).toContain(field);
    }
    expect(await state(plan.project.id)).toEqual(before);
  });
});

describe("bulk actions", () => {
  it("assigns the selected steps in one transaction with one audit event and one plan version", async () => {
    const plan = await sequentialPlan("Bulk assign");
    const before = await state(plan.project.id);
    const { result, events } = await newEvents(() => post(BULK, plan.project.id, { steps: [{ id: plan.ids.B, version: 1 }, { id: plan.ids.D, version: 1 }], change: { kind: "assign", assigneeId: team.operator.id } }));
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({ count: 2, planVersion: before.versions + 1 });
    const rows = await lib.prisma.step.findMany({ where: { projectId: plan.project.id }, orderBy: { title: "asc" }, select: { title: true, assigneeId: true, version: true } });
    expect(rows.map((r) => [r.title, r.assigneeId, r.version])).toEqual([
      ["A", null, 1],
      ["B", team.operator.id, 2],
      ["C", null, 1],
      ["D", team.operator.id, 2],
      ["E", null, 1],
    ]);
    expect(events.map((e) => e.action)).toEqual(["plan.steps.bulk_update"]);
    expect(JSON.parse(events[0].after)).toEqual({ assigneeId: team.operator.id });
    expect(JSON.parse(events[0].before).steps.map((s: { title: string }) => s.title)).toEqual(["B", "D"]);
    expect((await state(plan.project.id)).versions).toBe(before.versions + 1);
  });

  it("refuses a stale selection (409) and a deactivated assignee (400) without changing anything", async () => {
    const plan = await sequentialPlan("Bulk stale");
    await lib.plan.updateStep({ actor: team.admin, stepId: plan.ids.B, input: { team: "OS" } });
    const ghost = await lib.users.createUser({ actor: team.admin, input: { name: "Gone Person", email: `gone-${Date.now()}@example.test`, password: PASSWORD, role: "OPERATOR" } });
    await lib.prisma.user.update({ where: { id: ghost.id }, data: { deactivatedAt: new Date() } });
    const before = await state(plan.project.id);
    const stale = await post(BULK, plan.project.id, { steps: [{ id: plan.ids.A, version: 1 }, { id: plan.ids.B, version: 1 }], change: { kind: "team", team: "BA" } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/Someone else changed/);
    const gone = await post(BULK, plan.project.id, { steps: await seen([plan.ids.A]), change: { kind: "assign", assigneeId: ghost.id } });
    expect(gone.status).toBe(400);
    expect(await state(plan.project.id)).toEqual(before);
  });

  it("deletes the selected steps and relinks what waited for them", async () => {
    const plan = await sequentialPlan("Bulk delete");
    const { result, events } = await newEvents(() => post(BULK, plan.project.id, { steps: [{ id: plan.ids.B, version: 1 }, { id: plan.ids.C, version: 1 }], change: { kind: "delete" } }));
    expect(result.status).toBe(200);
    expect(await order(plan.project.id)).toEqual(["AD", "E"]);
    // D waited for C, which waited for B, which waited for A: D now waits for A.
    expect(await predecessorTitles(plan.project.id)).toEqual({ A: "", D: "A", E: "D" });
    expect(events.map((e) => e.action)).toEqual(["plan.steps.bulk_delete"]);
  });
});

describe("reorder", () => {
  it("moves a step above the one it followed: the order links follow the new order", async () => {
    const plan = await sequentialPlan("Reorder up");
    const v = (await latestVersion(plan.project.id)).version;
    const { result, events } = await newEvents(() => post(REORDER, plan.project.id, { steps: [{ id: plan.ids.C, version: 1 }], phaseId: plan.prepare.id, beforeStepId: plan.ids.B }));
    expect(result.status).toBe(200);
    expect(result.json.planVersion).toBe(v + 1);
    expect(await order(plan.project.id)).toEqual(["ACBD", "E"]);
    expect(await predecessorTitles(plan.project.id)).toEqual({ A: "", C: "A", B: "C", D: "B", E: "D" });
    expect(events.map((e) => e.action)).toEqual(["plan.steps.reorder"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ moved: [plan.ids.C], beforeStepId: plan.ids.B });
  });

  it("moves a block to another phase", async () => {
    const plan = await sequentialPlan("Reorder block");
    const { result } = await newEvents(async () => post(REORDER, plan.project.id, { steps: await seen([plan.ids.B, plan.ids.C]), phaseId: plan.cutover.id, beforeStepId: null }));
    expect(result.status).toBe(200);
    expect(await order(plan.project.id)).toEqual(["AD", "EBC"]);
    expect(await predecessorTitles(plan.project.id)).toEqual({ A: "", D: "A", E: "D", B: "E", C: "B" });
  });

  it("refuses to put a step above an explicit predecessor, naming both, and changes nothing", async () => {
    const plan = await sequentialPlan("Reorder refused");
    // D also waits for A explicitly (A is not the row above D).
    await lib.plan.updateStep({ actor: team.admin, stepId: plan.ids.D, input: { predecessorIds: [plan.ids.C, plan.ids.A] } });
    const before = await state(plan.project.id);
    const { status, json } = await post(REORDER, plan.project.id, { steps: await seen([plan.ids.D]), phaseId: plan.prepare.id, beforeStepId: plan.ids.A });
    expect(status).toBe(400);
    expect(json.error.message).toBe(`"D" waits for "A", so it can't be placed above it. Change its predecessors in the step's dialog first, or move both.`);
    expect(await state(plan.project.id)).toEqual(before);
  });

  it("refuses a target outside the phase (400) and a step of another project (400)", async () => {
    const plan = await sequentialPlan("Reorder bad target");
    const other = await sequentialPlan("Reorder other");
    const before = await state(plan.project.id);
    expect((await post(REORDER, plan.project.id, { steps: await seen([plan.ids.C]), phaseId: plan.cutover.id, beforeStepId: plan.ids.A })).status).toBe(400);
    expect((await post(REORDER, plan.project.id, { steps: await seen([other.ids.C]), phaseId: plan.prepare.id, beforeStepId: null })).status).toBe(400);
    expect((await post(REORDER, plan.project.id, { steps: await seen([plan.ids.C]), phaseId: other.prepare.id, beforeStepId: null })).status).toBe(400);
    expect(await state(plan.project.id)).toEqual(before);
  });
});

describe("paste from Excel", () => {
  it("inserts tab-separated rows without a header (names as owners, a blank duration) at the chosen place", async () => {
    const plan = await sequentialPlan("Paste");
    const text = "Freeze the catalog\tBA\tOlivia Operator\t15\r\nCopy the catalog\tST\totto@example.test\t\r\nCheck the copy\tBA\t\t5\r\n";
    const { result, events } = await newEvents(() => post(PASTE, plan.project.id, { text, phaseId: plan.prepare.id, beforeStepId: plan.ids.C }));
    expect(result.status).toBe(200);
    expect(result.json.count).toBe(3);
    const pasted = await lib.prisma.step.findMany({ where: { id: { in: result.json.stepIds } }, orderBy: { position: "asc" }, select: { title: true, team: true, assigneeId: true, plannedMinutes: true, phaseId: true } });
    expect(pasted).toEqual([
      { title: "Freeze the catalog", team: "BA", assigneeId: team.operator.id, plannedMinutes: 15, phaseId: plan.prepare.id },
      { title: "Copy the catalog", team: "ST", assigneeId: team.operator2.id, plannedMinutes: 0, phaseId: plan.prepare.id },
      { title: "Check the copy", team: "BA", assigneeId: null, plannedMinutes: 5, phaseId: plan.prepare.id },
    ]);
    expect(await order(plan.project.id)).toEqual(["ABFreeze the catalogCopy the catalogCheck the copyCD", "E"]);
    const preds = await predecessorTitles(plan.project.id);
    expect(preds).toMatchObject({ "Freeze the catalog": "B", "Copy the catalog": "Freeze the catalog", "Check the copy": "Copy the catalog", C: "Check the copy" });
    expect(events.map((e) => e.action)).toEqual(["plan.steps.paste"]);
    expect(JSON.parse(events[0].after).steps).toHaveLength(3);
  });

  it("reads a header row when there is one", async () => {
    const plan = await sequentialPlan("Paste header");
    const { status, json } = await post(PASTE, plan.project.id, { text: "Owner\tTask\tDuration (min)\nolivia operator\tPing the bridge\t5\n", phaseId: plan.cutover.id, beforeStepId: null });
    expect(status).toBe(200);
    const step = await lib.prisma.step.findUniqueOrThrow({ where: { id: json.stepIds[0] } });
    expect(step).toMatchObject({ title: "Ping the bridge", assigneeId: team.operator.id, plannedMinutes: 5, phaseId: plan.cutover.id });
  });

  it("refuses rows with problems, naming row and column, and writes nothing", async () => {
    const plan = await sequentialPlan("Paste errors");
    const before = await state(plan.project.id);
    const { status, json } = await post(PASTE, plan.project.id, { text: "Stop services\tOS\tNobody Known\t10\n\tOS\t\t5\nStart\tOS\t\tabc\n", phaseId: plan.prepare.id, beforeStepId: null });
    expect(status).toBe(400);
    expect(json.error.message).toContain(`Row 1, column "Owner": No active user is called "Nobody Known"`);
    expect(json.error.message).toContain(`Row 2, column "Title": The title is empty.`);
    expect(json.error.fieldErrors["rows.3"][0]).toMatch(/^Row 3, column "Minutes": /);
    expect(await state(plan.project.id)).toEqual(before);
  });
});

describe("undo the last edit", () => {
  async function snapshotOf(projectId: string, version: number) {
    const row = await lib.prisma.planVersion.findUniqueOrThrow({ where: { projectId_version: { projectId, version } } });
    return canonicalPlanJson(JSON.parse(row.snapshot) as PlanSnapshot);
  }

  it("restores exactly the plan before a bulk delete (same ids, links, fields) as a new audited version", async () => {
    const plan = await sequentialPlan("Undo delete");
    await lib.plan.updateStep({ actor: team.admin, stepId: plan.ids.C, input: { assigneeId: team.operator.id, team: "BA", details: "Careful" } });
    const v = (await latestVersion(plan.project.id)).version;
    expect((await post(BULK, plan.project.id, { steps: await seen([plan.ids.B, plan.ids.C]), change: { kind: "delete" } })).status).toBe(200);
    const { result, events } = await newEvents(() => post(UNDO, plan.project.id, { version: v + 1 }));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ planVersion: v + 2, restoredVersion: v });
    expect(await snapshotOf(plan.project.id, v + 2)).toBe(await snapshotOf(plan.project.id, v));
    expect(await order(plan.project.id)).toEqual(["ABCD", "E"]);
    expect(await predecessorTitles(plan.project.id)).toEqual({ A: "", B: "A", C: "B", D: "C", E: "D" });
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: plan.ids.C } })).toMatchObject({ assigneeId: team.operator.id, team: "BA", details: "Careful" });
    expect(events.map((e) => e.action)).toEqual(["plan.undo"]);
    expect((await latestVersion(plan.project.id)).summary).toMatch(/^Undo of version/);
  });

  it("undoes an inline edit, a reorder and a paste", async () => {
    const plan = await sequentialPlan("Undo kinds");
    const initial = (await latestVersion(plan.project.id)).version;
    const inline = await callRoute(route("/api/steps/[stepId]"), "PATCH", { stepId: plan.ids.A }, { cookie: cookies.admin, body: JSON.stringify({ title: "A renamed", plannedMinutes: 45, expectedVersion: 1 }) });
    expect(inline.status).toBe(200);
    expect((await post(UNDO, plan.project.id, { version: initial + 1 })).status).toBe(200);
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: plan.ids.A } })).toMatchObject({ title: "A", plannedMinutes: 10 });

    let v = (await latestVersion(plan.project.id)).version;
    expect((await post(REORDER, plan.project.id, { steps: await seen([plan.ids.D]), phaseId: plan.prepare.id, beforeStepId: plan.ids.B })).status).toBe(200);
    expect((await post(UNDO, plan.project.id, { version: v + 1 })).status).toBe(200);
    expect(await order(plan.project.id)).toEqual(["ABCD", "E"]);
    expect(await predecessorTitles(plan.project.id)).toEqual({ A: "", B: "A", C: "B", D: "C", E: "D" });

    v = (await latestVersion(plan.project.id)).version;
    expect((await post(PASTE, plan.project.id, { text: "X\nY\n", phaseId: plan.cutover.id, beforeStepId: null })).status).toBe(200);
    expect((await post(UNDO, plan.project.id, { version: v + 1 })).status).toBe(200);
    expect(await order(plan.project.id)).toEqual(["ABCD", "E"]);
    expect(await snapshotOf(plan.project.id, v + 2)).toBe(await snapshotOf(plan.project.id, v));
  });

  it("refuses when someone else edited since, when the version is not the newest, and an undo of an undo", async () => {
    const plan = await sequentialPlan("Undo refused");
    await post(BULK, plan.project.id, { steps: await seen([plan.ids.A]), change: { kind: "team", team: "BA" } });
    const mine = (await latestVersion(plan.project.id)).version;
    expect((await post(BULK, plan.project.id, { steps: await seen([plan.ids.B]), change: { kind: "team", team: "ST" } }, "second")).status).toBe(200);
    const before = await state(plan.project.id);
    const other = await post(UNDO, plan.project.id, { version: mine });
    expect(other.status).toBe(409);
    expect(other.json.error.message).toMatch(/^Sam Second edited the plan since \(version \d+: 1 step changed\)\. Undo only takes back your own last edit/);
    const stale = await post(UNDO, plan.project.id, { version: mine }, "second");
    expect(stale.status).toBe(409);
    expect(stale.json.error.message).toMatch(/The plan changed since you loaded it/);
    expect(await state(plan.project.id)).toEqual(before);

    expect((await post(UNDO, plan.project.id, { version: mine + 1 }, "second")).status).toBe(200);
    const again = await post(UNDO, plan.project.id, { version: mine + 2 }, "second");
    expect(again.status).toBe(409);
    expect(again.json.error.message).toBe("Your last edit was an undo; there is nothing more to undo.");
    expect(await lib.prisma.step.findUniqueOrThrow({ where: { id: plan.ids.B } })).toMatchObject({ team: "" });
  });

  it("refuses to undo a phase change", async () => {
    const plan = await sequentialPlan("Undo phase");
    await lib.plan.updatePhase({ actor: team.admin, phaseId: plan.cutover.id, input: { title: "Cutover window" } });
    const { status, json } = await post(UNDO, plan.project.id, { version: (await latestVersion(plan.project.id)).version });
    expect(status).toBe(409);
    expect(json.error.message).toMatch(/changed the phases/);
  });

  it("leaves a started run's frozen plan alone", async () => {
    const plan = await sequentialPlan("Undo run");
    const run = await lib.runs.startRun({ actor: team.admin, projectId: plan.project.id, input: { kind: "REHEARSAL", name: "Rehearsal" } });
    const frozen = await lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } });
    expect((await post(BULK, plan.project.id, { steps: await seen([plan.ids.B]), change: { kind: "delete" } })).status).toBe(200);
    expect((await post(REORDER, plan.project.id, { steps: await seen([plan.ids.D]), phaseId: plan.prepare.id, beforeStepId: plan.ids.A })).status).toBe(200);
    expect(await lib.prisma.stepRun.findMany({ where: { runId: run.id }, orderBy: { id: "asc" } })).toEqual(frozen);
  });
});
