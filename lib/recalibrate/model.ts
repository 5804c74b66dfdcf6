import { MAX_STEP_MINUTES } from "../plan/model";

/**
 * Rehearsals that teach the plan: what each rehearsal actually took per step, compared with the
 * plan, and "recalibrate" — set each step's planned minutes from the last rehearsal, the median
 * of several, or the worst of them. The forecast (lib/runs/forecast.ts) reads Step.plannedMinutes, so
 * it follows automatically.
 *
 * The maths (this file) is pure and unit-tested; the browser gets its results from the
 * GET route, so the preview and the apply always run the same code on the same data.
 */
export const RECALIBRATION_BASES = ["last", "median", "worst"] as const;
export type RecalibrationBasis = (typeof RECALIBRATION_BASES)[number];

const MINUTE = 60_000;

// ---------------------------------------------------------------- pure maths

/**
 * Whole minutes a step took in one run, or null when the run didn't measure it. Only DONE steps
 * count (a skipped or failed step says nothing about how long the work takes). A step signed off
 * without being started has no duration (start = finish): that is not a measurement either.
 * Anything that took time is at least 1 minute, so rounding can't plan a real step at 0.
 */
export function actualMinutes(stepRun: { status: string; startedAt: Date | string | null; finishedAt: Date | string | null }): number | null {
  if (stepRun.status !== "DONE" || !stepRun.startedAt || !stepRun.finishedAt) return null;
  const ms = new Date(stepRun.finishedAt).getTime() - new Date(stepRun.startedAt).getTime();
  if (!(ms > 0)) return null;
  return Math.min(MAX_STEP_MINUTES, Math.max(1, Math.round(ms / MINUTE)));
}

/** The middle value; for an even count the mean of the two middle values, rounded (x.5 up). */
export function medianMinutes(values: readonly number[]): number {
  if (values.length === 0) throw new Error("medianMinutes of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * The new plan for one step from its actuals in the chosen rehearsals, newest rehearsal first
 * (null where that rehearsal didn't measure the step). Null means "keep the plan".
 * "last" uses only the newest chosen rehearsal: a step it didn't measure keeps its plan.
 */
export function proposeMinutes(samples: readonly (number | null)[], basis: RecalibrationBasis): number | null {
  if (basis === "last") return samples[0] ?? null;
  const measured = samples.filter((v): v is number => v !== null);
  if (measured.length === 0) return null;
  return basis === "worst" ? Math.max(...measured) : medianMinutes(measured);
}

export interface RecalibrationStepInput {
  id: string;
  number: string;
  title: string;
  plannedMinutes: number;
  version: number;
  /** Actual minutes by run id. */
  actuals: Record<string, number>;
}

export interface RecalibrationRow {
  stepId: string;
  number: string;
  title: string;
  version: number;
  currentMinutes: number;
  newMinutes: number;
  change: number;
  /** The actuals the proposal came from, newest rehearsal first. */
  samples: (number | null)[];
}

/** The steps whose plan would change, in plan order. Steps without actuals, or already right, are left out. */
export function planRecalibration(options: { steps: readonly RecalibrationStepInput[]; runIds: readonly string[]; basis: RecalibrationBasis }): RecalibrationRow[] {
  const rows: RecalibrationRow[] = [];
  for (const step of options.steps) {
    const samples = options.runIds.map((runId) => step.actuals[runId] ?? null);
    const proposed = proposeMinutes(samples, options.basis);
    if (proposed === null || proposed === step.plannedMinutes) continue;
    rows.push({
      stepId: step.id,
      number: step.number,
      title: step.title,
      version: step.version,
      currentMinutes: step.plannedMinutes,
      newMinutes: proposed,
      change: proposed - step.plannedMinutes,
      samples,
    });
  }
  return rows;
}

export interface ComparisonRehearsal {
  id: string;
  name: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  measuredSteps: number;
}

export interface ComparisonStep extends RecalibrationStepInput {
  phaseTitle: string;
  kind: string;
}

export interface RehearsalComparison {
  /** Rehearsals with at least one measured step, newest first. */
  rehearsals: ComparisonRehearsal[];
  /** Every step of the plan, in plan order. */
  steps: ComparisonStep[];
}
