/**
 * lib/dashboard/metrics.ts: every figure of the PM dashboard, on fixed data with a fixed clock.
 */
import { describe, expect, it } from "vitest";
import {
  actualMinutes,
  burndown,
  compareRuns,
  phaseProgress,
  skippedAndFailed,
  timelineBars,
  varianceRows,
  workload,
  type MetricStep,
} from "@/lib/dashboard/metrics";

const MIN = 60_000;
const WINDOW_START = Date.parse("2026-11-28T12:00:00.000Z");
const WINDOW_END = WINDOW_START + 360 * MIN;
const at = (m: number) => WINDOW_START + m * MIN;
const iso = (m: number) => new Date(at(m)).toISOString();

let counter = 0;
function ms(id: string, overrides: Partial<MetricStep> = {}): MetricStep {
  counter++;
  return {
    id,
    number: String(counter),
    title: `Step ${id}`,
    phaseId: "p1",
    kind: "TASK",
    team: "BA",
    assigneeName: null,
    plannedMinutes: 10,
    status: "PENDING",
    startedAt: null,
    finishedAt: null,
    reason: "",
    inWindow: true,
    predecessorIds: [],
    ...overrides,
  };
}

describe("actualMinutes", () => {
  const now = at(100);
  it("finished: finish − start", () => {
    expect(actualMinutes(ms("a", { status: "DONE", startedAt: iso(10), finishedAt: iso(55) }), now)).toBe(45);
  });
  it("running: now − start", () => {
    expect(actualMinutes(ms("a", { status: "IN_PROGRESS", startedAt: iso(70) }), now)).toBe(30);
  });
  it("not started: null", () => {
    expect(actualMinutes(ms("a"), now)).toBeNull();
  });
  it("never negative, even with a finish before the start", () => {
    expect(actualMinutes(ms("a", { status: "DONE", startedAt: iso(50), finishedAt: iso(40) }), now)).toBe(0);
  });
});

describe("phaseProgress", () => {
  const phases = [
    { id: "p1", title: "Prepare" },
    { id: "p2", title: "Cutover" },
    { id: "p3", title: "Milestones" },
    { id: "p4", title: "Empty" },
  ];
  const steps = [
    ms("a", { phaseId: "p1", plannedMinutes: 60, status: "DONE" }),
    ms("b", { phaseId: "p1", plannedMinutes: 30, status: "SKIPPED" }),
    ms("c", { phaseId: "p1", plannedMinutes: 10, status: "FAILED" }),
    ms("d", { phaseId: "p1", plannedMinutes: 0, status: "PENDING" }),
    ms("e", { phaseId: "p2", plannedMinutes: 20, status: "DONE" }),
    ms("f", { phaseId: "p2", plannedMinutes: 40, status: "IN_PROGRESS" }),
    ms("g", { phaseId: "p2", plannedMinutes: 0, status: "DONE" }),
    ms("h", { phaseId: "p3", plannedMinutes: 0, status: "DONE" }),
    ms("i", { phaseId: "p3", plannedMinutes: 0, status: "SKIPPED" }),
  ];
  const rows = phaseProgress(phases, steps);

  it("one row per phase, in the phases' order", () => {
    expect(rows.map((r) => r.phaseId)).toEqual(["p1", "p2", "p3", "p4"]);
    expect(rows.map((r) => r.title)).toEqual(["Prepare", "Cutover", "Milestones", "Empty"]);
  });
  it("weighs by planned minutes; done and skipped count, failed doesn't", () => {
    expect(rows[0]).toEqual({ phaseId: "p1", title: "Prepare", doneMinutes: 90, totalMinutes: 100, percent: 90, stepsClosed: 3, stepCount: 4, ran: true });
  });
  it("rounds the percent down", () => {
    expect(rows[1]).toMatchObject({ doneMinutes: 20, totalMinutes: 60, percent: 33, stepsClosed: 2, stepCount: 3 });
  });
  it("a phase of 0-minute steps is 100% once they're all finished, 0% otherwise", () => {
    expect(rows[2]).toMatchObject({ totalMinutes: 0, percent: 100, stepsClosed: 2, stepCount: 2 });
    const pending = phaseProgress([{ id: "p3", title: "M" }], [ms("x", { phaseId: "p3", plannedMinutes: 0, status: "DONE" }), ms("y", { phaseId: "p3", plannedMinutes: 0 })]);
    expect(pending[0].percent).toBe(0);
  });
  it("an empty phase is 0%", () => {
    expect(rows[3]).toEqual({ phaseId: "p4", title: "Empty", doneMinutes: 0, totalMinutes: 0, percent: 0, stepsClosed: 0, stepCount: 0, ran: false });
  });
  it("a phase ran once any of its steps left pending; an ended run shows the others as not run", () => {
    const only = phaseProgress([{ id: "p5", title: "After the cutover" }, { id: "p6", title: "Started" }], [ms("j", { phaseId: "p5", plannedMinutes: 30 }), ms("k", { phaseId: "p6", plannedMinutes: 30, status: "IN_PROGRESS" })]);
    expect(only.map((r) => [r.title, r.ran, r.percent])).toEqual([
      ["After the cutover", false, 0],
      ["Started", true, 0],
    ]);
  });
});

