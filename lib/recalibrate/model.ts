import { MAX_STEP_MINUTES } from "../plan/model";
import { criticalPath } from "../runs/forecast";

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

export type OutlierReason = "clicked-through" | "under-a-fifth";

export const OUTLIER_LABELS: Record<OutlierReason, string> = {
  "clicked-through": "clicked through in seconds",
  "under-a-fifth": "under a fifth of its plan",
};

/** A step done in under this long was ticked through, not worked: the rehearsal didn't measure it. */
export const CLICKED_THROUGH_MS = 30_000;

/**
 * Why a measured duration can't teach the plan, or null when it can. A rehearsal clicked through
 * in seconds once proposed "3 h → 1 min" for the catalog copy; one done in under a fifth of its
 * plan is far more likely a skipped or pre-staged step than a 5× speed-up. Such samples are shown,
 * flagged, and left out of every proposal.
 */
export function outlierReason(sample: { ms: number; plannedMinutes: number }): OutlierReason | null {
  if (sample.plannedMinutes >= 2 && sample.ms < CLICKED_THROUGH_MS) return "clicked-through";
  if (sample.ms / MINUTE < sample.plannedMinutes / 5) return "under-a-fifth";
  return null;
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
  /** Actual minutes by run id: only measurements that can teach the plan. */
  actuals: Record<string, number>;
  /** Measurements left out of every proposal, by run id, with why. */
  outliers?: Record<string, { minutes: number; reason: OutlierReason }>;
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
  /** ACTIVE while the rehearsal is still in progress: it is left out unless chosen. */
  status: string;
  startedAt: string;
  endedAt: string | null;
  measuredSteps: number;
}

export interface ComparisonStep extends RecalibrationStepInput {
  phaseTitle: string;
  kind: string;
  inWindow: boolean;
  predecessorIds: string[];
}

/** What a recalibration would do to the cutover: the critical path inside the window, before and after. */
export interface WindowEffect {
  windowMinutes: number;
  beforeMinutes: number;
  afterMinutes: number;
}

/** The rehearsals a recalibration learns from when none are chosen: those that have ended. */
export function defaultRehearsalIds(rehearsals: readonly ComparisonRehearsal[]): string[] {
  return rehearsals.filter((r) => r.status !== "ACTIVE").map((r) => r.id);
}

export interface RehearsalComparison {
  /** Rehearsals with at least one measured step, newest first. */
  rehearsals: ComparisonRehearsal[];
  /** The project's downtime window, in minutes. */
  windowMinutes: number;
  /** Every step of the plan, in plan order. */
  steps: ComparisonStep[];
}

/**
 * The critical path inside the window with today's planned minutes and with the proposed ones, so
 * the admin sees "6 h 40 min → 7 h 55 min of an 8 h window" before applying anything.
 */
export function windowEffect(options: { steps: readonly ComparisonStep[]; rows: readonly RecalibrationRow[]; windowMinutes: number }): WindowEffect {
  const proposed = new Map(options.rows.map((r) => [r.stepId, r.newMinutes]));
  const path = (minutesOf: (step: ComparisonStep) => number) =>
    criticalPath(
      options.steps.map((step, position) => ({ id: step.id, kind: step.kind, plannedMinutes: minutesOf(step), status: "PENDING" as const, startedAt: null, predecessorIds: step.predecessorIds, inWindow: step.inWindow, position })),
      "FORWARD",
      0,
    ).minutes;
  return {
    windowMinutes: options.windowMinutes,
    beforeMinutes: Math.round(path((s) => s.plannedMinutes)),
    afterMinutes: Math.round(path((s) => proposed.get(s.id) ?? s.plannedMinutes)),
  };
}
