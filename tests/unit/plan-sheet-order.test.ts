/**
 * The plan sheet's pure helpers: where Move up/down takes a block, what a move does to order
 * links, what a delete does to the steps that waited, and how pasted rows are read.
 */
import { describe, expect, it } from "vitest";
import { readPastedSteps } from "@/lib/plan/paste";
import { moveBlock, newOrderViolations, rethread, shiftTarget, spliceDeleted } from "@/lib/plan/sheet-order";

const phases = [
  { id: "P1", stepIds: ["a", "b", "c"] },
  { id: "P2", stepIds: ["d"] },
];

describe("shiftTarget", () => {
  it("moves a block up and down inside its phase, and across phases at its edges", () => {
    expect(shiftTarget(phases, { moved: ["b"], direction: "up" })).toEqual({ phaseId: "P1", beforeStepId: "a" });
    expect(shiftTarget(phases, { moved: ["a"], direction: "down" })).toEqual({ phaseId: "P1", beforeStepId: "c" });
    expect(shiftTarget(phases, { moved: ["b"], direction: "down" })).toEqual({ phaseId: "P1", beforeStepId: null });
    expect(shiftTarget(phases, { moved: ["c"], direction: "down" })).toEqual({ phaseId: "P2", beforeStepId: "d" });
    expect(shiftTarget(phases, { moved: ["d"], direction: "up" })).toEqual({ phaseId: "P1", beforeStepId: null });
    expect(shiftTarget(phases, { moved: ["a"], direction: "up" })).toBeNull();
    expect(shiftTarget(phases, { moved: ["d"], direction: "down" })).toBeNull();
    expect(shiftTarget(phases, { moved: ["b", "c"], direction: "up" })).toEqual({ phaseId: "P1", beforeStepId: "a" });
  });

  it("moveBlock refuses a target outside the phase", () => {
    expect(() => moveBlock(phases, { moved: ["a"], phaseId: "P2", beforeStepId: "b" })).toThrow("The step to move before is not in that phase.");
    expect(moveBlock(phases, { moved: ["a"], phaseId: "P2", beforeStepId: null })).toEqual([
      { id: "P1", stepIds: ["b", "c"] },
      { id: "P2", stepIds: ["d", "a"] },
    ]);
  });
});

describe("rethread and violations", () => {
  const deps = new Map<string, string[]>([
    ["a", []],
    ["b", ["a"]],
    ["c", ["b"]],
    ["d", ["c", "a"]],
  ]);
  it("order links follow the new order; explicit links stay", () => {
    const next = rethread({ before: ["a", "b", "c", "d"], after: ["a", "c", "b", "d"], deps });
    // d followed c, the row above it; now b is the row above it.
    expect(Object.fromEntries(next)).toEqual({ a: [], c: ["a"], b: ["c"], d: ["a", "b"] });
  });
  it("a step placed above an explicit predecessor is a violation", () => {
    const before = ["a", "b", "c", "d"];
    const after = ["d", "a", "b", "c"];
    const next = rethread({ before, after, deps });
    expect(newOrderViolations({ before, after, oldDeps: deps, newDeps: next })).toEqual([["d", "a"]]);
  });
  it("a delete hands the deleted step's predecessors to the steps that waited for it", () => {
    expect(Object.fromEntries(spliceDeleted(deps, new Set(["b", "c"])))).toEqual({ a: [], d: ["a"] });
  });
});

describe("readPastedSteps", () => {
  const users = [
    { id: "u1", name: "Olivia Operator", email: "olivia@example.test" },
    { id: "u2", name: "Otto Operator" },
  ];
  it("reads rows without a header in the table's column order, owners by name or email", () => {
    const read = readPastedSteps({ text: "Stop\tOS\tolivia operator\t15\r\nStart\tOS\tOLIVIA@example.test\t\r\n", users });
    expect(read.hasHeader).toBe(false);
    expect(read.errors).toEqual([]);
    expect(read.steps.map((s) => [s.title, s.team, s.assigneeId, s.plannedMinutes, s.estimated, s.predecessorRows])).toEqual([
      ["Stop", "OS", "u1", 15, true, []],
      ["Start", "OS", "u1", 0, false, [1]],
    ]);
  });
  it("uses a header row when there is one, and names row and column of a problem", () => {
    const read = readPastedSteps({ text: "Task\tOwner\nPing\tNobody\n", users });
    expect(read.hasHeader).toBe(true);
    expect(read.errors).toEqual([{ row: 1, column: "Owner", message: 'No active user is called "Nobody" (or has that email).' }]);
    expect(read.steps).toEqual([]);
  });
  it("an email it can't check is left to the server when asked", () => {
    const read = readPastedSteps({ text: "Ping\t\tsomeone@example.test\t5\n", users: users.map(({ id, name }) => ({ id, name })), emailsCheckedLater: true });
    expect(read.errors).toEqual([]);
    expect(read.steps[0]).toMatchObject({ assigneeId: null, assigneeName: "someone@example.test" });
  });
});
