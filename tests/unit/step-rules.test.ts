import { describe, expect, it } from "vitest";
import {
  STEP_ACTIONS,
  STEP_STATUSES,
  blockedReason,
  checkTransition,
  isClosed,
  isFinished,
  progressByPlannedMinutes,
  rollbackOrder,
  runOutcome,
  stepsInScope,
  type RuleStep,
  type RunModeName,
  type RunStatusName,
  type StepAction,
  type StepStatusName,
} from "@/lib/runs/model";

describe("checkTransition", () => {
  // The full state machine, written out independently of the module's tables.
  const expected: Record<StepAction, Partial<Record<StepStatusName, StepStatusName>>> = {
    start: { PENDING: "IN_PROGRESS", FAILED: "IN_PROGRESS" },
    done: { PENDING: "DONE", IN_PROGRESS: "DONE" },
    skip: { PENDING: "SKIPPED", IN_PROGRESS: "SKIPPED" },
    fail: { PENDING: "FAILED", IN_PROGRESS: "FAILED" },
  };

  const cases = STEP_ACTIONS.flatMap((action) => STEP_STATUSES.map((from) => ({ action, from, to: expected[action][from] })));

  it("covers 4 actions x 5 statuses", () => {
    expect(cases).toHaveLength(20);
  });

  it.each(cases)("$action from $from → $to", ({ action, from, to }) => {
    const result = checkTransition({ from, action, reason: "a real reason" });
    if (to) {
      expect(result).toEqual({ ok: true, to });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(new RegExp(`^Can't ${action} a step that is `));
    }
  });

  it("names the current status in the refusal message", () => {
    expect(checkTransition({ from: "DONE", action: "start" })).toEqual({ ok: false, message: "Can't start a step that is done." });
    expect(checkTransition({ from: "IN_PROGRESS", action: "start" })).toEqual({ ok: false, message: "Can't start a step that is in progress." });
  });

  it.each(["skip", "fail"] as const)("%s requires a reason (missing, empty, whitespace-only)", (action) => {
    for (const reason of [undefined, "", "   ", "\t\n  "]) {
      const result = checkTransition({ from: "PENDING", action, reason });
      expect(result, `reason ${JSON.stringify(reason)}`).toEqual({ ok: false, message: `A reason is required to ${action} a step.` });
    }
    expect(checkTransition({ from: "IN_PROGRESS", action, reason: "  disk full  " })).toEqual({
      ok: true,
      to: action === "skip" ? "SKIPPED" : "FAILED",
    });
  });

  it("the reason check comes before the status check for skip/fail", () => {
    expect(checkTransition({ from: "DONE", action: "skip" })).toEqual({ ok: false, message: "A reason is required to skip a step." });
  });

  it("start and done need no reason", () => {
    expect(checkTransition({ from: "PENDING", action: "start" })).toEqual({ ok: true, to: "IN_PROGRESS" });
    expect(checkTransition({ from: "IN_PROGRESS", action: "done", reason: "   " })).toEqual({ ok: true, to: "DONE" });
  });
});

describe("isFinished / isClosed", () => {
  it("finished is DONE or SKIPPED; closed also includes FAILED", () => {
    expect(STEP_STATUSES.filter(isFinished)).toEqual(["DONE", "SKIPPED"]);
    expect(STEP_STATUSES.filter(isClosed)).toEqual(["DONE", "SKIPPED", "FAILED"]);
  });
});

