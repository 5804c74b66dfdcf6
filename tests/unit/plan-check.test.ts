import { describe, expect, it } from "vitest";
import { checkPlan, planStepTimes, type PlanCheckPhase, type PlanCheckStep } from "@/lib/plan/check";
import { resolvableProjectPlaceholders } from "@/lib/templates/placeholders";

/** A hand-made step: id doubles as its number; a task of `minutes` after `preds`. */
function step(id: string, minutes: number, preds: string[] = [], extra: Partial<PlanCheckStep> = {}): PlanCheckStep {
  return { id, number: id, title: `Step ${id}`, kind: "TASK", plannedMinutes: minutes, predecessorIds: preds, commands: "", assignee: null, isFleet: false, fleetAction: null, ...extra };
}
const gate = (id: string, minutes: number, preds: string[], extra: Partial<PlanCheckStep> = {}) => step(id, minutes, preds, { kind: "GATE", ...extra });
const rollback = (id: string, minutes: number) => step(id, minutes, [], { kind: "ROLLBACK" });
const plan = (window: PlanCheckStep[], rollbackSteps: PlanCheckStep[] = [], before: PlanCheckStep[] = []): PlanCheckPhase[] => [
  { title: "Before", inWindow: false, steps: before },
  { title: "Window", inWindow: true, steps: window },
  { title: "Rollback", inWindow: true, steps: rollbackSteps },
];
const codes = (result: ReturnType<typeof checkPlan>) => result.findings.map((f) => f.code);
const finding = (result: ReturnType<typeof checkPlan>, code: string) => result.findings.find((f) => f.code === code);

describe("checkPlan: the critical path against the window", () => {
  it("a plan that fits says so, with its slack, and links the critical path", () => {
    const result = checkPlan({ phases: plan([step("1", 60), step("2", 90, ["1"]), gate("3", 10, ["2"])], [rollback("R1", 30)]), windowMinutes: 480 });
    expect(result).toMatchObject({ criticalPathMinutes: 160, slackMinutes: 320, rollbackMinutes: 30, rollbackDeadlineMinute: 450, lastGateFinishMinute: 160 });
    expect(result.findings).toEqual([{ code: "window_fits", severity: "info", message: "The critical path takes 2 h 40 min and fits the 8 h window with 5 h 20 min to spare.", stepIds: ["1", "2", "3"] }]);
  });

  it("a plan that overruns says by how much, as an error", () => {
    const result = checkPlan({ phases: plan([step("1", 300), step("2", 200, ["1"])]), windowMinutes: 480 });
    expect(result.slackMinutes).toBe(-20);
    expect(finding(result, "window_overrun")).toEqual({ code: "window_overrun", severity: "error", message: "The critical path takes 8 h 20 min: it overruns the 8 h window by 20 min.", stepIds: ["1", "2"] });
    expect(codes(result)).not.toContain("window_fits");
  });

  it("a plan with less than 15 min to spare is a warning", () => {
    const result = checkPlan({ phases: plan([step("1", 470)]), windowMinutes: 480 });
    expect(finding(result, "window_tight")).toMatchObject({ severity: "warning", message: expect.stringContaining("with only 10 min to spare") });
  });

  it("parallel branches: the critical path is the longest branch, not the sum", () => {
    // 1 → (2: 150 | 3: 60 → 4: 45) → 5
    const steps = [step("1", 15), step("2", 150, ["1"]), step("3", 60, ["1"]), step("4", 45, ["3"]), step("5", 10, ["2", "4"])];
    const result = checkPlan({ phases: plan(steps), windowMinutes: 480 });
    expect(result.criticalPathMinutes).toBe(15 + 150 + 10);
    expect(result.criticalStepIds).toEqual(["1", "2", "5"]);
    expect(result.plannedTimes).toEqual({
      "1": { startMinute: 0, finishMinute: 15 },
      "2": { startMinute: 15, finishMinute: 165 },
      "3": { startMinute: 15, finishMinute: 75 },
      "4": { startMinute: 75, finishMinute: 120 },
      "5": { startMinute: 165, finishMinute: 175 },
    });
  });

  it("steps outside the window don't count, and don't delay the window's steps", () => {
    const result = checkPlan({ phases: plan([step("2", 30, ["1"])], [], [step("1", 600)]), windowMinutes: 480 });
    expect(result.criticalPathMinutes).toBe(30);
    expect(result.plannedTimes).toEqual({ "2": { startMinute: 0, finishMinute: 30 } });
  });

  it("rollback steps don't count towards the forward critical path", () => {
    expect(checkPlan({ phases: plan([step("1", 60)], [rollback("R1", 400)]), windowMinutes: 480 }).criticalPathMinutes).toBe(60);
  });

  it("reports a cycle instead of looping", () => {
    const result = checkPlan({ phases: plan([step("1", 10, ["2"]), step("2", 10, ["1"])]), windowMinutes: 480 });
    expect(finding(result, "dependency_cycle")).toMatchObject({ severity: "error" });
    expect(planStepTimes(plan([step("1", 10, ["2"]), step("2", 10, ["1"])])).cycle).not.toBeNull();
  });
});

