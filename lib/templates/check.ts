import { checkPlan, type PlanCheckInput, type PlanCheckResult } from "../plan/check";
import type { RunbookDocument } from "./runbook-document";

/** The default cutover window the built-in templates are written for. */
export const DEFAULT_WINDOW_MINUTES = 8 * 60;

/**
 * The plan check (lib/plan/check.ts) for a runbook document, before any project exists: the step
 * keys are the step numbers and ids, and nobody is assigned yet.
 */
export function checkRunbook(document: RunbookDocument, options: Omit<PlanCheckInput, "phases" | "windowMinutes"> & { windowMinutes?: number } = {}): PlanCheckResult {
  return checkPlan({
    ...options,
    windowMinutes: options.windowMinutes ?? DEFAULT_WINDOW_MINUTES,
    phases: document.phases.map((phase) => ({
      title: phase.title,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        id: step.key,
        number: step.key,
        title: step.title,
        kind: step.kind,
        plannedMinutes: step.plannedMinutes,
        predecessorIds: step.predecessors,
        commands: step.commands,
        assignee: null,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        noGoOutcome: step.noGoOutcome,
        // Not-before times count only when the caller gives a window start (options.windowStart).
        notBefore: step.notBefore,
        predecessorLags: step.lags,
      })),
    })),
  });
}