describe("blockedReason", () => {
  const step = (id: string, kind: RuleStep["kind"], position: number, predecessorIds: string[] = []): RuleStep => ({
    id,
    title: `Step ${id}`,
    kind,
    position,
    predecessorIds,
  });
  const a = step("a", "TASK", 1);
  const b = step("b", "TASK", 2);
  const c = step("c", "GATE", 3, ["a", "b"]);
  const r1 = step("r1", "ROLLBACK", 10);
  const r2 = step("r2", "ROLLBACK", 11);
  const r3 = step("r3", "ROLLBACK", 12);
  // Deliberately out of plan order, so the rule must sort by position.
  const steps = [r3, c, r1, b, a, r2];

  const check = (
    target: RuleStep,
    statuses: Record<string, StepStatusName>,
    mode: RunModeName = "FORWARD",
    runStatus: RunStatusName = "ACTIVE",
  ) => blockedReason({ step: target, steps, statusOf: (id) => statuses[id] ?? "PENDING", mode, runStatus });

  it("a step without predecessors may start", () => {
    expect(check(a, {})).toBeNull();
  });

  it("lists every unfinished predecessor by title", () => {
    expect(check(c, {})).toBe('Waiting for "Step a", "Step b".');
    expect(check(c, { a: "DONE", b: "IN_PROGRESS" })).toBe('Waiting for "Step b".');
    expect(check(c, { a: "FAILED", b: "DONE" })).toBe('Waiting for "Step a".');
  });

  it("skipped predecessors count as finished", () => {
    expect(check(c, { a: "SKIPPED", b: "DONE" })).toBeNull();
  });

  it("falls back to the id for a predecessor not in the step list", () => {
    const orphan = step("o", "TASK", 5, ["ghost"]);
    expect(check(orphan, {})).toBe('Waiting for "ghost".');
  });

  it.each(["COMPLETED", "ROLLED_BACK", "ABORTED"] as const)("nothing can start when the run is %s", (runStatus) => {
    expect(check(a, {}, "FORWARD", runStatus)).toBe("This run has ended.");
    expect(check(r1, {}, "ROLLBACK", runStatus)).toBe("This run has ended.");
  });

  it("rollback steps are blocked in FORWARD mode even with everything done", () => {
    const allDone = Object.fromEntries(steps.map((s) => [s.id, "DONE" as const]));
    expect(check(r1, allDone, "FORWARD")).toBe("Rollback steps run only after a No-Go decision.");
  });

  it("rollback steps run one after another in plan order", () => {
    expect(check(r1, {}, "ROLLBACK")).toBeNull();
    expect(check(r2, {}, "ROLLBACK")).toBe('Waiting for rollback step "Step r1".');
    // The first unfinished earlier step is named, not any later one.
    expect(check(r3, {}, "ROLLBACK")).toBe('Waiting for rollback step "Step r1".');
    expect(check(r3, { r1: "DONE" }, "ROLLBACK")).toBe('Waiting for rollback step "Step r2".');
    expect(check(r3, { r1: "DONE", r2: "IN_PROGRESS" }, "ROLLBACK")).toBe('Waiting for rollback step "Step r2".');
    expect(check(r3, { r1: "SKIPPED", r2: "DONE" }, "ROLLBACK")).toBeNull();
    // A failed earlier rollback step still blocks.
    expect(check(r2, { r1: "FAILED" }, "ROLLBACK")).toBe('Waiting for rollback step "Step r1".');
  });

  it("forward steps are blocked in ROLLBACK mode even without predecessors", () => {
    expect(check(a, {}, "ROLLBACK")).toBe("The run is rolling back; only rollback steps can run.");
    expect(check(c, { a: "DONE", b: "DONE" }, "ROLLBACK")).toBe("The run is rolling back; only rollback steps can run.");
  });
});

describe("rollbackOrder", () => {
  it("keeps only rollback steps, sorted by position, without mutating the input", () => {
    const input = [
      { id: "x", kind: "ROLLBACK", position: 3 },
      { id: "t", kind: "TASK", position: 0 },
      { id: "y", kind: "ROLLBACK", position: 1 },
    ];
    const copy = structuredClone(input);
    expect(rollbackOrder(input).map((s) => s.id)).toEqual(["y", "x"]);
    expect(input).toEqual(copy);
  });
});

