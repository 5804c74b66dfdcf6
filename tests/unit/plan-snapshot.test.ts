/**
 * lib/plan/snapshot.ts, pure: diffPlans on hand-built snapshots (which steps and phases changed,
 * each field's before/after text), canonicalPlanJson and summarizeDiff's wording.
 */
import { describe, expect, it } from "vitest";
import { canonicalPlanJson, diffPlans, summarizeDiff, type PlanDiff, type PlanSnapshot, type PlanSnapshotPhase, type PlanSnapshotStep } from "@/lib/plan/snapshot";

function step(id: string, title: string, fields: Partial<PlanSnapshotStep> = {}): PlanSnapshotStep {
  return {
    id,
    title,
    details: "",
    commands: "",
    verification: "",
    team: "",
    assigneeId: null,
    assigneeName: null,
    plannedMinutes: 10,
    kind: "TASK",
    isFleet: false,
    fleetAction: null,
    predecessorIds: [],
    noGoOutcome: "ROLLBACK",
    gateApprovers: [],
    fourEyes: false,
    requiredFields: [],
    ...fields,
  };
}

function phase(id: string, title: string, steps: PlanSnapshotStep[], fields: Partial<PlanSnapshotPhase> = {}): PlanSnapshotPhase {
  return { id, title, description: "", inWindow: true, steps, ...fields };
}

/**
 * Prepare: a "Stop jobs" → b "Back up catalog" → c "Copy config"
 * Cutover: d "Switch DNS" (after c) → e "Verify" (after d)
 */
function basePlan(): PlanSnapshot {
  return {
    phases: [
      phase("P1", "Prepare", [
        step("a", "Stop jobs"),
        step("b", "Back up catalog", { plannedMinutes: 30, predecessorIds: ["a"] }),
        step("c", "Copy config", { plannedMinutes: 20, predecessorIds: ["b"] }),
      ]),
      phase("P2", "Cutover", [step("d", "Switch DNS", { plannedMinutes: 15, predecessorIds: ["c"] }), step("e", "Verify", { plannedMinutes: 5, predecessorIds: ["d"] })]),
    ],
  };
}

/** A copy of the base plan with `edit` applied (the base itself is never changed). */
function edited(edit: (plan: PlanSnapshot) => void): PlanSnapshot {
  const plan = structuredClone(basePlan());
  edit(plan);
  return plan;
}

const stepOf = (plan: PlanSnapshot, id: string) => plan.phases.flatMap((p) => p.steps).find((s) => s.id === id)!;
const phaseOf = (plan: PlanSnapshot, id: string) => plan.phases.find((p) => p.id === id)!;

describe("diffPlans: identical plans", () => {
  it("an identical copy is an empty diff", () => {
    const diff = diffPlans(basePlan(), basePlan());
    expect(diff).toEqual({ steps: [], phases: [], empty: true });
    expect(summarizeDiff(diff)).toBe("No changes");
  });

  it("predecessors listed in another order are no change", () => {
    const before = edited((p) => (stepOf(p, "e").predecessorIds = ["c", "d"]));
    const after = edited((p) => (stepOf(p, "e").predecessorIds = ["d", "c"]));
    expect(diffPlans(before, after)).toEqual({ steps: [], phases: [], empty: true });
  });
});