describe("checkPlan: gates and the rollback deadline", () => {
  it("a gate planned after its rollback deadline is an error linked to that gate only", () => {
    // Deadline: 480 − 120 = 360. Gate 2 finishes at 100 (fine); gate 4 at 400 (40 min late).
    const steps = [step("1", 90), gate("2", 10, ["1"]), step("3", 290, ["2"]), gate("4", 10, ["3"])];
    const result = checkPlan({ phases: plan(steps, [rollback("R1", 60), rollback("R2", 60)]), windowMinutes: 480 });
    expect(result).toMatchObject({ rollbackMinutes: 120, rollbackDeadlineMinute: 360, lastGateFinishMinute: 400 });
    const late = result.findings.filter((f) => f.code === "gate_after_deadline");
    expect(late).toEqual([
      {
        code: "gate_after_deadline",
        severity: "error",
        message:
          "Gate 4 “Step 4” is planned to finish 6 h 40 min into the window, 40 min after the rollback deadline (6 h into the window: the 8 h window minus 2 h of rollback steps): a No-Go there can't be rolled back in time.",
        stepIds: ["4"],
      },
    ]);
  });

  it("the rollback that doesn't fit after the last gate is an error linked to the gate and the rollback steps", () => {
    const steps = [step("1", 300), gate("2", 10, ["1"])];
    const result = checkPlan({ phases: plan(steps, [rollback("R1", 100), rollback("R2", 80)]), windowMinutes: 480 });
    expect(finding(result, "rollback_overrun")).toEqual({
      code: "rollback_overrun",
      severity: "error",
      message: "The rollback steps take 3 h: started after gate 2 “Step 2” (5 h 10 min into the window) they would end 10 min after the 8 h window closes.",
      stepIds: ["2", "R1", "R2"],
    });
  });

  it("the same plan with an earlier point of no return passes", () => {
    const steps = [step("1", 120), gate("2", 10, ["1"]), step("3", 180, ["2"])];
    const result = checkPlan({ phases: plan(steps, [rollback("R1", 100), rollback("R2", 80)]), windowMinutes: 480 });
    expect(result.findings.filter((f) => f.severity === "error")).toEqual([]);
    expect(result.lastGateFinishMinute).toBe(130);
  });

  it("a rollback longer than the window is an error even without a gate", () => {
    const result = checkPlan({ phases: plan([step("1", 10)], [rollback("R1", 500)]), windowMinutes: 480 });
    expect(finding(result, "rollback_overrun")).toMatchObject({ message: "The rollback steps take 8 h 20 min, longer than the 8 h window.", stepIds: ["R1"] });
  });

  it("a gate whose No-Go aborts protects no rollback and isn't held to the deadline", () => {
    const steps = [step("1", 400), gate("2", 10, ["1"], { noGoOutcome: "ABORT" })];
    const result = checkPlan({ phases: plan(steps, [rollback("R1", 120)]), windowMinutes: 480 });
    expect(codes(result)).not.toContain("gate_after_deadline");
    expect(result.lastGateFinishMinute).toBeNull();
  });
});

