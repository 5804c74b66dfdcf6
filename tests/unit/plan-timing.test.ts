/**
 * Planned clock times: lib/plan/timing.ts (lags, fixed-time steps, DST), and the plan check, the
 * live forecast and the Gantt that share it, on hand-made plans.
 */
import { describe, expect, it } from "vitest";
import { notBeforeMinuteAfter, resolveNotBefore, scheduleSteps } from "@/lib/plan/timing";
import { checkPlan, planStepTimes, type PlanCheckPhase, type PlanCheckStep } from "@/lib/plan/check";
import { criticalPath, forecastRun, runNotBeforeAt, type ForecastStep } from "@/lib/runs/forecast";
import { timelineBars, type MetricStep } from "@/lib/dashboard/metrics";
import { summarizeRunbook } from "@/lib/templates/summary";
import { runbookDocumentSchema } from "@/lib/templates/runbook-document";
import { canonicalPlanJson, diffPlans, type PlanSnapshot, type PlanSnapshotStep } from "@/lib/plan/snapshot";

const MIN = 60_000;
const BERLIN = "Europe/Berlin";

describe("scheduleSteps: earliest start and finish along dependencies", () => {
  it("a lag adds its minutes after that predecessor only", () => {
    const { times } = scheduleSteps([
      { id: "a", minutes: 30, predecessorIds: [] },
      { id: "b", minutes: 10, predecessorIds: [] },
      { id: "c", minutes: 20, predecessorIds: ["a", "b"], lags: { b: 45 } },
    ]);
    // a ends at 30; b ends at 10 + 45 min lag = 55: the lag after b, not a, holds c.
    expect(times.c).toEqual({ startMinute: 55, finishMinute: 75, heldBy: { kind: "predecessor", id: "b" } });
  });

  it("a fixed-time step waits for its time when its predecessors finish earlier, and not when they finish later", () => {
    const early = scheduleSteps([
      { id: "a", minutes: 30, predecessorIds: [] },
      { id: "b", minutes: 15, predecessorIds: ["a"], notBeforeMinute: 120 },
      { id: "c", minutes: 5, predecessorIds: ["b"] },
    ]).times;
    expect(early.b).toEqual({ startMinute: 120, finishMinute: 135, heldBy: { kind: "not_before" } });
    expect(early.c.startMinute).toBe(135);
    const late = scheduleSteps([
      { id: "a", minutes: 200, predecessorIds: [] },
      { id: "b", minutes: 15, predecessorIds: ["a"], notBeforeMinute: 120 },
    ]).times;
    expect(late.b).toMatchObject({ startMinute: 200, heldBy: { kind: "predecessor", id: "a" } });
  });

  it("reports a cycle instead of looping", () => {
    expect(scheduleSteps([{ id: "a", minutes: 1, predecessorIds: ["b"] }, { id: "b", minutes: 1, predecessorIds: ["a"] }]).cycle).not.toBeNull();
  });
});

describe("resolveNotBefore: the first HH:MM on the project's clock at or after the window start", () => {
  it("a 20:00→04:00 window and 01:00 means the 01:00 after the start", () => {
    const start = Date.parse("2026-12-05T19:00:00Z"); // 20:00 CET
    expect(new Date(resolveNotBefore("01:00", start, BERLIN)!).toISOString()).toBe("2026-12-06T00:00:00.000Z");
    expect(notBeforeMinuteAfter("22:00", start, BERLIN)).toBe(120);
    // The start itself counts ("at or after").
    expect(notBeforeMinuteAfter("20:00", start, BERLIN)).toBe(0);
  });

  it("counts real minutes across the European fall-back night (the clocks go back at 03:00 CEST)", () => {
    // Sat 24 Oct 2026 22:00 CEST = 20:00Z; on the night of the 25th 03:00 CEST becomes 02:00 CET.
    const start = Date.parse("2026-10-24T20:00:00Z");
    // 22:00 CEST → 04:00 CET is 7 h of real time, not 6.
    expect(notBeforeMinuteAfter("04:00", start, BERLIN)).toBe(7 * 60);
    expect(new Date(resolveNotBefore("04:00", start, BERLIN)!).toISOString()).toBe("2026-10-25T03:00:00.000Z");
    // 02:30 happens twice; from 22:00 the first pass (CEST) is the one meant.
    expect(new Date(resolveNotBefore("02:30", start, BERLIN)!).toISOString()).toBe("2026-10-25T00:30:00.000Z");
    // From inside the repeated hour (02:45 CEST), 02:30 next comes on its second pass (CET), not a day later.
    const inside = Date.parse("2026-10-25T00:45:00Z");
    expect(new Date(resolveNotBefore("02:30", inside, BERLIN)!).toISOString()).toBe("2026-10-25T01:30:00.000Z");
  });

  it("an unreadable time is no time", () => {
    expect(resolveNotBefore("25:00", 0, BERLIN)).toBeNull();
    expect(notBeforeMinuteAfter("", 0, BERLIN)).toBeNull();
  });
});

