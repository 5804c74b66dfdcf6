/**
 * Recalibration against a real, migrated SQLite file: rehearsals with backdated step times, a
 * preview, and an apply that updates planned minutes (version bumped) with one audit event.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { caught, createProject, createTeam, templateSteps } from "./helpers/db-fixtures";

let db: TestDatabase;
let recalibrate: typeof import("@/lib/recalibrate/service") & typeof import("@/lib/recalibrate/queries");
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("recalibrate");
  recalibrate = { ...(await import("@/lib/recalibrate/service")), ...(await import("@/lib/recalibrate/queries")) };
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

const MINUTE = 60_000;

/**
 * A rehearsal started `hoursAgo`, in which each listed step ran for the given minutes (or
 * seconds), one after another; ended early afterwards unless `inProgress`.
 */
async function rehearse(projectId: string, hoursAgo: number, durations: [stepId: string, minutes: number | "signed-off" | { seconds: number }][], options: { inProgress?: boolean } = {}) {
  const start = Date.now() - hoursAgo * 3_600_000;
  const run = await db.lib.runs.startRun({ actor: team.admin, projectId, input: { kind: "REHEARSAL", name: `Rehearsal ${hoursAgo} h ago` }, startedAt: new Date(start) });
  let t = start;
  for (const [stepId, minutes] of durations) {
    const act = (action: "start" | "done", at: number) =>
      db.lib.runs.performStepAction({ actor: team.admin, runId: run.id, stepId, input: { action, note: "", reason: "", occurredAt: new Date(at) } });
    if (minutes === "signed-off") {
      await act("done", t);
      continue;
    }
    await act("start", t);
    t += typeof minutes === "number" ? minutes * MINUTE : minutes.seconds * 1000;
    await act("done", t);
  }
  if (!options.inProgress) await db.lib.runs.endRunByHand({ actor: team.admin, runId: run.id, how: "end", input: { reason: "Rehearsal over; the rest was not rehearsed." } });
  return run;
}

