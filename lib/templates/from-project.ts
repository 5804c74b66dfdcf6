import { RUNBOOK_DOCUMENT_VERSION, type RunbookDocument } from "./runbook-document";
import { numberSteps } from "../plan/numbering";
import type { StepKindName } from "../runs/model";
import type { GateApprover, NoGoOutcomeName, RequiredField } from "../plan/model";

export interface ProjectPlanForTemplate {
  name: string;
  description: string;
  phases: {
    title: string;
    description: string;
    inWindow: boolean;
    steps: {
      id: string;
      title: string;
      details: string;
      commands: string;
      verification: string;
      team: string;
      plannedMinutes: number;
      kind: StepKindName;
      isFleet: boolean;
      fleetAction: "UPDATE_BPCONF" | "CHECK_CONNECTIVITY" | "GENERIC" | null;
      predecessorIds: string[];
      noGoOutcome: NoGoOutcomeName;
      gateApprovers: GateApprover[];
      fourEyes: boolean;
      requiredFields: RequiredField[];
      /** "HH:MM" of a fixed-time step ("" or missing: none). */
      notBefore?: string;
      /** Minutes to wait after a predecessor, by its step id. */
      predecessorLags?: Readonly<Record<string, number>>;
    }[];
  }[];
}

/**
 * A project's plan as a runbook document ("save project as template"). Step keys are the numbers
 * people use on the bridge call ("14", "R2"), so the JSON reads like the runbook; predecessors are
 * mapped from step ids to those numbers. Assignees are left out: a template is person-free.
 */
export function planToRunbookDocument(plan: ProjectPlanForTemplate): RunbookDocument {
  const numbers = numberSteps(plan.phases);
  return {
    format: "runsheet.runbook",
    version: RUNBOOK_DOCUMENT_VERSION,
    name: plan.name,
    description: plan.description,
    phases: plan.phases.map((phase) => ({
      title: phase.title,
      description: phase.description,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        key: numbers.get(step.id)!,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        plannedMinutes: step.plannedMinutes,
        kind: step.kind,
        isFleet: step.isFleet,
        fleetAction: step.isFleet ? (step.fleetAction ?? "GENERIC") : null,
        // Every predecessor is a step of the same project (lib/plan/service.ts enforces it), so it has a number.
        predecessors: step.predecessorIds.map((id) => numbers.get(id)).filter((key): key is string => key !== undefined),
        noGoOutcome: step.kind === "GATE" ? step.noGoOutcome : "ROLLBACK",
        // A template is person-free: approvals by role stay, named people are left out.
        gateApprovers: step.kind === "GATE" ? step.gateApprovers.flatMap((a) => (a.kind === "role" ? [a] : [])) : [],
        fourEyes: step.kind === "GATE" && step.fourEyes,
        requiredFields: step.requiredFields,
        // Only when set, so documents of plans without them read exactly as before.
        ...(step.notBefore ? { notBefore: step.notBefore } : {}),
        ...lagsByKey(step, numbers),
      })),
    })),
  };
}

/** The step's lags keyed by predecessor number, as `{ lags }`, or nothing when it has none. */
function lagsByKey(step: { predecessorIds: string[]; predecessorLags?: Readonly<Record<string, number>> }, numbers: Map<string, string>): { lags?: Record<string, number> } {
  const entries = step.predecessorIds.flatMap((id) => {
    const minutes = step.predecessorLags?.[id] ?? 0;
    const key = numbers.get(id);
    return minutes > 0 && key !== undefined ? [[key, minutes] as const] : [];
  });
  return entries.length > 0 ? { lags: Object.fromEntries(entries) } : {};
}
