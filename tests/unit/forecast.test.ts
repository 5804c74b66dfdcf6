/**
 * lib/runs/forecast.ts: remaining work, the critical path, the forecast verdict and the rollback
 * deadline, on hand-made plans with a fixed clock.
 */
import { describe, expect, it } from "vitest";
import {
  AT_RISK_SLACK_MINUTES,
  criticalPath,
  forecastRun,
  forecastScope,
  overrunMinutes,
  remainingMinutes,
  rollbackDeadline,
  type ForecastStep,
} from "@/lib/runs/forecast";
import { formatMinutes } from "@/lib/platform/time";

const MIN = 60_000;
const WINDOW_START = Date.parse("2026-11-28T12:00:00.000Z");
const WINDOW_END = WINDOW_START + 360 * MIN; // a six-hour window
const at = (minutesFromWindowStart: number) => WINDOW_START + minutesFromWindowStart * MIN;
const iso = (minutesFromWindowStart: number) => new Date(at(minutesFromWindowStart)).toISOString();

let nextPosition = 1;
function step(id: string, overrides: Partial<ForecastStep> = {}): ForecastStep {
  return {
    id,
    kind: "TASK",
    plannedMinutes: 10,
    status: "PENDING",
    startedAt: null,
    predecessorIds: [],
    inWindow: true,
    position: nextPosition++,
    ...overrides,
  };
}

describe("remainingMinutes", () => {
  const now = at(60);
  it("is the whole plan for a pending step", () => {
    expect(remainingMinutes(step("a", { plannedMinutes: 30 }), now)).toBe(30);
  });
  it("is what is left of the plan for a step running under its plan", () => {
    expect(remainingMinutes(step("a", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(50) }), now)).toBe(20);
  });
  it("counts fractions of a minute", () => {
    const s = step("a", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: new Date(now - 90_000).toISOString() });
    expect(remainingMinutes(s, now)).toBe(28.5);
  });
  it("is 0 (never negative) for a step running over its plan", () => {
    expect(remainingMinutes(step("a", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(15) }), now)).toBe(0);
  });
  it("is 0 for finished steps (done or skipped)", () => {
    expect(remainingMinutes(step("a", { plannedMinutes: 30, status: "DONE", startedAt: iso(0) }), now)).toBe(0);
    expect(remainingMinutes(step("a", { plannedMinutes: 30, status: "SKIPPED" }), now)).toBe(0);
  });
  it("is the whole plan for a failed step (it has to be redone)", () => {
    expect(remainingMinutes(step("a", { plannedMinutes: 30, status: "FAILED", startedAt: iso(0) }), now)).toBe(30);
  });
});

describe("overrunMinutes", () => {
  const now = at(60);
  it("is how far a running step is past its plan", () => {
    expect(overrunMinutes(step("a", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(15) }), now)).toBe(15);
  });
  it("is 0 for a running step still inside its plan", () => {
    expect(overrunMinutes(step("a", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(40) }), now)).toBe(0);
  });
  it("is 0 for steps that are not running", () => {
    expect(overrunMinutes(step("a", { plannedMinutes: 5, status: "PENDING" }), now)).toBe(0);
    expect(overrunMinutes(step("a", { plannedMinutes: 5, status: "DONE", startedAt: iso(0) }), now)).toBe(0);
    expect(overrunMinutes(step("a", { plannedMinutes: 5, status: "FAILED", startedAt: iso(0) }), now)).toBe(0);
  });
});

describe("forecastScope", () => {
  const steps = [
    step("prep", { inWindow: false, position: 1 }),
    step("w1", { position: 2 }),
    step("gate", { kind: "GATE", position: 3 }),
    step("m", { kind: "MILESTONE", position: 4 }),
    step("r2", { kind: "ROLLBACK", position: 7 }),
    step("r1", { kind: "ROLLBACK", position: 6 }),
    step("after", { inWindow: false, position: 5 }),
  ];
  it("forward: the non-rollback steps inside the window", () => {
    expect(forecastScope(steps, "FORWARD").map((s) => s.id)).toEqual(["w1", "gate", "m"]);
  });
  it("rollback: only the rollback steps, by position", () => {
    expect(forecastScope(steps, "ROLLBACK").map((s) => s.id)).toEqual(["r1", "r2"]);
  });
});