describe("checkPlan: people, fleet steps and commands", () => {
  it("a step assigned to a viewer is flagged, one assigned to an operator is not", () => {
    const steps = [step("1", 10, [], { assignee: { role: "VIEWER", name: "Vera Viewer" } }), step("2", 10, ["1"], { assignee: { role: "OPERATOR" } }), gate("3", 5, ["2"], { assignee: { role: "VIEWER" } })];
    const result = checkPlan({ phases: plan(steps), windowMinutes: 480 });
    expect(result.findings.filter((f) => f.code === "assignee_cannot_act")).toEqual([
      { code: "assignee_cannot_act", severity: "warning", message: "Step 1 “Step 1” is assigned to Vera Viewer (viewer), who can't start or sign off a step: assign an operator or an admin.", stepIds: ["1"] },
      { code: "assignee_cannot_act", severity: "warning", message: "Step 3 “Step 3” is assigned to a viewer, who can't decide a gate: assign an operator or an admin.", stepIds: ["3"] },
    ]);
  });

  it("bp.conf and connectivity fleet steps would include agentless clients; a generic fleet step is left alone", () => {
    const steps = [
      step("1", 30, [], { isFleet: true, fleetAction: "UPDATE_BPCONF" }),
      step("2", 10, ["1"], { isFleet: true, fleetAction: "CHECK_CONNECTIVITY" }),
      step("3", 10, ["2"], { isFleet: true, fleetAction: "GENERIC" }),
    ];
    const result = checkPlan({ phases: plan(steps), windowMinutes: 480, clientFamilies: { agentless: 3 } });
    expect(result.findings.filter((f) => f.code === "fleet_agentless").map((f) => f.stepIds)).toEqual([["1"], ["2"]]);
    expect(finding(result, "fleet_agentless")!.message).toBe(
      "Fleet step 1 “Step 1” would include 3 agentless clients (VMs backed up through the hypervisor, NDMP filers). They have no bp.conf and no bpcd: leave them out of this step.",
    );
    expect(codes(checkPlan({ phases: plan(steps), windowMinutes: 480, clientFamilies: { agentless: 0 } }))).not.toContain("fleet_agentless");
  });

  it("flags project placeholders and {{…}} tokens the project can't fill, not operator prompts", () => {
    const steps = [
      step("1", 10, [], { commands: "tar cf - . | ssh <target-host> 'cd /usr/openv && tar xpf -'\nbpplinfo <policy> -modify -inactive" }),
      step("2", 10, ["1"], { commands: "bptestbpcd -client <client>\nping {{ backup_vlan_gateway }}" }),
      step("3", 10, ["2"], { commands: "bpclntcmd -hn <source-host>" }),
    ];
    const result = checkPlan({ phases: plan(steps), windowMinutes: 480, resolvedPlaceholders: resolvableProjectPlaceholders({ sourceHost: "nbu-master1", targetHost: "" }) });
    expect(result.findings.filter((f) => f.code === "unfilled_placeholder")).toEqual([
      {
        code: "unfilled_placeholder",
        severity: "warning",
        message: "Step 1 “Step 1” has a placeholder the project can't fill: <target-host>. Its commands can't be pasted as they are: fill in the project's hosts or edit the commands.",
        stepIds: ["1"],
      },
      { code: "unfilled_placeholder", severity: "warning", message: expect.stringContaining("{{ backup_vlan_gateway }}"), stepIds: ["2"] },
    ]);
    const all = checkPlan({ phases: plan(steps), windowMinutes: 480, resolvedPlaceholders: (t) => t === "<target-host>" || t === "<source-host>" || t.startsWith("{{") });
    expect(codes(all)).not.toContain("unfilled_placeholder");
  });
});
