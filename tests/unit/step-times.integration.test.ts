/**
 * Fixed-time steps and lags through the real route handlers on a real SQLite file: an edit is
 * validated, audited and versioned; a live run freezes them and forecasts with them; a later plan
 * edit leaves the run alone until an admin applies it; the plan view shows the planned clock times.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phaseInput, createStepInput } from "@/lib/plan/schemas";
import { applyPlanInput } from "@/lib/runs/schemas";
import { forecastRun } from "@/lib/runs/forecast";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

let db: TestDatabase;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
let admin = "";

const r = (pattern: string) => routes.find((route) => route.pattern === pattern)!;
const json = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  db = await openTestDatabase("step-times");
  routes = await loadApiRoutes();
  team = await createTeam(db.lib);
  admin = await signIn(routes, { email: "ada@example.test", password: "correct horse battery" });
}, 60_000);
afterAll(async () => db?.close());

// Sat 5 Dec 2026 22:00 CET → Sun 06:00 (8 h).
const WINDOW_START = new Date("2026-12-05T21:00:00.000Z");
const WINDOW_END = new Date("2026-12-06T05:00:00.000Z");

async function threeSteps(name: string) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty", windowStart: WINDOW_START, windowEnd: WINDOW_END });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Cutover" }) });
  const add = (title: string, minutes: number, preds: string[]) =>
    lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title, kind: "TASK", plannedMinutes: minutes, predecessorIds: preds }) });
  const stop = await add("Stop the scheduler", 30, []);
  const backup = await add("Catalog backup", 60, [stop.id]);
  const copy = await add("Copy the catalog", 45, [backup.id]);
  return { project, stop, backup, copy };
}

describe("editing a step's not-before and lags", () => {
  it("saves them through the route with an audit event and a plan version, and refuses bad ones without changing anything", async () => {
    const { project, stop, backup, copy } = await threeSteps("Fixed time via route");
    const versionsBefore = await db.lib.planVersions.listPlanVersions({ projectId: project.id });

    const bad = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: copy.id }, { cookie: admin, body: json({ notBefore: "25:00", predecessorLags: { [backup.id]: -5 }, expectedVersion: copy.version }) });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { error: { fieldErrors: Record<string, string[]> } };
    expect(error.error.fieldErrors.notBefore).toEqual(["Enter a time of day like 22:00 (24-hour, HH:MM)."]);
    expect(error.error.fieldErrors[`predecessorLags.${backup.id}`]?.[0]).toContain("can't be negative");
    const stray = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: copy.id }, { cookie: admin, body: json({ predecessorLags: { [stop.id]: 5 }, expectedVersion: copy.version }) });
    expect(stray.status).toBe(400);
    expect(((await stray.json()) as { error: { fieldErrors: Record<string, string[]> } }).error.fieldErrors.predecessorLags).toEqual(["A lag can only follow one of the step's predecessors."]);
    expect(await db.lib.prisma.step.findUniqueOrThrow({ where: { id: copy.id } })).toMatchObject({ notBefore: "", version: copy.version });

    const ok = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: copy.id }, { cookie: admin, body: json({ notBefore: "01:00", predecessorLags: { [backup.id]: 15 }, expectedVersion: copy.version }) });
    expect(ok.status).toBe(200);
    expect(await db.lib.prisma.step.findUniqueOrThrow({ where: { id: copy.id } })).toMatchObject({ notBefore: "01:00" });
    expect(await db.lib.prisma.stepDependency.findMany({ where: { stepId: copy.id }, select: { predecessorId: true, lagMinutes: true } })).toEqual([{ predecessorId: backup.id, lagMinutes: 15 }]);

    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { entityId: copy.id, action: "step.update" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(event.before)).not.toHaveProperty("notBefore");
    expect(JSON.parse(event.after)).toMatchObject({ notBefore: "01:00", predecessorLags: { [backup.id]: 15 } });

    const versions = await db.lib.planVersions.listPlanVersions({ projectId: project.id });
    expect(versions.length).toBe(versionsBefore.length + 1);
    expect(versions[0].summary).toBe("1 step changed");

    // An edit of something else keeps the lag.
    const again = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: copy.id }, { cookie: admin, body: json({ title: "Copy the catalog (rsync)", expectedVersion: copy.version + 1 }) });
    expect(again.status).toBe(200);
    expect((await db.lib.prisma.stepDependency.findFirstOrThrow({ where: { stepId: copy.id } })).lagMinutes).toBe(15);

    // The plan view: 22:00 + 30 + 60 = 23:30, + 15 lag = 23:45, but not before 01:00 → 01:00–01:45.
    const { getPlanView } = await import("@/lib/plan/queries");
    const view = await getPlanView({ projectId: project.id });
    const planned = view.phases.flatMap((p) => p.steps).find((s) => s.id === copy.id)!;
    expect(planned).toMatchObject({ notBefore: "01:00", predecessorLags: { [backup.id]: 15 }, planned: { start: "2026-12-06T00:00:00.000Z", finish: "2026-12-06T00:45:00.000Z", fixed: true } });
  });
});

describe("a live run's frozen copy", () => {
  it("keeps the not-before and lags it started with; a later plan edit changes the run only when applied", async () => {
    const lib = db.lib;
    const { project, backup, copy } = await threeSteps("Fixed time frozen");
    await lib.plan.updateStep({ actor: team.admin, stepId: backup.id, input: { notBefore: "23:00" } });
    await lib.plan.updateStep({ actor: team.admin, stepId: copy.id, input: { predecessorLags: { [backup.id]: 20 } } });
    const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: "Saturday cutover" } });
    const frozenRow = (stepId: string) => lib.prisma.stepRun.findFirstOrThrow({ where: { runId: run.id, stepId } });
    expect(await frozenRow(backup.id)).toMatchObject({ notBefore: "23:00", predecessorLags: "{}" });
    expect(JSON.parse((await frozenRow(copy.id)).predecessorLags)).toEqual({ [backup.id]: 20 });

    // The board times and forecasts the run with them: 23:00–00:00, then 20 min, then 45 min.
    const board = await lib.runQueries.getRunBoard({ runId: run.id });
    const card = (id: string) => board.steps.find((s) => s.id === id)!;
    expect(card(backup.id)).toMatchObject({ notBeforeAt: Date.parse("2026-12-05T22:00:00.000Z"), plannedStart: "2026-12-05T22:00:00.000Z", plannedFinish: "2026-12-05T23:00:00.000Z" });
    expect(card(copy.id)).toMatchObject({ plannedStart: "2026-12-05T23:20:00.000Z", plannedFinish: "2026-12-06T00:05:00.000Z" });
    const forecast = forecastRun({ steps: board.steps, mode: "FORWARD", windowStart: WINDOW_START.getTime(), windowEnd: WINDOW_END.getTime(), now: WINDOW_START.getTime() - 3_600_000 });
    expect(new Date(forecast.finishAt).toISOString()).toBe("2026-12-06T00:05:00.000Z");

    // A later plan edit: the run keeps its copy.
    await lib.plan.updateStep({ actor: team.admin, stepId: backup.id, input: { notBefore: "" } });
    await lib.plan.updateStep({ actor: team.admin, stepId: copy.id, input: { predecessorLags: {} } });
    expect(await frozenRow(backup.id)).toMatchObject({ notBefore: "23:00" });
    expect(JSON.parse((await frozenRow(copy.id)).predecessorLags)).toEqual({ [backup.id]: 20 });

    // Applied by an admin, the run takes them.
    const version = (await lib.planVersions.listPlanVersions({ projectId: project.id }))[0].version;
    await lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input: applyPlanInput.parse({ reason: "The backup finished early", expectedPlanVersion: version }) });
    expect(await frozenRow(backup.id)).toMatchObject({ notBefore: "" });
    expect(JSON.parse((await frozenRow(copy.id)).predecessorLags)).toEqual({});
  });
});
