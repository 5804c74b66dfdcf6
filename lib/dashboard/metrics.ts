import { scheduleSteps } from "../plan/timing";
import { canonicalizeTeamText } from "../teams/model";
import { isFinished, type StepStatusName } from "../runs/model";

/**
 * Every figure the PM dashboards show, as pure functions of the run's steps and a clock, so the
 * page, its tests and its text alternatives agree.
 */
export interface MetricStep {
  id: string;
  number: string;
  title: string;
  phaseId: string;
  kind: string;
  team: string;
  assigneeName: string | null;
  plannedMinutes: number;
  status: StepStatusName;
  startedAt: string | null;
  finishedAt: string | null;
  reason: string;
  inWindow: boolean;
  predecessorIds?: string[];
  /** Minutes to wait after a predecessor finishes, by predecessor id. */
  predecessorLags?: Readonly<Record<string, number>>;
  /** A fixed-time step's not-before, in minutes from the window start, or null. */
  notBeforeMinute?: number | null;
}

const MINUTE = 60_000;

/** Actual minutes of a step: finished → finish − start; running → now − start; else null. */
export function actualMinutes(step: MetricStep, now: number): number | null {
  if (!step.startedAt) return null;
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  return Math.max(0, (end - Date.parse(step.startedAt)) / MINUTE);
}

export function phaseProgress(phases: readonly { id: string; title: string }[], steps: readonly MetricStep[]) {
  return phases.map((phase) => {
    const inPhase = steps.filter((s) => s.phaseId === phase.id);
    const total = inPhase.reduce((sum, s) => sum + s.plannedMinutes, 0);
    const done = inPhase.filter((s) => isFinished(s.status)).reduce((sum, s) => sum + s.plannedMinutes, 0);
    return {
      phaseId: phase.id,
      title: phase.title,
      doneMinutes: done,
      totalMinutes: total,
      percent: total === 0 ? (inPhase.length > 0 && inPhase.every((s) => isFinished(s.status)) ? 100 : 0) : Math.floor((done / total) * 100),
      stepsClosed: inPhase.filter((s) => isFinished(s.status) || s.status === "FAILED").length,
      stepCount: inPhase.length,
      /** Whether any step of the phase was started, skipped or closed: an ended run shows the others as "not run". */
      ran: inPhase.some((s) => s.status !== "PENDING"),
    };
  });
}

/** Steps with their variance (actual − planned), largest overrun first. Running steps count their time so far. */
export function varianceRows(steps: readonly MetricStep[], now: number, limit = 10) {
  return steps
    .map((s) => {
      const actual = actualMinutes(s, now);
      return { id: s.id, number: s.number, title: s.title, status: s.status, plannedMinutes: s.plannedMinutes, actualMinutes: actual, varianceMinutes: actual === null ? null : actual - s.plannedMinutes };
    })
    .filter((r): r is typeof r & { actualMinutes: number; varianceMinutes: number } => r.varianceMinutes !== null && r.varianceMinutes > 0)
    .sort((a, b) => b.varianceMinutes - a.varianceMinutes)
    .slice(0, limit);
}

export interface BurndownPoint {
  at: number;
  remainingMinutes: number;
}

/**
 * Remaining planned minutes of the in-window steps over time: it starts at their total at the
 * window start and drops by a step's planned minutes when that step finishes. The ideal line
 * goes from the total at window start to zero at window end.
 */
export function burndown(input: { steps: readonly MetricStep[]; windowStart: number; windowEnd: number; now: number }) {
  const scope = input.steps.filter((s) => s.inWindow && s.kind !== "ROLLBACK");
  const total = scope.reduce((sum, s) => sum + s.plannedMinutes, 0);
  const finishes = scope
    .filter((s) => isFinished(s.status) && s.finishedAt)
    .map((s) => ({ at: Math.max(Date.parse(s.finishedAt!), input.windowStart), minutes: s.plannedMinutes }))
    .sort((a, b) => a.at - b.at);
  const actual: BurndownPoint[] = [{ at: input.windowStart, remainingMinutes: total }];
  let remaining = total;
  for (const finish of finishes) {
    remaining -= finish.minutes;
    const last = actual[actual.length - 1];
    if (last.at === finish.at) last.remainingMinutes = remaining;
    else actual.push({ at: finish.at, remainingMinutes: remaining });
  }
  const end = Math.min(Math.max(input.now, input.windowStart), Math.max(input.windowEnd, input.now));
  if (actual[actual.length - 1].at < end) actual.push({ at: end, remainingMinutes: remaining });
  const ideal: BurndownPoint[] = [
    { at: input.windowStart, remainingMinutes: total },
    { at: input.windowEnd, remainingMinutes: 0 },
  ];
  // Before the window opens, the time left is the whole window, not the wait plus the window.
  const timeLeftMinutes = Math.max(0, (input.windowEnd - Math.max(input.now, input.windowStart)) / MINUTE);
  return { totalMinutes: total, remainingMinutes: remaining, timeLeftMinutes, actual, ideal };
}

