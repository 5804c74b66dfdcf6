import { notBeforeMinuteAfter, scheduleSteps } from "../plan/timing";
import { isFinished, type RunModeName, type StepStatusName } from "./model";

/**
 * "Will we make the window, and when must we decide to roll back?" Pure functions of the plan,
 * the run's state and a clock, so the server, the browser (ticking every second) and the unit
 * tests compute the same answer.
 */
export interface ForecastStep {
  id: string;
  kind: string;
  plannedMinutes: number;
  status: StepStatusName;
  startedAt: string | null;
  predecessorIds: string[];
  inWindow: boolean;
  position: number;
  /** When it finished: a lag after it runs from then. Missing: treated as finished just now. */
  finishedAt?: string | null;
  /** Minutes to wait after a predecessor finishes, by predecessor id. */
  predecessorLags?: Readonly<Record<string, number>>;
  /** A fixed-time step can't start before this instant (epoch ms; the run's "not before"), or null. */
  notBeforeAt?: number | null;
}

const MINUTE = 60_000;

/**
 * A frozen "not before HH:MM" as the instant it means in a run: the first HH:MM on the project's
 * clock at or after the run's window start. Live runs only: a rehearsal rehearses the steps, not
 * the night's clock, so its not-before times don't hold it (its lags still do).
 */
export function runNotBeforeAt(notBefore: string | null | undefined, run: { kind: string; windowStart: number }, timeZone: string): number | null {
  if (run.kind !== "LIVE") return null;
  const minute = notBeforeMinuteAfter(notBefore, run.windowStart, timeZone);
  return minute === null ? null : run.windowStart + minute * MINUTE;
}
export const AT_RISK_SLACK_MINUTES = 15;

/** Minutes of work left in a step: all of it if not started, what's left of the plan if running (0 once overrun). */
export function remainingMinutes(step: ForecastStep, now: number): number {
  if (isFinished(step.status)) return 0;
  if (step.status === "IN_PROGRESS" && step.startedAt) {
    const elapsed = (now - Date.parse(step.startedAt)) / MINUTE;
    return Math.max(0, step.plannedMinutes - elapsed);
  }
  return step.plannedMinutes;
}

/** Minutes a running step is past its plan, or 0. */
export function overrunMinutes(step: ForecastStep, now: number): number {
  if (step.status !== "IN_PROGRESS" || !step.startedAt) return 0;
  return Math.max(0, (now - Date.parse(step.startedAt)) / MINUTE - step.plannedMinutes);
}

/** The steps the forecast follows: the forward plan inside the window, or the rollback steps in order. */
export function forecastScope(steps: readonly ForecastStep[], mode: RunModeName): ForecastStep[] {
  if (mode === "ROLLBACK") return steps.filter((s) => s.kind === "ROLLBACK").sort((a, b) => a.position - b.position);
  return steps.filter((s) => s.kind !== "ROLLBACK" && s.inWindow);
}

/**
 * Longest remaining path through the unfinished steps, in minutes from `now` (or from `from`, when
 * the window's work hasn't begun and the forecast counts from the window start). Forward steps
 * wait for their predecessors plus any lag, and a fixed-time step for its not-before instant.
 * Rollback steps run one after another, so each depends on the one before it. Returns minutes and
 * the steps on that path, first to last.
 */