describe("varianceRows", () => {
  const now = at(100);
  const steps = [
    ms("x", { plannedMinutes: 30, status: "DONE", startedAt: iso(0), finishedAt: iso(50) }), // +20
    ms("y", { plannedMinutes: 10, status: "DONE", startedAt: iso(0), finishedAt: iso(5) }), // −5
    ms("z", { plannedMinutes: 20, status: "IN_PROGRESS", startedAt: iso(40) }), // running 60 so far: +40
    ms("w", { plannedMinutes: 5 }), // not started
    ms("v", { plannedMinutes: 10, status: "DONE", startedAt: iso(10), finishedAt: iso(20) }), // exactly on plan
    ms("u", { plannedMinutes: 5, status: "FAILED", startedAt: iso(60), finishedAt: iso(75) }), // +10
  ];

  it("only overruns, largest first, running steps counting their time so far", () => {
    const rows = varianceRows(steps, now);
    expect(rows.map((r) => [r.id, r.actualMinutes, r.varianceMinutes])).toEqual([
      ["z", 60, 40],
      ["x", 50, 20],
      ["u", 15, 10],
    ]);
    expect(rows[0]).toEqual({ id: "z", number: steps[2].number, title: "Step z", status: "IN_PROGRESS", plannedMinutes: 20, actualMinutes: 60, varianceMinutes: 40 });
  });

  it("a running step's variance grows with the clock", () => {
    expect(varianceRows([steps[2]], at(70))[0].varianceMinutes).toBe(10);
    expect(varianceRows([steps[2]], at(50))).toEqual([]); // 10 of its 20 minutes: no overrun yet
  });

  it("respects the limit (default 10)", () => {
    expect(varianceRows(steps, now, 2).map((r) => r.id)).toEqual(["z", "x"]);
    const many = Array.from({ length: 12 }, (_, i) => ms(`m${i}`, { plannedMinutes: 1, status: "DONE", startedAt: iso(0), finishedAt: iso(2 + i) }));
    const rows = varianceRows(many, now);
    expect(rows).toHaveLength(10);
    expect(rows[0].id).toBe("m11");
    expect(rows[9].id).toBe("m2");
  });
});

