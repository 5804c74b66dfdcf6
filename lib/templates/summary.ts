import { criticalPath, type ForecastStep } from "../runs/forecast";
import type { RunbookDocument } from "./runbook-document";

/**
 * What the template preview shows before a project is created from it: the phases, how many
 * steps, how long the work is, how long the cutover's critical path inside the window is, and how
 * long the rollback takes. Pure, so the server computes it for the picker and tests check it.
 */
export interface RunbookPhaseSummary {
  title: string;
  inWindow: boolean;
  stepCount: number;
  /** Planned minutes of the phase's forward (non-rollback) steps. */
  plannedMinutes: number;
  rollbackStepCount: number;
  rollbackMinutes: number;
}

export interface RunbookSummary {
  name: string;
  description: string;
  phaseCount: number;
  stepCount: number;
  forwardStepCount: number;
  rollbackStepCount: number;
  gateCount: number;
  fleetStepCount: number;
  /** Sum of every forward step's planned minutes (what the project page calls "Planned work"). */
  plannedMinutes: number;
  /** Sum of the forward steps inside the window. */
  windowMinutes: number;
  /** Longest chain of forward steps inside the window, following predecessors and their lags: the least downtime the plan needs. */
  criticalPathMinutes: number;
  rollbackMinutes: number;
  phases: RunbookPhaseSummary[];
}

export function summarizeRunbook(document: RunbookDocument): RunbookSummary {
  const steps = document.phases.flatMap((phase) => phase.steps.map((step) => ({ step, inWindow: phase.inWindow })));
  const forward = steps.filter(({ step }) => step.kind !== "ROLLBACK");
  const rollback = steps.filter(({ step }) => step.kind === "ROLLBACK");
  const sum = (list: typeof steps) => list.reduce((total, { step }) => total + step.plannedMinutes, 0);
  const forecastSteps: ForecastStep[] = steps.map(({ step, inWindow }, index) => ({
    id: step.key,
    kind: step.kind,
    plannedMinutes: step.plannedMinutes,
    status: "PENDING",
    startedAt: null,
    predecessorIds: step.predecessors,
    // A template has no window start to place its not-before times on; its lags do count.
    predecessorLags: step.lags,
    inWindow,
    position: index,
  }));
  return {
    name: document.name,
    description: document.description,
    phaseCount: document.phases.length,
    stepCount: steps.length,
    forwardStepCount: forward.length,
    rollbackStepCount: rollback.length,
    gateCount: steps.filter(({ step }) => step.kind === "GATE").length,
    fleetStepCount: steps.filter(({ step }) => step.isFleet).length,
    plannedMinutes: sum(forward),
    windowMinutes: sum(forward.filter(({ inWindow }) => inWindow)),
    criticalPathMinutes: criticalPath(forecastSteps, "FORWARD", 0).minutes,
    rollbackMinutes: sum(rollback),
    phases: document.phases.map((phase) => {
      const phaseRollback = phase.steps.filter((s) => s.kind === "ROLLBACK");
      return {
        title: phase.title,
        inWindow: phase.inWindow,
        stepCount: phase.steps.length,
        plannedMinutes: phase.steps.filter((s) => s.kind !== "ROLLBACK").reduce((t, s) => t + s.plannedMinutes, 0),
        rollbackStepCount: phaseRollback.length,
        rollbackMinutes: phaseRollback.reduce((t, s) => t + s.plannedMinutes, 0),
      };
    }),
  };
}