describe("diffPlans: steps added and removed", () => {
  it("a step added in the middle of a phase is the only entry: the steps after it merely shifted", () => {
    const after = edited((p) => phaseOf(p, "P1").steps.splice(1, 0, step("n", "Notify users")));
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({ steps: [{ id: "n", title: "Notify users", change: "added", fields: [] }], phases: [], empty: false });
    expect(summarizeDiff(diff)).toBe("1 step added");
  });

  it("a step added at the very start of the plan does not mark any other step as moved", () => {
    const after = edited((p) => phaseOf(p, "P1").steps.unshift(step("n", "Announce window")));
    expect(diffPlans(basePlan(), after).steps).toEqual([{ id: "n", title: "Announce window", change: "added", fields: [] }]);
  });

  it("a removed step is listed last; its dependent shows the lost predecessor by title", () => {
    // As deleteStep does: the step goes, and with it the dependency c → b.
    const after = edited((p) => {
      phaseOf(p, "P1").steps.splice(1, 1);
      stepOf(p, "c").predecessorIds = [];
    });
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({
      steps: [
        { id: "c", title: "Copy config", change: "changed", fields: [{ field: "predecessorIds", before: '"Back up catalog"', after: "none" }] },
        { id: "b", title: "Back up catalog", change: "removed", fields: [] },
      ],
      phases: [],
      empty: false,
    });
    expect(summarizeDiff(diff)).toBe("1 step changed, 1 step removed");
  });

  it("added steps come in the new plan's order, removed ones after them in the old plan's order", () => {
    const after = edited((p) => {
      phaseOf(p, "P2").steps = [step("x", "Check backups"), step("d", "Switch DNS", { plannedMinutes: 15, predecessorIds: ["c"] })];
      phaseOf(p, "P1").steps.splice(0, 1);
      phaseOf(p, "P1").steps.unshift(step("w", "Freeze changes"));
      stepOf(p, "b").predecessorIds = ["a"];
    });
    expect(diffPlans(basePlan(), after).steps.map((s) => [s.id, s.change])).toEqual([
      ["w", "added"],
      ["x", "added"],
      ["a", "removed"],
      ["e", "removed"],
    ]);
  });
});