describe("burndown", () => {
  const steps = [
    ms("early", { plannedMinutes: 60, status: "DONE", startedAt: iso(-90), finishedAt: iso(-30) }), // finished before the window
    ms("b", { plannedMinutes: 30, status: "DONE", startedAt: iso(0), finishedAt: iso(40) }),
    ms("c", { plannedMinutes: 20, status: "SKIPPED", startedAt: iso(40), finishedAt: iso(40) }),
    ms("d", { plannedMinutes: 50, status: "IN_PROGRESS", startedAt: iso(40) }),
    ms("e", { plannedMinutes: 40, status: "FAILED", startedAt: iso(45), finishedAt: iso(60) }),
    ms("prep", { plannedMinutes: 100, status: "DONE", inWindow: false, startedAt: iso(-500), finishedAt: iso(-400) }),
    ms("r1", { plannedMinutes: 70, kind: "ROLLBACK" }),
  ];

  it("starts at the in-window total at window start and drops by planned minutes at each finish", () => {
    const onTime = steps.slice(1);
    const b = burndown({ steps: onTime, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(100) });
    expect(b.totalMinutes).toBe(140); // b + c + d + e; out-of-window and rollback steps don't count
    expect(b.actual).toEqual([
      { at: at(0), remainingMinutes: 140 },
      { at: at(40), remainingMinutes: 90 }, // b and c finished at the same moment: one point
      { at: at(100), remainingMinutes: 90 }, // carried to now; failed e and running d still remain
    ]);
    expect(b.remainingMinutes).toBe(90);
    expect(b.timeLeftMinutes).toBe(260);
  });

  it("clamps finishes before the window start to the window start", () => {
    const b = burndown({ steps, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(100) });
    expect(b.totalMinutes).toBe(200);
    expect(b.actual).toEqual([
      { at: at(0), remainingMinutes: 140 },
      { at: at(40), remainingMinutes: 90 },
      { at: at(100), remainingMinutes: 90 },
    ]);
    expect(Math.min(...b.actual.map((p) => p.at))).toBe(WINDOW_START);
  });

  it("the ideal line runs from the total at window start to zero at window end", () => {
    const b = burndown({ steps, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(100) });
    expect(b.ideal).toEqual([
      { at: WINDOW_START, remainingMinutes: 200 },
      { at: WINDOW_END, remainingMinutes: 0 },
    ]);
  });

  it("before the window: a single point at the window start", () => {
    const pending = [ms("a", { plannedMinutes: 30 }), ms("b", { plannedMinutes: 45 })];
    const b = burndown({ steps: pending, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(-60) });
    expect(b.actual).toEqual([{ at: WINDOW_START, remainingMinutes: 75 }]);
    expect(b.remainingMinutes).toBe(75);
  });

  it("inside the window: time left is window end − now", () => {
    expect(burndown({ steps, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(0) }).timeLeftMinutes).toBe(360);
    expect(burndown({ steps, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(359.5) }).timeLeftMinutes).toBe(0.5);
  });

  // Regression (fixed): before the window opens, timeLeftMinutes is windowEnd − now, which
  // counts the wait before the window; the dashboard shows it as "Time left in window" (7 h for a
  // 6-hour window an hour before it opens).
  it("before the window: time left in the window is the whole window, not more", () => {
    const b = burndown({ steps, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(-60) });
    expect(b.timeLeftMinutes).toBe(360);
  });

  it("after the window end: carried to now, no time left", () => {
    const b = burndown({ steps: steps.slice(1), windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(400) });
    expect(b.actual[b.actual.length - 1]).toEqual({ at: at(400), remainingMinutes: 90 });
    expect(b.timeLeftMinutes).toBe(0);
  });

  it("reaches zero when everything in the window is finished", () => {
    const done = [ms("a", { plannedMinutes: 30, status: "DONE", startedAt: iso(0), finishedAt: iso(30) }), ms("b", { plannedMinutes: 45, status: "DONE", startedAt: iso(30), finishedAt: iso(80) })];
    const b = burndown({ steps: done, windowStart: WINDOW_START, windowEnd: WINDOW_END, now: at(80) });
    expect(b.actual).toEqual([
      { at: at(0), remainingMinutes: 75 },
      { at: at(30), remainingMinutes: 45 },
      { at: at(80), remainingMinutes: 0 },
    ]);
    expect(b.remainingMinutes).toBe(0);
  });
});

describe("workload", () => {
  const steps = [
    ms("a", { team: "BA", assigneeName: "Ann", plannedMinutes: 60, status: "DONE" }),
    ms("b", { team: "BA", assigneeName: null, plannedMinutes: 30, status: "PENDING" }),
    ms("c", { team: "", assigneeName: null, plannedMinutes: 20, status: "SKIPPED" }),
    ms("d", { team: "NW", assigneeName: "Ann", plannedMinutes: 90, status: "FAILED" }),
  ];
  const w = workload(steps);

  it("groups by team, with 'No team' for steps without one; most planned minutes first, then by name", () => {
    expect(w.byTeam).toEqual([
      { name: "BA", plannedMinutes: 90, doneMinutes: 60, steps: 2, open: 1 },
      { name: "NW", plannedMinutes: 90, doneMinutes: 0, steps: 1, open: 1 },
      { name: "No team", plannedMinutes: 20, doneMinutes: 20, steps: 1, open: 0 },
    ]);
  });

  it("groups by assignee, with 'Unassigned' for steps without one", () => {
    expect(w.byAssignee).toEqual([
      { name: "Ann", plannedMinutes: 150, doneMinutes: 60, steps: 2, open: 1 },
      { name: "Unassigned", plannedMinutes: 50, doneMinutes: 20, steps: 2, open: 1 },
    ]);
  });

  it("is empty for no steps", () => {
    expect(workload([])).toEqual({ byTeam: [], byAssignee: [] });
  });
});

describe("skippedAndFailed", () => {
  it("lists skipped and failed steps with their reasons, in plan order", () => {
    const steps = [
      ms("a", { status: "DONE" }),
      ms("b", { status: "FAILED", reason: "Robot not visible" }),
      ms("c", { status: "PENDING" }),
      ms("d", { status: "SKIPPED", reason: "Not needed on 8.x" }),
      ms("e", { status: "IN_PROGRESS" }),
    ];
    expect(skippedAndFailed(steps)).toEqual([
      { id: "b", number: steps[1].number, title: "Step b", status: "FAILED", reason: "Robot not visible" },
      { id: "d", number: steps[3].number, title: "Step d", status: "SKIPPED", reason: "Not needed on 8.x" },
    ]);
  });
});