/** Planned and done minutes per team and per assignee. */
export function workload(steps: readonly MetricStep[]) {
  const group = (key: (s: MetricStep) => string) => {
    const map = new Map<string, { name: string; plannedMinutes: number; doneMinutes: number; steps: number; open: number }>();
    for (const s of steps) {
      const name = key(s);
      const row = map.get(name) ?? { name, plannedMinutes: 0, doneMinutes: 0, steps: 0, open: 0 };
      row.plannedMinutes += s.plannedMinutes;
      if (isFinished(s.status)) row.doneMinutes += s.plannedMinutes;
      else row.open += 1;
      row.steps += 1;
      map.set(name, row);
    }
    return [...map.values()].sort((a, b) => b.plannedMinutes - a.plannedMinutes || a.name.localeCompare(b.name));
  };
  // A set of teams counts as one workstream under its canonical text, so a run frozen before teams
  // were records ("OS+BA") groups with "BA+OS"; splitting it would count its minutes twice.
  return { byTeam: group((s) => canonicalizeTeamText(s.team) || "No team"), byAssignee: group((s) => s.assigneeName ?? "Unassigned") };
}

export function skippedAndFailed(steps: readonly MetricStep[]) {
  return steps.filter((s) => s.status === "SKIPPED" || s.status === "FAILED").map((s) => ({ id: s.id, number: s.number, title: s.title, status: s.status, reason: s.reason }));
}

/** Planned and actual bars for the Gantt, in minutes from the window start. */
export function timelineBars(input: { steps: readonly MetricStep[]; windowStart: number; now: number; criticalIds: ReadonlySet<string> }) {
  const { windowStart, now } = input;
  const scope = input.steps.filter((s) => s.inWindow && s.kind !== "ROLLBACK");
  // Rollback steps appear once they ran (after a No-Go), planned from their own start.
  const rollbacks = input.steps.filter((s) => s.kind === "ROLLBACK" && s.startedAt);
  // Planned bars follow the plan's schedule from the window start (lib/plan/timing.ts): each
  // step starts when its last in-window predecessor is planned to end plus any lag, and a
  // fixed-time step not before its time (parallel branches overlap, as planned).
  const { times } = scheduleSteps(
    scope.map((s) => ({ id: s.id, minutes: s.plannedMinutes, predecessorIds: s.predecessorIds ?? [], lags: s.predecessorLags, notBeforeMinute: s.notBeforeMinute })),
  );
  const endOf = (id: string) => times[id].finishMinute;
  return [...scope, ...rollbacks].map((s) => {
    const plannedStart = s.kind === "ROLLBACK" ? (Date.parse(s.startedAt!) - windowStart) / MINUTE : endOf(s.id) - s.plannedMinutes;
    const actualStart = s.startedAt ? (Date.parse(s.startedAt) - windowStart) / MINUTE : null;
    const actualEnd = s.startedAt ? ((s.finishedAt ? Date.parse(s.finishedAt) : now) - windowStart) / MINUTE : null;
    return {
      id: s.id,
      label: `${s.number}. ${s.title}`,
      planned: [plannedStart, plannedStart + s.plannedMinutes] as [number, number],
      actual: actualStart === null || actualEnd === null ? null : ([actualStart, actualEnd] as [number, number]),
      critical: input.criticalIds.has(s.id),
      status: s.status,
    };
  });
}

/** Rehearsal vs live: actual minutes per step side by side, and the totals. */
export function compareRuns(input: { steps: readonly { id: string; number: string; title: string; plannedMinutes: number }[]; left: ReadonlyMap<string, MetricStep>; right: ReadonlyMap<string, MetricStep>; now: number }) {
  const rows = input.steps.map((s) => {
    const a = input.left.get(s.id);
    const b = input.right.get(s.id);
    return {
      id: s.id,
      number: s.number,
      title: s.title,
      plannedMinutes: s.plannedMinutes,
      leftMinutes: a ? actualMinutes(a, input.now) : null,
      rightMinutes: b ? actualMinutes(b, input.now) : null,
    };
  });
  const sum = (xs: (number | null)[]) => xs.reduce<number>((total, x) => total + (x ?? 0), 0);
  return {
    rows,
    totals: { plannedMinutes: sum(rows.map((r) => r.plannedMinutes)), leftMinutes: sum(rows.map((r) => r.leftMinutes)), rightMinutes: sum(rows.map((r) => r.rightMinutes)) },
  };
}