describe("stepsInScope", () => {
  const steps = [
    { id: "t", kind: "TASK" },
    { id: "g", kind: "GATE" },
    { id: "m", kind: "MILESTONE" },
    { id: "r1", kind: "ROLLBACK" },
    { id: "r2", kind: "ROLLBACK" },
  ];
  it("FORWARD: every non-rollback step", () => {
    expect(stepsInScope(steps, "FORWARD").map((s) => s.id)).toEqual(["t", "g", "m"]);
  });
  it("ROLLBACK: only rollback steps", () => {
    expect(stepsInScope(steps, "ROLLBACK").map((s) => s.id)).toEqual(["r1", "r2"]);
  });
  it("empty in, empty out", () => {
    expect(stepsInScope([], "FORWARD")).toEqual([]);
  });
});

describe("progressByPlannedMinutes", () => {
  it("weights by planned minutes, not by step count", () => {
    // One of four steps is done, but it is 150 of 180 minutes.
    const result = progressByPlannedMinutes([
      { plannedMinutes: 150, status: "DONE" },
      { plannedMinutes: 10, status: "PENDING" },
      { plannedMinutes: 10, status: "PENDING" },
      { plannedMinutes: 10, status: "PENDING" },
    ]);
    expect(result).toEqual({ doneMinutes: 150, totalMinutes: 180, percent: 83 });
  });

  it("counts SKIPPED as finished but not IN_PROGRESS or FAILED", () => {
    const result = progressByPlannedMinutes([
      { plannedMinutes: 30, status: "SKIPPED" },
      { plannedMinutes: 30, status: "IN_PROGRESS" },
      { plannedMinutes: 30, status: "FAILED" },
      { plannedMinutes: 10, status: "DONE" },
    ]);
    expect(result).toEqual({ doneMinutes: 40, totalMinutes: 100, percent: 40 });
  });

  it("rounds down, so 100% means everything is finished", () => {
    const result = progressByPlannedMinutes([
      { plannedMinutes: 999, status: "DONE" },
      { plannedMinutes: 1, status: "PENDING" },
    ]);
    expect(result.percent).toBe(99);
  });

  it("zero-minute steps add no weight", () => {
    expect(
      progressByPlannedMinutes([
        { plannedMinutes: 0, status: "PENDING" },
        { plannedMinutes: 20, status: "DONE" },
      ]),
    ).toEqual({ doneMinutes: 20, totalMinutes: 20, percent: 100 });
  });

  it("all zero-minute steps: 100% only when all are finished", () => {
    expect(
      progressByPlannedMinutes([
        { plannedMinutes: 0, status: "DONE" },
        { plannedMinutes: 0, status: "SKIPPED" },
      ]),
    ).toEqual({ doneMinutes: 0, totalMinutes: 0, percent: 100 });
    expect(
      progressByPlannedMinutes([
        { plannedMinutes: 0, status: "DONE" },
        { plannedMinutes: 0, status: "PENDING" },
      ]).percent,
    ).toBe(0);
  });

  it("no steps: 0%", () => {
    expect(progressByPlannedMinutes([])).toEqual({ doneMinutes: 0, totalMinutes: 0, percent: 0 });
  });
});

describe("runOutcome", () => {
  it("stays ACTIVE while any step in scope is unfinished", () => {
    expect(runOutcome({ mode: "FORWARD", inScope: 30, unfinished: 1 })).toBe("ACTIVE");
    expect(runOutcome({ mode: "ROLLBACK", inScope: 5, unfinished: 5 })).toBe("ACTIVE");
  });
  it("stays ACTIVE with an empty scope", () => {
    expect(runOutcome({ mode: "FORWARD", inScope: 0, unfinished: 0 })).toBe("ACTIVE");
    expect(runOutcome({ mode: "ROLLBACK", inScope: 0, unfinished: 0 })).toBe("ACTIVE");
  });
  it("COMPLETED in FORWARD mode, ROLLED_BACK in ROLLBACK mode once all are done or skipped", () => {
    expect(runOutcome({ mode: "FORWARD", inScope: 30, unfinished: 0 })).toBe("COMPLETED");
    expect(runOutcome({ mode: "ROLLBACK", inScope: 5, unfinished: 0 })).toBe("ROLLED_BACK");
  });
});
