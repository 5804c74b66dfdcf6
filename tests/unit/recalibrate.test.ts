import { describe, expect, it } from "vitest";
// The maths is pure (lib/recalibrate/model.ts): no database is opened.
import { actualMinutes, medianMinutes, outlierReason, planRecalibration, proposeMinutes, windowEffect, type ComparisonStep, type RecalibrationStepInput } from "@/lib/recalibrate/model";

const at = (minutes: number, seconds = 0) => new Date(Date.UTC(2026, 10, 28, 8, 0, 0) + minutes * 60_000 + seconds * 1000);

describe("actualMinutes", () => {
  it("is the whole minutes between start and finish of a DONE step", () => {
    expect(actualMinutes({ status: "DONE", startedAt: at(0), finishedAt: at(42) })).toBe(42);
    expect(actualMinutes({ status: "DONE", startedAt: at(0), finishedAt: at(42, 29) })).toBe(42);
    expect(actualMinutes({ status: "DONE", startedAt: at(0), finishedAt: at(42, 30) })).toBe(43);
    expect(actualMinutes({ status: "DONE", startedAt: at(0).toISOString(), finishedAt: at(5).toISOString() })).toBe(5);
  });

  it("is at least 1 for a step that took time", () => {
    expect(actualMinutes({ status: "DONE", startedAt: at(0), finishedAt: at(0, 10) })).toBe(1);
  });

  it("is null for a step signed off without being started, and for skipped, failed or unfinished steps", () => {
    expect(actualMinutes({ status: "DONE", startedAt: at(3), finishedAt: at(3) })).toBeNull();
    expect(actualMinutes({ status: "SKIPPED", startedAt: at(0), finishedAt: at(10) })).toBeNull();
    expect(actualMinutes({ status: "FAILED", startedAt: at(0), finishedAt: at(10) })).toBeNull();
    expect(actualMinutes({ status: "IN_PROGRESS", startedAt: at(0), finishedAt: null })).toBeNull();
    expect(actualMinutes({ status: "PENDING", startedAt: null, finishedAt: null })).toBeNull();
  });

  it("is capped at a day, the most a step may be planned for", () => {
    expect(actualMinutes({ status: "DONE", startedAt: at(0), finishedAt: at(3000) })).toBe(1440);
  });
});

describe("medianMinutes", () => {
  it("takes the middle value of an odd count, in any order", () => {
    expect(medianMinutes([40])).toBe(40);
    expect(medianMinutes([50, 30, 40])).toBe(40);
    expect(medianMinutes([9, 1, 5, 7, 3])).toBe(5);
  });

  it("takes the mean of the two middle values of an even count, rounded", () => {
    expect(medianMinutes([30, 40])).toBe(35);
    expect(medianMinutes([30, 41])).toBe(36); // 35.5 rounds up
    expect(medianMinutes([10, 30, 40, 100])).toBe(35);
    expect(medianMinutes([1, 2])).toBe(2);
  });

  it("refuses an empty list", () => {
    expect(() => medianMinutes([])).toThrow();
  });
});

describe("proposeMinutes (samples newest first)", () => {
  it("last: the newest rehearsal's actual, or keep the plan if it didn't measure the step", () => {
    expect(proposeMinutes([50, 30, 40], "last")).toBe(50);
    expect(proposeMinutes([null, 30, 40], "last")).toBeNull();
  });

  it("median and worst: over the rehearsals that measured the step", () => {
    expect(proposeMinutes([50, null, 30, 40], "median")).toBe(40);
    expect(proposeMinutes([50, null, 30], "median")).toBe(40);
    expect(proposeMinutes([50, null, 30, 40], "worst")).toBe(50);
    expect(proposeMinutes([null, null], "median")).toBeNull();
    expect(proposeMinutes([], "worst")).toBeNull();
  });
});