describe("timelineBars", () => {
  const steps = [
    ms("prep", { number: "1", plannedMinutes: 240, inWindow: false }),
    ms("s1", { number: "2", title: "Stop", plannedMinutes: 20, predecessorIds: ["prep"], status: "DONE", startedAt: iso(5), finishedAt: iso(25) }),
    ms("s2", { number: "3", title: "Copy", plannedMinutes: 30, predecessorIds: ["s1"], status: "IN_PROGRESS", startedAt: iso(25) }),
    ms("s3", { number: "4", title: "Recable", plannedMinutes: 60, predecessorIds: ["s1"] }),
    ms("s4", { number: "5", title: "Start", plannedMinutes: 10, predecessorIds: ["s2", "s3"] }),
    ms("r1", { number: "R1", plannedMinutes: 15, kind: "ROLLBACK" }),
  ];
  const bars = timelineBars({ steps, windowStart: WINDOW_START, now: at(70), criticalIds: new Set(["s1", "s3", "s4"]) });

  it("covers the in-window forward steps only", () => {
    expect(bars.map((b) => b.id)).toEqual(["s1", "s2", "s3", "s4"]);
    expect(bars[0].label).toBe("2. Stop");
  });

  it("schedules planned bars by predecessors, so parallel branches overlap", () => {
    expect(bars.map((b) => b.planned)).toEqual([
      [0, 20], // its only predecessor is outside the window
      [20, 50],
      [20, 80], // parallel to s2
      [80, 90], // after the later of s2 and s3
    ]);
  });

  it("adds the rollback steps that ran, planned from their own start", () => {
    const rolledBack = timelineBars({
      steps: [...steps, ms("r2", { number: "R2", title: "Restart old master", plannedMinutes: 20, kind: "ROLLBACK", status: "DONE", startedAt: iso(40), finishedAt: iso(65) })],
      windowStart: WINDOW_START,
      now: at(70),
      criticalIds: new Set(),
    });
    expect(rolledBack.map((b) => b.id)).toEqual(["s1", "s2", "s3", "s4", "r2"]);
    expect(rolledBack.at(-1)).toMatchObject({ label: "R2. Restart old master", planned: [40, 60], actual: [40, 65] });
  });

  it("actual bars: start to finish, or to now while running; none before a start", () => {
    expect(bars.map((b) => b.actual)).toEqual([[5, 25], [25, 70], null, null]);
    expect(bars.map((b) => b.status)).toEqual(["DONE", "IN_PROGRESS", "PENDING", "PENDING"]);
  });

  it("flags the critical steps", () => {
    expect(bars.map((b) => b.critical)).toEqual([true, false, true, true]);
  });

  // Regression (fixed): planned starts depend on the order the steps are passed in. A step
  // listed before its predecessor (the plan allows predecessors further down the plan) is
  // scheduled at minute 0.
  it("schedules a step after its predecessor even when the predecessor is listed later", () => {
    const reordered = [steps[4], steps[1], steps[2], steps[3]];
    const out = timelineBars({ steps: reordered, windowStart: WINDOW_START, now: at(70), criticalIds: new Set() });
    expect(out.find((b) => b.id === "s4")!.planned).toEqual([80, 90]);
  });
});

describe("compareRuns", () => {
  const now = at(100);
  const plan = [
    { id: "a", number: "1", title: "A", plannedMinutes: 30 },
    { id: "b", number: "2", title: "B", plannedMinutes: 20 },
    { id: "c", number: "3", title: "C", plannedMinutes: 10 },
    { id: "d", number: "4", title: "D", plannedMinutes: 5 },
  ];
  const left = new Map([
    ["a", ms("a", { status: "DONE", startedAt: iso(0), finishedAt: iso(35) })],
    ["b", ms("b", { status: "IN_PROGRESS", startedAt: iso(85) })],
    ["d", ms("d")],
  ]);
  const right = new Map([
    ["a", ms("a", { status: "DONE", startedAt: iso(0), finishedAt: iso(25) })],
    ["c", ms("c", { status: "DONE", startedAt: iso(30), finishedAt: iso(35) })],
  ]);
  const result = compareRuns({ steps: plan, left, right, now });

  it("puts each step's actual minutes side by side (null where not started or absent)", () => {
    expect(result.rows).toEqual([
      { id: "a", number: "1", title: "A", plannedMinutes: 30, leftMinutes: 35, rightMinutes: 25 },
      { id: "b", number: "2", title: "B", plannedMinutes: 20, leftMinutes: 15, rightMinutes: null },
      { id: "c", number: "3", title: "C", plannedMinutes: 10, leftMinutes: null, rightMinutes: 5 },
      { id: "d", number: "4", title: "D", plannedMinutes: 5, leftMinutes: null, rightMinutes: null },
    ]);
  });

  it("totals planned and actual minutes per side", () => {
    expect(result.totals).toEqual({ plannedMinutes: 65, leftMinutes: 50, rightMinutes: 30 });
  });
});