/** A hand-made plan step: id doubles as its number. */
function step(id: string, minutes: number, preds: string[] = [], extra: Partial<PlanCheckStep> = {}): PlanCheckStep {
  return { id, number: id, title: `Step ${id}`, kind: "TASK", plannedMinutes: minutes, predecessorIds: preds, commands: "", assignee: null, isFleet: false, fleetAction: null, ...extra };
}
const plan = (window: PlanCheckStep[], rollback: PlanCheckStep[] = []): PlanCheckPhase[] => [
  { title: "Window", inWindow: true, steps: window },
  { title: "Rollback", inWindow: true, steps: rollback },
];
const WINDOW_22 = { at: Date.parse("2026-12-05T21:00:00Z"), timeZone: BERLIN }; // Sat 22:00 CET

describe("the plan check with fixed-time steps and lags", () => {
  it("planned times follow lags and the not-before (given the window start); without it the not-before is not placed", () => {
    const phases = plan([step("1", 30), step("2", 60, ["1"], { notBefore: "23:30" }), step("3", 15, ["2"], { predecessorLags: { "2": 20 } })]);
    const { times } = planStepTimes(phases, WINDOW_22);
    expect(times["2"]).toEqual({ startMinute: 90, finishMinute: 150, fixed: true });
    expect(times["3"]).toEqual({ startMinute: 170, finishMinute: 185 });
    expect(planStepTimes(phases).times["2"].startMinute).toBe(30);
  });

  it("a not-before that pushes a gate past the rollback deadline is an error; without it the plan is fine", () => {
    // 8 h window from 22:00; 2 h of rollback → deadline 04:00 (360 min).
    const steps = (notBefore?: string) => [step("1", 30), step("2", 30, ["1"], { kind: "GATE", ...(notBefore ? { notBefore } : {}) })];
    const rollback = [step("R1", 120, [], { kind: "ROLLBACK" })];
    const fine = checkPlan({ phases: plan(steps(), rollback), windowMinutes: 480, windowStart: WINDOW_22 });
    expect(fine.findings.map((f) => f.code)).not.toContain("gate_after_deadline");
    const pushed = checkPlan({ phases: plan(steps("03:45"), rollback), windowMinutes: 480, windowStart: WINDOW_22 });
    const finding = pushed.findings.find((f) => f.code === "gate_after_deadline");
    expect(finding?.stepIds).toEqual(["2"]);
    // 03:45 is 345 min in; the 30 min gate ends at 375, 15 min after the 360 min deadline.
    expect(finding?.message).toContain("6 h 15 min into the window, 15 min after the rollback deadline");
    expect(pushed.lastGateFinishMinute).toBe(375);
  });

  it("a lag lengthens the critical path, and the chain walks back through the lagged predecessor", () => {
    const result = checkPlan({ phases: plan([step("1", 60), step("2", 60), step("3", 30, ["1", "2"], { predecessorLags: { "2": 45 } })]), windowMinutes: 480 });
    expect(result.criticalPathMinutes).toBe(135);
    expect(result.criticalStepIds).toEqual(["2", "3"]);
  });

  it("a fixed-time step starts the critical path: nothing before it holds it", () => {
    const result = checkPlan({ phases: plan([step("1", 10), step("2", 60, ["1"], { notBefore: "01:00" })]), windowMinutes: 480, windowStart: WINDOW_22 });
    expect(result.criticalPathMinutes).toBe(240);
    expect(result.criticalStepIds).toEqual(["2"]);
  });
});