describe("diffPlans: changed fields, with before and after as text", () => {
  it("title: the entry carries the new title", () => {
    const after = edited((p) => (stepOf(p, "b").title = "Back up the catalog"));
    expect(diffPlans(basePlan(), after).steps).toEqual([
      { id: "b", title: "Back up the catalog", change: "changed", fields: [{ field: "title", before: "Back up catalog", after: "Back up the catalog" }] },
    ]);
  });

  it("planned minutes", () => {
    const after = edited((p) => (stepOf(p, "c").plannedMinutes = 45));
    expect(diffPlans(basePlan(), after).steps).toEqual([{ id: "c", title: "Copy config", change: "changed", fields: [{ field: "plannedMinutes", before: "20", after: "45" }] }]);
  });

  it("assignee, by name: none → someone → someone else", () => {
    const assigned = edited((p) => Object.assign(stepOf(p, "a"), { assigneeId: "u1", assigneeName: "Olivia Operator" }));
    expect(diffPlans(basePlan(), assigned).steps).toEqual([{ id: "a", title: "Stop jobs", change: "changed", fields: [{ field: "assigneeName", before: "none", after: "Olivia Operator" }] }]);
    const reassigned = edited((p) => Object.assign(stepOf(p, "a"), { assigneeId: "u2", assigneeName: "Otto Operator" }));
    expect(diffPlans(assigned, reassigned).steps).toEqual([
      { id: "a", title: "Stop jobs", change: "changed", fields: [{ field: "assigneeName", before: "Olivia Operator", after: "Otto Operator" }] },
    ]);
  });

  it("every changed field of one step, in the documented field order; booleans as yes/no, empty text as none", () => {
    const after = edited((p) =>
      Object.assign(stepOf(p, "d"), {
        // Assigned in an order unlike the field order, to show the diff imposes its own.
        predecessorIds: ["b"],
        fleetAction: "UPDATE_BPCONF",
        isFleet: true,
        verification: "dig +short nbu-new",
        commands: "nsupdate -k key",
        details: "Point the alias at the new host.",
        team: "Network",
        kind: "MILESTONE",
        plannedMinutes: 0,
        title: "Switch the DNS alias",
      }),
    );
    expect(diffPlans(basePlan(), after).steps).toEqual([
      {
        id: "d",
        title: "Switch the DNS alias",
        change: "changed",
        fields: [
          { field: "title", before: "Switch DNS", after: "Switch the DNS alias" },
          { field: "plannedMinutes", before: "15", after: "0" },
          { field: "kind", before: "TASK", after: "MILESTONE" },
          { field: "team", before: "none", after: "Network" },
          { field: "details", before: "none", after: "Point the alias at the new host." },
          { field: "commands", before: "none", after: "nsupdate -k key" },
          { field: "verification", before: "none", after: "dig +short nbu-new" },
          { field: "isFleet", before: "no", after: "yes" },
          { field: "fleetAction", before: "none", after: "UPDATE_BPCONF" },
          { field: "predecessorIds", before: '"Copy config"', after: '"Back up catalog"' },
        ],
      },
    ]);
  });

  it("predecessors are shown as titles, each side with its own plan's titles, in the step's own order", () => {
    const after = edited((p) => {
      stepOf(p, "d").title = "Switch DNS records";
      stepOf(p, "e").predecessorIds = ["d", "a"];
    });
    expect(diffPlans(basePlan(), after).steps).toEqual([
      { id: "d", title: "Switch DNS records", change: "changed", fields: [{ field: "title", before: "Switch DNS", after: "Switch DNS records" }] },
      { id: "e", title: "Verify", change: "changed", fields: [{ field: "predecessorIds", before: '"Switch DNS"', after: '"Switch DNS records", "Stop jobs"' }] },
    ]);
  });

  it("a new predecessor that exists only in the new plan is named; an unknown id is 'a deleted step'", () => {
    const after = edited((p) => {
      phaseOf(p, "P2").steps.unshift(step("n", "Lower TTL"));
      stepOf(p, "d").predecessorIds = ["c", "n"];
      stepOf(p, "e").predecessorIds = ["d", "gone"];
    });
    expect(diffPlans(basePlan(), after).steps).toEqual([
      { id: "n", title: "Lower TTL", change: "added", fields: [] },
      { id: "d", title: "Switch DNS", change: "changed", fields: [{ field: "predecessorIds", before: '"Copy config"', after: '"Copy config", "Lower TTL"' }] },
      { id: "e", title: "Verify", change: "changed", fields: [{ field: "predecessorIds", before: '"Switch DNS"', after: '"Switch DNS", "a deleted step"' }] },
    ]);
  });

  it("a step moved to another phase shows the phase titles, not a position", () => {
    // c becomes the first step of Cutover: its place in the whole plan (#3) doesn't change.
    const after = edited((p) => {
      const [c] = phaseOf(p, "P1").steps.splice(2, 1);
      phaseOf(p, "P2").steps.unshift(c);
    });
    expect(diffPlans(basePlan(), after)).toEqual({
      steps: [{ id: "c", title: "Copy config", change: "changed", fields: [{ field: "phase", before: "Prepare", after: "Cutover" }] }],
      phases: [],
      empty: false,
    });
  });

  it("a retitled step moved to another phase: title first, then phase", () => {
    const after = edited((p) => {
      const [a] = phaseOf(p, "P1").steps.splice(0, 1);
      a.title = "Stop all jobs";
      phaseOf(p, "P2").steps.push(a);
    });
    expect(diffPlans(basePlan(), after).steps.find((s) => s.id === "a")).toEqual({
      id: "a",
      title: "Stop all jobs",
      change: "changed",
      fields: [
        { field: "title", before: "Stop jobs", after: "Stop all jobs" },
        { field: "phase", before: "Prepare", after: "Cutover" },
      ],
    });
  });

  it("swapping the last two steps of the plan: one step moved, with its positions in the whole plan", () => {
    const after = edited((p) => phaseOf(p, "P2").steps.reverse());
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({
      steps: [{ id: "e", title: "Verify", change: "changed", fields: [{ field: "position", before: "#5", after: "#4" }] }],
      phases: [],
      empty: false,
    });
    expect(summarizeDiff(diff)).toBe("1 step changed");
  });

  it("a position change and a field change of the same step are one entry", () => {
    const after = edited((p) => {
      phaseOf(p, "P2").steps.reverse();
      stepOf(p, "e").plannedMinutes = 16;
    });
    const before = stepOf(basePlan(), "e").plannedMinutes;
    expect(diffPlans(basePlan(), after).steps).toEqual([
      {
        id: "e",
        title: "Verify",
        change: "changed",
        fields: [
          { field: "plannedMinutes", before: String(before), after: "16" },
          { field: "position", before: "#5", after: "#4" },
        ],
      },
    ]);
  });

  // Moved steps are those outside the longest run that kept its order (lib/plan/snapshot.ts movedItems):
  // the untouched step after a swapped pair is not listed ("Position #4 → #4" was a bug).
  it("swapping two steps lists the one that moved, not the untouched step after them", () => {
    const after = edited((p) => phaseOf(p, "P1").steps.splice(1, 2, stepOf(p, "c"), stepOf(p, "b")));
    const diff = diffPlans(basePlan(), after);
    expect(diff.steps).toEqual([{ id: "c", title: "Copy config", change: "changed", fields: [{ field: "position", before: "#3", after: "#2" }] }]);
  });

  // A step that only shifted because another step left its phase is not listed as moved.
  it("moving a step to the end of another phase doesn't list the step that merely shifted up", () => {
    const after = edited((p) => {
      const [c] = phaseOf(p, "P1").steps.splice(2, 1);
      phaseOf(p, "P2").steps.push(c);
    });
    expect(diffPlans(basePlan(), after).steps).toEqual([{ id: "c", title: "Copy config", change: "changed", fields: [{ field: "phase", before: "Prepare", after: "Cutover" }] }]);
  });

  // Reordering phases moves the phases, not the steps inside them.
  it("reordering phases changes the phases only, not their steps", () => {
    const after = edited((p) => p.phases.reverse());
    expect(diffPlans(basePlan(), after).steps).toEqual([]);
  });
});