describe("recalibration from rehearsals", () => {
  let projectId: string;
  let s: (key: string) => { id: string };
  let first: { id: string };
  let second: { id: string };

  beforeAll(async () => {
    const project = await createProject(db.lib, team.admin, { name: "Recalibrate" });
    projectId = project.id;
    s = (await templateSteps(db.lib, projectId)).get;
    // Planned: 1 = 60, 2 = 15, 3 = 120, 4 = 60.
    first = await rehearse(projectId, 10, [[s("1").id, 50], [s("2").id, 20], [s("3").id, 120], [s("4").id, "signed-off"]]);
    second = await rehearse(projectId, 5, [[s("1").id, 40], [s("2").id, 30]]);
  });

  it("compares actuals with the plan per step and rehearsal, newest rehearsal first", async () => {
    const comparison = await recalibrate.getRehearsalComparison({ projectId });
    expect(comparison.rehearsals.map((r) => [r.id, r.measuredSteps])).toEqual([
      [second.id, 2],
      [first.id, 3],
    ]);
    const byId = new Map(comparison.steps.map((step) => [step.id, step]));
    expect(byId.get(s("1").id)).toMatchObject({ number: "1", plannedMinutes: 60, actuals: { [first.id]: 50, [second.id]: 40 } });
    // Signed off without being started: no duration, so no actual.
    expect(byId.get(s("4").id)!.actuals).toEqual({});
  });

  it("previews each basis without changing anything", async () => {
    const preview = async (basis: "last" | "median" | "worst", runIds: string[] = []) =>
      (await recalibrate.previewRecalibration({ projectId, input: { basis, runIds } })).rows.map((r) => [r.number, r.currentMinutes, r.newMinutes]);
    expect(await preview("median")).toEqual([
      ["1", 60, 45],
      ["2", 15, 25],
    ]);
    expect(await preview("worst")).toEqual([
      ["1", 60, 50],
      ["2", 15, 30],
    ]);
    expect(await preview("last")).toEqual([
      ["1", 60, 40],
      ["2", 15, 30],
    ]);
    expect(await preview("last", [first.id])).toEqual([
      ["1", 60, 50],
      ["2", 15, 20],
    ]);
    expect((await db.lib.prisma.step.findUniqueOrThrow({ where: { id: s("1").id } })).plannedMinutes).toBe(60);
  });

  it("refuses operators, and a preview that no longer matches the plan", async () => {
    const { rows } = await recalibrate.previewRecalibration({ projectId, input: { basis: "median", runIds: [] } });
    const expected = rows.map((r) => ({ stepId: r.stepId, version: r.version, newMinutes: r.newMinutes }));
    const forbidden = await caught(() => recalibrate.applyRecalibration({ actor: team.operator, projectId, input: { basis: "median", runIds: [], expected } }));
    expect(forbidden.name).toBe("ForbiddenError");
    const stale = await caught(() =>
      recalibrate.applyRecalibration({ actor: team.admin, projectId, input: { basis: "median", runIds: [], expected: expected.map((e) => ({ ...e, newMinutes: e.newMinutes + 1 })) } }),
    );
    expect(stale.name).toBe("ConflictError");
    expect((await db.lib.prisma.step.findUniqueOrThrow({ where: { id: s("1").id } })).plannedMinutes).toBe(60);
    expect(await db.lib.prisma.auditEvent.count({ where: { projectId, action: "plan.recalibrate" } })).toBe(0);
  });

  it("applies: planned minutes updated, versions bumped, other steps untouched, one audit event with before/after", async () => {
    const before = await db.lib.prisma.step.findMany({ where: { projectId }, select: { id: true, plannedMinutes: true, version: true } });
    const { rows } = await recalibrate.previewRecalibration({ projectId, input: { basis: "median", runIds: [] } });
    const result = await recalibrate.applyRecalibration({
      actor: team.admin,
      projectId,
      input: { basis: "median", runIds: [], expected: rows.map((r) => ({ stepId: r.stepId, version: r.version, newMinutes: r.newMinutes })) },
    });
    expect(result).toEqual({ changed: 2, totalChange: -15 + 10 });

    const after = new Map((await db.lib.prisma.step.findMany({ where: { projectId }, select: { id: true, plannedMinutes: true, version: true } })).map((x) => [x.id, x]));
    for (const step of before) {
      const now = after.get(step.id)!;
      if (step.id === s("1").id) expect(now).toMatchObject({ plannedMinutes: 45, version: step.version + 1 });
      else if (step.id === s("2").id) expect(now).toMatchObject({ plannedMinutes: 25, version: step.version + 1 });
      else expect(now).toEqual(step);
    }

    const events = await db.lib.prisma.auditEvent.findMany({ where: { projectId, action: "plan.recalibrate" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: team.admin.id, entityType: "project", entityId: projectId });
    expect(JSON.parse(events[0].before)).toEqual({
      steps: [
        { stepId: s("1").id, number: "1", title: expect.any(String), plannedMinutes: 60 },
        { stepId: s("2").id, number: "2", title: expect.any(String), plannedMinutes: 15 },
      ],
    });
    expect(JSON.parse(events[0].after)).toMatchObject({
      basis: "median",
      rehearsals: [{ id: second.id }, { id: first.id }],
      steps: [
        { stepId: s("1").id, plannedMinutes: 45, samples: [40, 50] },
        { stepId: s("2").id, plannedMinutes: 25, samples: [30, 20] },
      ],
    });
    expect((await db.lib.audit.verifyAuditChain()).ok).toBe(true);

    // Applying the same basis again has nothing left to change.
    const again = await caught(() => recalibrate.applyRecalibration({ actor: team.admin, projectId, input: { basis: "median", runIds: [], expected: [{ stepId: s("1").id, version: 9, newMinutes: 45 }] } }));
    expect(again.message).toMatch(/^Nothing to recalibrate/);
  });

  it("says so when no rehearsal has measured anything", async () => {
    const empty = await createProject(db.lib, team.admin, { name: "No rehearsals" });
    const preview = await recalibrate.previewRecalibration({ projectId: empty.id, input: { basis: "median", runIds: [] } });
    expect(preview).toMatchObject({ runIds: [], rows: [], comparison: { rehearsals: [] } });
    const error = await caught(() => recalibrate.applyRecalibration({ actor: team.admin, projectId: empty.id, input: { basis: "median", runIds: [], expected: [{ stepId: "x", version: 1, newMinutes: 1 }] } }));
    expect(error.message).toMatch(/No rehearsal has measured a step yet/);
  });
});

describe("recalibration guards", () => {
  it("leaves out a rehearsal still in progress unless it is chosen, and says so", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Recalibrate guards: in progress" });
    const s = (await templateSteps(db.lib, project.id)).get;
    const running = await rehearse(project.id, 3, [[s("1").id, 30]], { inProgress: true });
    const preview = await recalibrate.previewRecalibration({ projectId: project.id, input: { basis: "median", runIds: [] } });
    expect(preview.runIds).toEqual([]);
    expect(preview.rows).toEqual([]);
    expect(preview.notice).toMatch(/still in progress/);
    const refused = await caught(() => recalibrate.applyRecalibration({ actor: team.admin, projectId: project.id, input: { basis: "median", runIds: [], expected: [{ stepId: s("1").id, version: 1, newMinutes: 30 }] } }));
    expect(refused.name).toBe("ValidationError");
    // Chosen explicitly, it is used.
    const chosen = await recalibrate.previewRecalibration({ projectId: project.id, input: { basis: "median", runIds: [running.id] } });
    expect(chosen.rows.map((r) => [r.number, r.currentMinutes, r.newMinutes])).toEqual([["1", 60, 30]]);

    // Once another rehearsal has ended, the default is the ended one only.
    const ended = await rehearse(project.id, 2, [[s("1").id, 55]]);
    const byDefault = await recalibrate.previewRecalibration({ projectId: project.id, input: { basis: "median", runIds: [] } });
    expect(byDefault.runIds).toEqual([ended.id]);
    expect(byDefault.rows.map((r) => [r.number, r.newMinutes])).toEqual([["1", 55]]);
  });

  it("flags steps clicked through in seconds or done in under a fifth of their plan, and leaves them out", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Recalibrate guards: outliers" });
    const { get: s } = await templateSteps(db.lib, project.id);
    // Planned: 1 = 60, 2 = 15, 3 = 120. Step 1 in 20 s, step 3 in 20 min (< 120 / 5), step 2 in 12 min (real).
    const run = await rehearse(project.id, 4, [[s("1").id, { seconds: 20 }], [s("2").id, 12], [s("3").id, 20]]);
    const preview = await recalibrate.previewRecalibration({ projectId: project.id, input: { basis: "median", runIds: [] } });
    const byId = new Map(preview.comparison.steps.map((step) => [step.id, step]));
    expect(byId.get(s("1").id)!.outliers).toEqual({ [run.id]: { minutes: 1, reason: "clicked-through" } });
    expect(byId.get(s("3").id)!.outliers).toEqual({ [run.id]: { minutes: 20, reason: "under-a-fifth" } });
    expect(byId.get(s("1").id)!.actuals).toEqual({});
    expect(preview.rows.map((r) => [r.number, r.currentMinutes, r.newMinutes])).toEqual([["2", 15, 12]]);
    // Step 2 is preparation, outside the window: the window's critical path doesn't move.
    expect(byId.get(s("2").id)!.inWindow).toBe(false);
    expect(preview.windowEffect.afterMinutes).toBe(preview.windowEffect.beforeMinutes);
    expect(preview.windowEffect.windowMinutes).toBe(Math.round((project.windowEnd.getTime() - project.windowStart.getTime()) / 60_000));
    expect((await db.lib.prisma.step.findUniqueOrThrow({ where: { id: s("1").id } })).plannedMinutes).toBe(60);
  });
});