describe("planRecalibration", () => {
  const steps: RecalibrationStepInput[] = [
    { id: "s1", number: "1", title: "Stop", plannedMinutes: 10, version: 1, actuals: { r2: 12, r1: 8 } },
    { id: "s2", number: "2", title: "Copy", plannedMinutes: 150, version: 3, actuals: { r2: 190, r1: 170 } },
    { id: "s3", number: "3", title: "Recable", plannedMinutes: 60, version: 1, actuals: {} },
    { id: "s4", number: "4", title: "Start", plannedMinutes: 10, version: 1, actuals: { r1: 10 } },
  ];

  it("proposes new minutes for measured steps only, with the change and the samples", () => {
    expect(planRecalibration({ steps, runIds: ["r2", "r1"], basis: "median" })).toEqual([
      { stepId: "s2", number: "2", title: "Copy", version: 3, currentMinutes: 150, newMinutes: 180, change: 30, samples: [190, 170] },
    ]);
  });

  it("leaves out steps whose proposal equals the plan, and steps without actuals keep their plan", () => {
    const worst = planRecalibration({ steps, runIds: ["r2", "r1"], basis: "worst" });
    expect(worst.map((r) => [r.stepId, r.newMinutes])).toEqual([
      ["s1", 12],
      ["s2", 190],
    ]);
    expect(worst.some((r) => r.stepId === "s3")).toBe(false);
  });

  it("last uses only the newest chosen rehearsal", () => {
    expect(planRecalibration({ steps, runIds: ["r2", "r1"], basis: "last" }).map((r) => [r.stepId, r.newMinutes])).toEqual([
      ["s1", 12],
      ["s2", 190],
    ]);
    expect(planRecalibration({ steps, runIds: ["r1"], basis: "last" }).map((r) => [r.stepId, r.newMinutes, r.change])).toEqual([
      ["s1", 8, -2],
      ["s2", 170, 20],
    ]);
  });
});

describe("recalibration guards (pure)", () => {
  it("an outlier is a step clicked through in seconds or done in under a fifth of its plan", () => {
    expect(outlierReason({ ms: 20_000, plannedMinutes: 180 })).toBe("clicked-through");
    expect(outlierReason({ ms: 20_000, plannedMinutes: 1 })).toBeNull();
    expect(outlierReason({ ms: 35 * 60_000, plannedMinutes: 180 })).toBe("under-a-fifth");
    expect(outlierReason({ ms: 36 * 60_000, plannedMinutes: 180 })).toBeNull();
    expect(outlierReason({ ms: 400 * 60_000, plannedMinutes: 180 })).toBeNull();
  });

  it("the window effect follows the critical path, not the sum: a longer parallel branch moves it, a shorter one doesn't", () => {
    const step = (id: string, plannedMinutes: number, predecessorIds: string[], inWindow = true): ComparisonStep => ({
      id, number: id, title: id, plannedMinutes, version: 1, actuals: {}, phaseTitle: "Cutover", kind: "TASK", inWindow, predecessorIds,
    });
    // a(30) → b(120) → d(10) and a → c(60) → d: critical path 160.
    const steps = [step("a", 30, []), step("b", 120, ["a"]), step("c", 60, ["a"]), step("d", 10, ["b", "c"]), step("prep", 500, [], false)];
    const row = (stepId: string, current: number, next: number) => ({ stepId, number: stepId, title: stepId, version: 1, currentMinutes: current, newMinutes: next, change: next - current, samples: [next] });
    expect(windowEffect({ steps, rows: [row("c", 60, 100)], windowMinutes: 480 })).toEqual({ windowMinutes: 480, beforeMinutes: 160, afterMinutes: 160 });
    expect(windowEffect({ steps, rows: [row("c", 60, 150)], windowMinutes: 480 })).toEqual({ windowMinutes: 480, beforeMinutes: 160, afterMinutes: 190 });
    expect(windowEffect({ steps, rows: [row("prep", 500, 50)], windowMinutes: 480 })).toEqual({ windowMinutes: 480, beforeMinutes: 160, afterMinutes: 160 });
  });
});