describe("diffPlans: phases", () => {
  it("a phase added with a step: one phase entry and one step entry", () => {
    const after = edited((p) => p.phases.push(phase("P3", "Rollback", [step("r", "Restore old DNS", { kind: "ROLLBACK" })], { inWindow: false })));
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({
      steps: [{ id: "r", title: "Restore old DNS", change: "added", fields: [] }],
      phases: [{ id: "P3", title: "Rollback", change: "added", fields: [] }],
      empty: false,
    });
    expect(summarizeDiff(diff)).toBe("1 step added, 1 phase added");
  });

  it("a phase removed with its steps", () => {
    const after = edited((p) => p.phases.pop());
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({
      steps: [
        { id: "d", title: "Switch DNS", change: "removed", fields: [] },
        { id: "e", title: "Verify", change: "removed", fields: [] },
      ],
      phases: [{ id: "P2", title: "Cutover", change: "removed", fields: [] }],
      empty: false,
    });
    expect(summarizeDiff(diff)).toBe("2 steps removed, 1 phase removed");
  });

  it("a renamed phase is changed; its steps are not (they stay in the same phase)", () => {
    const after = edited((p) => (phaseOf(p, "P1").title = "Preparation"));
    const diff = diffPlans(basePlan(), after);
    expect(diff).toEqual({ steps: [], phases: [{ id: "P1", title: "Preparation", change: "changed", fields: [{ field: "title", before: "Prepare", after: "Preparation" }] }], empty: false });
    expect(summarizeDiff(diff)).toBe("1 phase changed");
  });

  it("description and in-window flag, as text", () => {
    const after = edited((p) => Object.assign(phaseOf(p, "P2"), { description: "During the window", inWindow: false }));
    expect(diffPlans(basePlan(), after).phases).toEqual([
      {
        id: "P2",
        title: "Cutover",
        change: "changed",
        fields: [
          { field: "description", before: "none", after: "During the window" },
          { field: "inWindow", before: "yes", after: "no" },
        ],
      },
    ]);
  });

  it("reordered phases: the phase that moved, with its 1-based positions", () => {
    const after = edited((p) => p.phases.reverse());
    expect(diffPlans(basePlan(), after).phases).toEqual([{ id: "P2", title: "Cutover", change: "changed", fields: [{ field: "position", before: "#2", after: "#1" }] }]);
  });

  it("a phase removed at the end or added at the end: no other phase changes", () => {
    const withWrapUp: PlanSnapshot = { phases: [...basePlan().phases, phase("P9", "Wrap-up", [])] };
    expect(diffPlans(withWrapUp, basePlan())).toEqual({ steps: [], phases: [{ id: "P9", title: "Wrap-up", change: "removed", fields: [] }], empty: false });
    expect(diffPlans(basePlan(), withWrapUp)).toEqual({ steps: [], phases: [{ id: "P9", title: "Wrap-up", change: "added", fields: [] }], empty: false });
  });

  // Removing (or adding) a phase in front of others shifts them but moves none of them.
  it("a phase removed in front of others is the only phase entry", () => {
    const before: PlanSnapshot = { phases: [phase("P0", "Announce", []), ...basePlan().phases] };
    const diff = diffPlans(before, basePlan());
    expect(diff).toEqual({ steps: [], phases: [{ id: "P0", title: "Announce", change: "removed", fields: [] }], empty: false });
    expect(summarizeDiff(diff)).toBe("1 phase removed");
  });
});