describe("criticalPath", () => {
  const now = at(0);

  it("follows a chain end to end", () => {
    const steps = [step("a", { plannedMinutes: 10 }), step("b", { plannedMinutes: 20, predecessorIds: ["a"] }), step("c", { plannedMinutes: 30, predecessorIds: ["b"] })];
    expect(criticalPath(steps, "FORWARD", now)).toEqual({ minutes: 60, stepIds: ["a", "b", "c"] });
  });

  it("takes the longer of two parallel branches, wherever it is listed", () => {
    const start = step("start", { plannedMinutes: 10 });
    const long1 = step("long1", { plannedMinutes: 50, predecessorIds: ["start"] });
    const long2 = step("long2", { plannedMinutes: 40, predecessorIds: ["long1"] });
    const short = step("short", { plannedMinutes: 20, predecessorIds: ["start"] });
    const join = step("join", { plannedMinutes: 5, predecessorIds: ["short", "long2"] });
    const expected = { minutes: 105, stepIds: ["start", "long1", "long2", "join"] };
    expect(criticalPath([start, long1, long2, short, join], "FORWARD", now)).toEqual(expected);
    expect(criticalPath([join, short, long2, long1, start], "FORWARD", now)).toEqual(expected);
  });

  it("with branches that never join, the path is the longer branch alone", () => {
    const steps = [
      step("a1", { plannedMinutes: 30 }),
      step("a2", { plannedMinutes: 30, predecessorIds: ["a1"] }),
      step("b1", { plannedMinutes: 70 }),
    ];
    expect(criticalPath(steps, "FORWARD", now)).toEqual({ minutes: 70, stepIds: ["b1"] });
  });

  it("goes through the longer side of a diamond", () => {
    const diamond = (bMinutes: number, cMinutes: number) => [
      step("a", { plannedMinutes: 10 }),
      step("b", { plannedMinutes: bMinutes, predecessorIds: ["a"] }),
      step("c", { plannedMinutes: cMinutes, predecessorIds: ["a"] }),
      step("d", { plannedMinutes: 10, predecessorIds: ["b", "c"] }),
    ];
    expect(criticalPath(diamond(30, 20), "FORWARD", now)).toEqual({ minutes: 50, stepIds: ["a", "b", "d"] });
    expect(criticalPath(diamond(20, 45), "FORWARD", now)).toEqual({ minutes: 65, stepIds: ["a", "c", "d"] });
  });

  it("counts only what is left of a running step and leaves finished steps off the path", () => {
    const steps = [
      step("a", { plannedMinutes: 30, status: "DONE", startedAt: iso(0) }),
      step("b", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(30), predecessorIds: ["a"] }),
      step("c", { plannedMinutes: 20, predecessorIds: ["b"] }),
    ];
    // b has run 10 of its 30 minutes at now = 40.
    expect(criticalPath(steps, "FORWARD", at(40))).toEqual({ minutes: 40, stepIds: ["b", "c"] });
    // At now = 75, b is 15 minutes over: it adds nothing more, c still has 20.
    expect(criticalPath(steps, "FORWARD", at(75)).minutes).toBe(20);
  });

  // Regression (fixed): a predecessor with 0 minutes left (a running step past its plan, or a
  // pending 0-minute milestone) is dropped from the path because earliestFinish compares `f > best`
  // with best starting at 0. The step holding everything up is then not flagged critical.
  it("keeps an overrunning running step on the path of the steps waiting for it", () => {
    const steps = [
      step("b", { plannedMinutes: 30, status: "IN_PROGRESS", startedAt: iso(30) }),
      step("c", { plannedMinutes: 20, predecessorIds: ["b"] }),
    ];
    expect(criticalPath(steps, "FORWARD", at(75))).toEqual({ minutes: 20, stepIds: ["b", "c"] });
  });

  it("a running branch can stop being critical once it has mostly run", () => {
    const steps = [
      step("x", { plannedMinutes: 60, status: "IN_PROGRESS", startedAt: iso(0) }),
      step("y", { plannedMinutes: 25 }),
    ];
    expect(criticalPath(steps, "FORWARD", at(10))).toEqual({ minutes: 50, stepIds: ["x"] });
    expect(criticalPath(steps, "FORWARD", at(40))).toEqual({ minutes: 25, stepIds: ["y"] });
  });

  it("ignores predecessors outside the window and out-of-window steps", () => {
    const steps = [
      step("prep", { plannedMinutes: 240, inWindow: false }),
      step("w1", { plannedMinutes: 30, predecessorIds: ["prep"] }),
      step("w2", { plannedMinutes: 20, predecessorIds: ["w1"] }),
      step("watch", { plannedMinutes: 600, inWindow: false, predecessorIds: ["w2"] }),
    ];
    expect(criticalPath(steps, "FORWARD", now)).toEqual({ minutes: 50, stepIds: ["w1", "w2"] });
  });

  it("ignores rollback steps in forward mode", () => {
    const steps = [step("w", { plannedMinutes: 30 }), step("r", { kind: "ROLLBACK", plannedMinutes: 500 })];
    expect(criticalPath(steps, "FORWARD", now)).toEqual({ minutes: 30, stepIds: ["w"] });
  });

  it("in rollback mode runs the rollback steps one after another, by position", () => {
    const steps = [
      step("fwd", { plannedMinutes: 100, status: "IN_PROGRESS", startedAt: iso(0) }),
      step("r3", { kind: "ROLLBACK", plannedMinutes: 60, position: 30 }),
      step("r1", { kind: "ROLLBACK", plannedMinutes: 15, position: 10 }),
      step("r2", { kind: "ROLLBACK", plannedMinutes: 20, position: 20 }),
    ];
    expect(criticalPath(steps, "ROLLBACK", now)).toEqual({ minutes: 95, stepIds: ["r1", "r2", "r3"] });
    const r1Done = steps.map((s) => (s.id === "r1" ? { ...s, status: "DONE" as const, startedAt: iso(0) } : s));
    expect(criticalPath(r1Done, "ROLLBACK", now)).toEqual({ minutes: 80, stepIds: ["r2", "r3"] });
  });

  it("is empty when everything is finished", () => {
    const steps = [step("a", { status: "DONE", startedAt: iso(0) }), step("b", { status: "SKIPPED", predecessorIds: ["a"] })];
    expect(criticalPath(steps, "FORWARD", now)).toEqual({ minutes: 0, stepIds: [] });
  });
});