export function criticalPath(steps: readonly ForecastStep[], mode: RunModeName, now: number, options: { from?: number } = {}): { minutes: number; stepIds: string[] } {
  const from = options.from ?? now;
  const scope = forecastScope(steps, mode);
  const inScope = new Map(scope.map((s) => [s.id, s]));
  const forward = mode !== "ROLLBACK";
  const { times } = scheduleSteps(
    scope.map((step, index) => {
      const finished = isFinished(step.status);
      const started = step.status === "IN_PROGRESS" && step.startedAt;
      return {
        id: step.id,
        minutes: remainingMinutes(step, now),
        predecessorIds: forward ? step.predecessorIds.filter((id) => inScope.has(id)) : index > 0 ? [scope[index - 1].id] : [],
        lags: forward ? step.predecessorLags : undefined,
        notBeforeMinute: forward && step.notBeforeAt != null ? (step.notBeforeAt - from) / MINUTE : null,
        // Done work is behind us: a finished step ends when it did (or now), a running one started already.
        fixedStartMinute: finished ? (forward && step.finishedAt ? Math.min(0, (Date.parse(step.finishedAt) - from) / MINUTE) : 0) : started ? 0 : null,
      };
    }),
  );
  let endId: string | null = null;
  let total = 0;
  for (const step of scope) {
    const f = times[step.id].finishMinute;
    if (f > total) {
      total = f;
      endId = step.id;
    }
  }
  const path: string[] = [];
  for (let id = endId; id; ) {
    if (!isFinished(inScope.get(id)!.status)) path.unshift(id);
    const held = times[id].heldBy;
    id = held?.kind === "predecessor" ? held.id : null;
  }
  return { minutes: total, stepIds: path };
}

export type ForecastVerdict = "on_track" | "at_risk" | "overrun" | "finished";

export interface Forecast {
  finishAt: number;
  remainingMinutes: number;
  slackMinutes: number;
  verdict: ForecastVerdict;
  criticalStepIds: string[];
}

/** Forecast finish = now (or the window start, if the window's work hasn't begun) + the critical path. */
export function forecastRun(input: { steps: readonly ForecastStep[]; mode: RunModeName; windowStart: number; windowEnd: number; now: number }): Forecast {
  const { steps, mode, now } = input;
  const scope = forecastScope(steps, mode);
  const begun = scope.some((s) => s.status !== "PENDING");
  const from = begun ? now : Math.max(now, input.windowStart);
  const path = criticalPath(steps, mode, now, { from });
  const finishAt = from + path.minutes * MINUTE;
  const slackMinutes = (input.windowEnd - finishAt) / MINUTE;
  const verdict: ForecastVerdict =
    scope.length > 0 && scope.every((s) => isFinished(s.status)) ? "finished" : slackMinutes < 0 ? "overrun" : slackMinutes < AT_RISK_SLACK_MINUTES ? "at_risk" : "on_track";
  return { finishAt, remainingMinutes: path.minutes, slackMinutes, verdict, criticalStepIds: path.stepIds };
}

export type DeadlineLevel = "none" | "ok" | "warn_30" | "warn_10" | "passed" | "passed_gate_open";

/**
 * The latest moment the rollback can start and still finish inside the window:
 * window end − the rollback steps' planned minutes.
 */
export function rollbackDeadline(input: { steps: readonly ForecastStep[]; windowEnd: number; now: number; mode: RunModeName }): {
  deadline: number | null;
  rollbackMinutes: number;
  minutesLeft: number | null;
  level: DeadlineLevel;
} {
  const rollback = input.steps.filter((s) => s.kind === "ROLLBACK");
  const rollbackMinutes = rollback.reduce((sum, s) => sum + s.plannedMinutes, 0);
  if (rollback.length === 0 || input.mode === "ROLLBACK") return { deadline: null, rollbackMinutes, minutesLeft: null, level: "none" };
  const deadline = input.windowEnd - rollbackMinutes * MINUTE;
  const minutesLeft = (deadline - input.now) / MINUTE;
  const gateOpen = input.steps.some((s) => s.kind === "GATE" && !isFinished(s.status));
  const allForwardDone = input.steps.filter((s) => s.kind !== "ROLLBACK" && s.inWindow).every((s) => isFinished(s.status));
  let level: DeadlineLevel;
  if (allForwardDone) level = "none";
  else if (minutesLeft <= 0) level = gateOpen ? "passed_gate_open" : "passed";
  else if (minutesLeft <= 10) level = "warn_10";
  else if (minutesLeft <= 30) level = "warn_30";
  else level = "ok";
  return { deadline, rollbackMinutes, minutesLeft, level };
}