describe("canonicalPlanJson", () => {
  it("equal for predecessor lists in different order, and doesn't reorder the caller's list", () => {
    const one = edited((p) => (stepOf(p, "e").predecessorIds = ["d", "a", "c"]));
    const two = edited((p) => (stepOf(p, "e").predecessorIds = ["c", "d", "a"]));
    expect(canonicalPlanJson(one)).toBe(canonicalPlanJson(two));
    expect(stepOf(one, "e").predecessorIds).toEqual(["d", "a", "c"]);
    const parsed = JSON.parse(canonicalPlanJson(one)) as PlanSnapshot;
    expect(stepOf(parsed, "e").predecessorIds).toEqual(["a", "c", "d"]);
  });

  it("equal whatever order the objects' keys were written in; extra keys are left out", () => {
    const plan = basePlan();
    const reKeyed: PlanSnapshot = {
      phases: plan.phases.map((p) => ({
        steps: p.steps.map((s) => Object.fromEntries(Object.entries({ ...s, extra: "ignored" }).reverse()) as unknown as PlanSnapshotStep),
        inWindow: p.inWindow,
        description: p.description,
        title: p.title,
        id: p.id,
      })),
    };
    expect(canonicalPlanJson(reKeyed)).toBe(canonicalPlanJson(plan));
  });

  it("exact text: fixed key order, nothing else", () => {
    const plan: PlanSnapshot = { phases: [phase("P", "Only", [step("s", "One", { predecessorIds: ["z", "y"] })])] };
    expect(canonicalPlanJson(plan)).toBe(
      '{"phases":[{"id":"P","title":"Only","description":"","inWindow":true,"steps":[{"id":"s","title":"One","details":"","commands":"","verification":"","team":"","assigneeId":null,"plannedMinutes":10,"kind":"TASK","isFleet":false,"fleetAction":null,"predecessorIds":["y","z"],"noGoOutcome":"ROLLBACK","gateApprovers":[],"fourEyes":false,"requiredFields":[]}]}]}',
    );
  });

  it("differs for any change the diff would show, and for step order", () => {
    const base = canonicalPlanJson(basePlan());
    expect(canonicalPlanJson(edited((p) => (stepOf(p, "a").plannedMinutes = 11)))).not.toBe(base);
    expect(canonicalPlanJson(edited((p) => (phaseOf(p, "P1").title = "Prep")))).not.toBe(base);
    expect(canonicalPlanJson(edited((p) => phaseOf(p, "P2").steps.reverse()))).not.toBe(base);
    expect(canonicalPlanJson(edited((p) => (stepOf(p, "e").predecessorIds = ["d", "c"])))).not.toBe(base);
  });
});

describe("summarizeDiff", () => {
  const entry = (change: "added" | "changed" | "removed", i: number) => ({ id: `${change}-${i}`, title: `T${i}`, change, fields: [] });

  it("counts per kind, steps before phases, added, changed, removed; singular and plural", () => {
    const diff: PlanDiff = {
      steps: [entry("removed", 1), entry("added", 1), entry("removed", 2), entry("changed", 1), entry("added", 2), entry("removed", 3)],
      phases: [entry("changed", 1), entry("added", 1), entry("changed", 2)],
      empty: false,
    };
    expect(summarizeDiff(diff)).toBe("2 steps added, 1 step changed, 3 steps removed, 1 phase added, 2 phases changed");
  });

  it("leaves out kinds with no entries", () => {
    expect(summarizeDiff({ steps: [entry("changed", 1), entry("changed", 2)], phases: [entry("removed", 1)], empty: false })).toBe("2 steps changed, 1 phase removed");
    expect(summarizeDiff({ steps: [], phases: [entry("added", 1), entry("added", 2)], empty: false })).toBe("2 phases added");
  });

  it("'No changes' when the diff is empty", () => {
    expect(summarizeDiff({ steps: [], phases: [], empty: true })).toBe("No changes");
  });
});