describe("forecastRun", () => {
  const plan = (overrides: { aStatus?: ForecastStep["status"]; bMinutes: number }) => [
    step("a", { plannedMinutes: 60, status: overrides.aStatus ?? "DONE", startedAt: iso(0) }),
    step("b", { plannedMinutes: overrides.bMinutes, predecessorIds: ["a"] }),
    step("prep", { plannedMinutes: 999, inWindow: false }),
    step("r", { kind: "ROLLBACK", plannedMinutes: 999 }),
  ];
  const run = (steps: ForecastStep[], now: number) => forecastRun({ steps, mode: "FORWARD", windowStart: WINDOW_START, windowEnd: WINDOW_END, now });

  it("on track: finish = now + critical path, slack = window end − finish", () => {
    const f = run(plan({ bMinutes: 120 }), at(60));
    expect(f).toEqual({ finishAt: at(180), remainingMinutes: 120, slackMinutes: 180, verdict: "on_track", criticalStepIds: ["b"] });
  });

  it(`at risk with less than ${AT_RISK_SLACK_MINUTES} minutes of slack`, () => {
    const f = run(plan({ bMinutes: 290 }), at(60));
    expect(f.finishAt).toBe(at(350));
    expect(f.slackMinutes).toBe(10);
    expect(f.verdict).toBe("at_risk");
  });

  it("exactly the threshold of slack is still on track; zero slack is at risk, not overrun", () => {
    expect(run(plan({ bMinutes: 300 - AT_RISK_SLACK_MINUTES }), at(60)).verdict).toBe("on_track");
    const zero = run(plan({ bMinutes: 300 }), at(60));
    expect(zero.slackMinutes).toBe(0);
    expect(zero.verdict).toBe("at_risk");
  });

  it("overrun when the slack is negative (shown as 'overrun by' the missing minutes)", () => {
    const f = run(plan({ bMinutes: 320 }), at(60));
    expect(f.slackMinutes).toBe(-20);
    expect(f.verdict).toBe("overrun");
    expect(f.finishAt).toBe(WINDOW_END + 20 * MIN);
    expect(`Will overrun by ${formatMinutes(-f.slackMinutes)}`).toBe("Will overrun by 20 min");
  });

  it("a step running over its plan pushes the finish out with the clock", () => {
    const steps = [step("a", { plannedMinutes: 60, status: "IN_PROGRESS", startedAt: iso(0) }), step("b", { plannedMinutes: 200, predecessorIds: ["a"] })];
    expect(run(steps, at(60)).finishAt).toBe(at(260));
    expect(run(steps, at(120)).finishAt).toBe(at(320)); // a is 60 min over: remaining is b alone, from now
    expect(run(steps, at(170)).verdict).toBe("overrun");
  });

  it("finished once every in-window forward step is finished, whatever the clock", () => {
    const steps = [step("a", { status: "DONE", startedAt: iso(0) }), step("b", { status: "SKIPPED" }), step("prep", { inWindow: false }), step("r", { kind: "ROLLBACK" })];
    const f = run(steps, WINDOW_END + 60 * MIN);
    expect(f.verdict).toBe("finished");
    expect(f.remainingMinutes).toBe(0);
    expect(f.criticalStepIds).toEqual([]);
  });

  it("before the window, with nothing begun, forecasts from the window start", () => {
    const steps = [step("a", { plannedMinutes: 60 }), step("b", { plannedMinutes: 40, predecessorIds: ["a"] })];
    const f = run(steps, at(-120));
    expect(f.finishAt).toBe(at(100));
    expect(f.slackMinutes).toBe(260);
    expect(f.verdict).toBe("on_track");
  });

  it("before the window, once a window step has begun, forecasts from now", () => {
    const steps = [step("a", { plannedMinutes: 60, status: "IN_PROGRESS", startedAt: iso(-30) }), step("b", { plannedMinutes: 40, predecessorIds: ["a"] })];
    const f = run(steps, at(-20));
    expect(f.finishAt).toBe(at(-20 + 50 + 40));
  });

  it("after the window start, with nothing begun, forecasts from now", () => {
    const steps = [step("a", { plannedMinutes: 60 })];
    expect(run(steps, at(30)).finishAt).toBe(at(90));
  });

  it("in rollback mode forecasts the rollback steps only", () => {
    const steps = [
      step("a", { plannedMinutes: 500, status: "FAILED", startedAt: iso(0) }),
      step("r1", { kind: "ROLLBACK", plannedMinutes: 30, position: 1 }),
      step("r2", { kind: "ROLLBACK", plannedMinutes: 45, position: 2 }),
    ];
    const f = forecastRun({ steps, mode: "ROLLBACK", windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(100) });
    expect(f).toEqual({ finishAt: at(175), remainingMinutes: 75, slackMinutes: 185, verdict: "on_track", criticalStepIds: ["r1", "r2"] });
    const done = steps.map((s) => (s.kind === "ROLLBACK" ? { ...s, status: "DONE" as const } : s));
    expect(forecastRun({ steps: done, mode: "ROLLBACK", windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(100) }).verdict).toBe("finished");
  });
});