describe("the live forecast with fixed-time steps and lags", () => {
  const WINDOW_START = WINDOW_22.at;
  const WINDOW_END = WINDOW_START + 480 * MIN;
  const at = (m: number) => WINDOW_START + m * MIN;
  let position = 0;
  const fstep = (id: string, overrides: Partial<ForecastStep> = {}): ForecastStep => ({ id, kind: "TASK", plannedMinutes: 30, status: "PENDING", startedAt: null, predecessorIds: [], inWindow: true, position: ++position, ...overrides });

  it("a not-before later than now pushes finishAt; one already passed doesn't", () => {
    const plain = [fstep("a", { status: "DONE", startedAt: new Date(at(0)).toISOString(), finishedAt: new Date(at(30)).toISOString() }), fstep("b", { predecessorIds: ["a"] })];
    const fixed = [plain[0], fstep("b", { predecessorIds: ["a"], notBeforeAt: at(120) })];
    const now = at(40);
    expect(forecastRun({ steps: plain, mode: "FORWARD", windowStart: WINDOW_START, windowEnd: WINDOW_END, now }).finishAt).toBe(at(70));
    const pushed = forecastRun({ steps: fixed, mode: "FORWARD", windowStart: WINDOW_START, windowEnd: WINDOW_END, now });
    expect(pushed.finishAt).toBe(at(150));
    expect(pushed.criticalStepIds).toEqual(["b"]);
    expect(forecastRun({ steps: fixed, mode: "FORWARD", windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(130) }).finishAt).toBe(at(160));
  });

  it("before the window opens, a not-before counts from the window start, not from now", () => {
    const steps = [fstep("a", { notBeforeAt: at(60) })];
    expect(forecastRun({ steps, mode: "FORWARD", windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(-300) }).finishAt).toBe(at(90));
  });

  it("lags add: from a predecessor's actual finish, and in full when it hasn't finished yet", () => {
    const done = fstep("a", { status: "DONE", startedAt: new Date(at(0)).toISOString(), finishedAt: new Date(at(30)).toISOString() });
    const waiting = fstep("b", { predecessorIds: ["a"], predecessorLags: { a: 20 } });
    // a finished at 30, the lag runs to 50; now is 40 → b starts in 10, finishes in 40.
    expect(criticalPath([done, waiting], "FORWARD", at(40)).minutes).toBe(40);
    // Once the lag is over, it adds nothing.
    expect(criticalPath([done, waiting], "FORWARD", at(60)).minutes).toBe(30);
    const pending = [fstep("x"), fstep("y", { predecessorIds: ["x"], predecessorLags: { x: 15 } })];
    expect(criticalPath(pending, "FORWARD", at(0))).toEqual({ minutes: 75, stepIds: ["x", "y"] });
  });

  it("rollback steps ignore not-before times and lags", () => {
    const steps = [fstep("r1", { kind: "ROLLBACK", notBeforeAt: at(300) }), fstep("r2", { kind: "ROLLBACK", predecessorLags: { r1: 60 } })];
    expect(criticalPath(steps, "ROLLBACK", at(0)).minutes).toBe(60);
  });

  it("runNotBeforeAt places the time in a live run's window and ignores it in a rehearsal", () => {
    expect(runNotBeforeAt("23:30", { kind: "LIVE", windowStart: WINDOW_START }, BERLIN)).toBe(at(90));
    expect(runNotBeforeAt("23:30", { kind: "REHEARSAL", windowStart: WINDOW_START }, BERLIN)).toBeNull();
    expect(runNotBeforeAt("", { kind: "LIVE", windowStart: WINDOW_START }, BERLIN)).toBeNull();
  });
});

