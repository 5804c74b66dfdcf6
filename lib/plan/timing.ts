import { utcToWallClock, wallClockToUtc } from "../platform/time";

/**
 * When each step can start and finish, following its predecessors, the lags after them and its
 * not-before time. One pure function for the plan check's planned times, the live forecast's
 * critical path, the rollback deadline and the Gantt's planned bars, so they never disagree.
 * Times are minutes from an origin (the window's start for a plan, "now" for a live forecast).
 */

/** The longest wait a lag may add after a predecessor: a day, like the longest step. */
export const MAX_LAG_MINUTES = 24 * 60;

/** "HH:MM", 00:00–23:59. */
export const NOT_BEFORE_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface TimingStep {
  id: string;
  /** Minutes of work from its start (the work left, for a step already running). */
  minutes: number;
  predecessorIds: readonly string[];
  /** Minutes to wait after a predecessor finishes, by predecessor id (missing: 0). */
  lags?: Readonly<Record<string, number>>;
  /** Can't start before this minute (a fixed-time step), or null. */
  notBeforeMinute?: number | null;
  /** Already started (or finished): starts at this minute, whatever its predecessors say. */
  fixedStartMinute?: number | null;
}

export interface StepTiming {
  startMinute: number;
  finishMinute: number;
  /** What holds the start: the predecessor it waits for, its not-before time, or nothing (the origin). */
  heldBy: { kind: "predecessor"; id: string } | { kind: "not_before" } | { kind: "fixed" } | null;
}

/**
 * Earliest start and finish of every step: the latest of `floor`, each in-scope predecessor's finish
 * plus its lag, and the step's not-before minute. Predecessors that aren't in `steps` (done before
 * the window, or rollback steps) don't delay it. A cycle (plan edits refuse them) is reported, not
 * followed.
 */
export function scheduleSteps(steps: readonly TimingStep[], options: { floor?: number } = {}): { times: Record<string, StepTiming>; cycle: string[] | null } {
  const floor = options.floor ?? 0;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const times: Record<string, StepTiming> = {};
  const visiting = new Set<string>();
  let cycle: string[] | null = null;
  const finishOf = (id: string): number => {
    const known = times[id];
    if (known) return known.finishMinute;
    if (visiting.has(id)) {
      cycle ??= [...visiting];
      return floor;
    }
    const step = byId.get(id)!;
    if (step.fixedStartMinute !== undefined && step.fixedStartMinute !== null) {
      times[id] = { startMinute: step.fixedStartMinute, finishMinute: step.fixedStartMinute + step.minutes, heldBy: { kind: "fixed" } };
      return step.fixedStartMinute + step.minutes;
    }
    visiting.add(id);
    let start = floor;
    let heldBy: StepTiming["heldBy"] = null;
    for (const pred of step.predecessorIds) {
      if (!byId.has(pred)) continue;
      const ready = finishOf(pred) + (step.lags?.[pred] ?? 0);
      // >= for the first: a predecessor with nothing left (a 0-min milestone) still holds the step.
      if (ready > start || (heldBy === null && ready >= start)) {
        start = Math.max(start, ready);
        heldBy = { kind: "predecessor", id: pred };
      }
    }
    visiting.delete(id);
    if (step.notBeforeMinute !== undefined && step.notBeforeMinute !== null && step.notBeforeMinute > start) {
      start = step.notBeforeMinute;
      heldBy = { kind: "not_before" };
    }
    times[id] = { startMinute: start, finishMinute: start + step.minutes, heldBy };
    return start + step.minutes;
  };
  for (const step of steps) finishOf(step.id);
  return { times, cycle };
}

/**
 * A "not before HH:MM" as an instant: the first time the project's clock shows HH:MM at or after
 * `from` (a window 20:00→04:00 and 01:00 means the 01:00 after the start). Instants, not wall
 * clocks: on the night the clocks go back an 01:00 start and "not before 03:00" are 3 h apart,
 * and an hour that happens twice counts from its first pass after `from`. On the night the clocks
 * go forward a time that doesn't exist is read as the same offset after the jump (02:30 → 03:30).
 */
export function resolveNotBefore(hhmm: string, from: number, timeZone: string): number | null {
  if (!NOT_BEFORE_PATTERN.test(hhmm)) return null;
  const day = utcToWallClock(new Date(from), timeZone).slice(0, 10);
  const onDay = (date: string): number[] => {
    const wall = `${date}T${hhmm}`;
    const guess = wallClockToUtc(wall, timeZone).getTime();
    // An hour that happens twice (the fall-back night) has two instants: try an hour either side.
    const passes = [guess - HOUR, guess, guess + HOUR].filter((t) => utcToWallClock(new Date(t), timeZone) === wall);
    return passes.length > 0 ? passes : [guess]; // a time skipped by the jump forward: as the zone library reads it
  };
  const today = onDay(day).filter((t) => t >= from);
  if (today.length > 0) return Math.min(...today);
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return Math.min(...onDay(next));
}

const HOUR = 60 * 60_000;

/** The not-before as minutes after `from`, or null without one (or when it can't be read). */
export function notBeforeMinuteAfter(hhmm: string | null | undefined, from: number, timeZone: string): number | null {
  if (!hhmm) return null;
  const at = resolveNotBefore(hhmm, from, timeZone);
  return at === null ? null : (at - from) / 60_000;
}

/** Lags as stored on a frozen step_run ("{}" by default; unreadable JSON means none). */
export function parseLags(json: string | null | undefined): Record<string, number> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    if (!value || typeof value !== "object" || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === "number" && e[1] > 0));
  } catch {
    return {};
  }
}

/** Only the lags that wait (> 0) for steps still among the predecessors, keys sorted: equal lags give equal JSON. */
export function normalizeLags(lags: Readonly<Record<string, number>> | undefined, predecessorIds: readonly string[]): Record<string, number> {
  const keep = new Set(predecessorIds);
  return Object.fromEntries(
    Object.entries(lags ?? {})
      .filter(([id, minutes]) => keep.has(id) && minutes > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