describe("rollbackDeadline", () => {
  // Rollback: 15 + 20 + 60 = 95 minutes → deadline = window end − 95 min = window start + 265 min.
  const rollbackSteps = [step("r1", { kind: "ROLLBACK", plannedMinutes: 15 }), step("r2", { kind: "ROLLBACK", plannedMinutes: 20 }), step("r3", { kind: "ROLLBACK", plannedMinutes: 60 })];
  const forward = (gateStatus: ForecastStep["status"] = "PENDING") => [
    step("w1", { plannedMinutes: 60, status: "DONE", startedAt: iso(0) }),
    step("gate", { kind: "GATE", plannedMinutes: 10, status: gateStatus }),
    step("w2", { plannedMinutes: 60 }),
  ];
  const deadlineAt = at(265);
  const check = (minutesBeforeDeadline: number, gateStatus: ForecastStep["status"] = "PENDING") =>
    rollbackDeadline({ steps: [...forward(gateStatus), ...rollbackSteps], windowEnd: WINDOW_END, now: deadlineAt - minutesBeforeDeadline * MIN, mode: "FORWARD" });

  it("is window end minus the rollback steps' planned minutes", () => {
    expect(check(100)).toEqual({ deadline: deadlineAt, rollbackMinutes: 95, minutesLeft: 100, level: "ok" });
  });

  it("warns 30 minutes, then 10 minutes before the deadline", () => {
    expect(check(31).level).toBe("ok");
    expect(check(30).level).toBe("warn_30");
    expect(check(11).level).toBe("warn_30");
    expect(check(10).level).toBe("warn_10");
    expect(check(0.5).level).toBe("warn_10");
  });

  it("passed once the deadline is reached; passed_gate_open while a gate is still undecided", () => {
    expect(check(0, "DONE")).toMatchObject({ minutesLeft: 0, level: "passed" });
    expect(check(-5, "DONE")).toMatchObject({ minutesLeft: -5, level: "passed" });
    expect(check(-5, "PENDING").level).toBe("passed_gate_open");
    expect(check(-5, "IN_PROGRESS").level).toBe("passed_gate_open");
  });

  it("none in rollback mode", () => {
    const r = rollbackDeadline({ steps: [...forward(), ...rollbackSteps], windowEnd: WINDOW_END, now: at(0), mode: "ROLLBACK" });
    expect(r).toEqual({ deadline: null, rollbackMinutes: 95, minutesLeft: null, level: "none" });
  });

  it("none without rollback steps", () => {
    const r = rollbackDeadline({ steps: forward(), windowEnd: WINDOW_END, now: at(0), mode: "FORWARD" });
    expect(r).toEqual({ deadline: null, rollbackMinutes: 0, minutesLeft: null, level: "none" });
  });

  it("none once every forward window step is finished, even past the deadline", () => {
    const steps = [
      step("w1", { status: "DONE", startedAt: iso(0) }),
      step("gate", { kind: "GATE", status: "DONE" }),
      step("w2", { status: "SKIPPED" }),
      step("after", { inWindow: false }), // out-of-window work doesn't hold the deadline open
      ...rollbackSteps,
    ];
    const r = rollbackDeadline({ steps, windowEnd: WINDOW_END, now: at(300), mode: "FORWARD" });
    expect(r.level).toBe("none");
    expect(r.deadline).toBe(deadlineAt);
  });
});