describe("the Gantt's planned bars and the template summary", () => {
  it("planned bars follow lags and the not-before minute", () => {
    const base = { title: "", phaseId: "p", kind: "TASK", team: "", assigneeName: null, status: "PENDING" as const, startedAt: null, finishedAt: null, reason: "", inWindow: true };
    const steps: MetricStep[] = [
      { ...base, id: "a", number: "1", plannedMinutes: 30, predecessorIds: [] },
      { ...base, id: "b", number: "2", plannedMinutes: 20, predecessorIds: ["a"], predecessorLags: { a: 10 } },
      { ...base, id: "c", number: "3", plannedMinutes: 5, predecessorIds: ["b"], notBeforeMinute: 120 },
    ];
    const bars = timelineBars({ steps, windowStart: 0, now: 0, criticalIds: new Set() });
    expect(bars.map((b) => b.planned)).toEqual([[0, 30], [40, 60], [120, 125]]);
  });

  it("a runbook document with lags and a not-before parses, and its summary counts the lags", () => {
    const doc = runbookDocumentSchema.parse({
      format: "runsheet.runbook",
      version: 1,
      name: "Lagged",
      phases: [{ title: "Window", steps: [{ key: "1", title: "Stop", plannedMinutes: 30 }, { key: "2", title: "Copy", plannedMinutes: 60, predecessors: ["1"], lags: { "1": 15 }, notBefore: "23:00" }] }],
    });
    expect(doc.phases[0].steps[1]).toMatchObject({ lags: { "1": 15 }, notBefore: "23:00" });
    expect(summarizeRunbook(doc).criticalPathMinutes).toBe(105);
    const stray = runbookDocumentSchema.safeParse({ format: "runsheet.runbook", version: 1, name: "Bad", phases: [{ title: "W", steps: [{ key: "1", title: "A", plannedMinutes: 1, lags: { "9": 5 } }] }] });
    expect(stray.success).toBe(false);
    const badTime = runbookDocumentSchema.safeParse({ format: "runsheet.runbook", version: 1, name: "Bad", phases: [{ title: "W", steps: [{ key: "1", title: "A", plannedMinutes: 1, notBefore: "7pm" }] }] });
    expect(badTime.success).toBe(false);
  });
});

describe("plan snapshots with the new fields", () => {
  const snapStep = (extra: Partial<PlanSnapshotStep> = {}): PlanSnapshotStep => ({
    id: "s2", title: "Copy", details: "", commands: "", verification: "", team: "", assigneeId: null, assigneeName: null, plannedMinutes: 60, kind: "TASK",
    isFleet: false, fleetAction: null, predecessorIds: ["s1"], noGoOutcome: "ROLLBACK", gateApprovers: [], fourEyes: false, requiredFields: [], ...extra,
  });
  const snap = (s: PlanSnapshotStep): PlanSnapshot => ({ phases: [{ id: "p", title: "W", description: "", inWindow: true, steps: [{ ...snapStep(), id: "s1", title: "Stop", predecessorIds: [] }, s] }] });

  it("a version recorded before the fields equals one with them at their defaults: same canonical JSON, no diff", () => {
    const old = snap(snapStep());
    const now = snap(snapStep({ notBefore: "", predecessorLags: { s1: 0 } }));
    expect(canonicalPlanJson(now)).toBe(canonicalPlanJson(old));
    expect(diffPlans(old, now).empty).toBe(true);
  });

  it("setting a not-before or a lag is a change with readable values", () => {
    const diff = diffPlans(snap(snapStep()), snap(snapStep({ notBefore: "22:00", predecessorLags: { s1: 15 } })));
    expect(diff.steps[0].fields).toEqual([
      { field: "predecessorLags", before: "none", after: '15 min after "Stop"' },
      { field: "notBefore", before: "none", after: "22:00" },
    ]);
    expect(canonicalPlanJson(snap(snapStep({ notBefore: "22:00" })))).not.toBe(canonicalPlanJson(snap(snapStep())));
  });
});
