import "server-only";
import { prisma } from "../platform/db/client";
import { compareRuns, burndown, phaseProgress, skippedAndFailed, timelineBars, varianceRows, workload, type MetricStep } from "./metrics";
import { forecastRun, rollbackDeadline } from "../runs/forecast";
import { getRunBoard, type RunBoardStep } from "../runs/queries";
import { splitProgress } from "../runs/model";

const toMetric = (s: RunBoardStep & { windowStart: string }): MetricStep => ({
  id: s.id,
  number: s.number,
  title: s.title,
  phaseId: s.phaseId,
  kind: s.kind,
  team: s.team,
  assigneeName: s.assigneeName,
  plannedMinutes: s.plannedMinutes,
  status: s.status,
  startedAt: s.startedAt,
  finishedAt: s.finishedAt,
  reason: s.reason,
  inWindow: s.inWindow,
  predecessorIds: s.predecessorIds,
  predecessorLags: s.predecessorLags,
  notBeforeMinute: s.notBeforeAt === null ? null : (s.notBeforeAt - Date.parse(s.windowStart)) / 60_000,
});

/** Every figure of the run dashboard, computed once on the server at `now`. */
export async function getRunDashboard(options: { runId: string; compareRunId?: string | null; now?: number }) {
  const board = await getRunBoard({ runId: options.runId });
  const { run, steps, phases, project } = board;
  // An ended run is measured at its end: nothing keeps counting afterwards.
  const now = run.endedAt ? Date.parse(run.endedAt) : (options.now ?? Date.now());
  const mode = run.mode as "FORWARD" | "ROLLBACK";
  const metricSteps = steps.map((s) => toMetric({ ...s, windowStart: run.windowStart }));
  const windowStart = Date.parse(run.windowStart);
  const windowEnd = Date.parse(run.windowEnd);
  const forecastSteps = steps.map((s) => ({ id: s.id, kind: s.kind, plannedMinutes: s.plannedMinutes, status: s.status, startedAt: s.startedAt, finishedAt: s.finishedAt, predecessorIds: s.predecessorIds, predecessorLags: s.predecessorLags, notBeforeAt: s.notBeforeAt, inWindow: s.inWindow, position: s.position }));
  const forecast = forecastRun({ steps: forecastSteps, mode, windowStart, windowEnd, now });
  const deadline = rollbackDeadline({ steps: forecastSteps, windowEnd, now, mode });
  const critical = new Set(forecast.criticalStepIds);

  // The comparison partner: the chosen run, else the latest other run of the other kind.
  const otherRuns = await prisma.run.findMany({ where: { projectId: project.id, id: { not: run.id } }, orderBy: { startedAt: "desc" }, select: { id: true, name: true, kind: true } });
  const partner = otherRuns.find((r) => r.id === options.compareRunId) ?? otherRuns.find((r) => r.kind !== run.kind) ?? null;
  let comparison = null;
  if (partner) {
    const partnerBoard = await getRunBoard({ runId: partner.id });
    const forward = steps.filter((s) => s.kind !== "ROLLBACK");
    const rehearsalFirst = run.kind === "LIVE";
    const mine = new Map(metricSteps.map((s) => [s.id, s]));
    const theirs = new Map(partnerBoard.steps.map((s) => [s.id, toMetric({ ...s, windowStart: partnerBoard.run.windowStart })]));
    comparison = {
      leftName: rehearsalFirst ? partner.name : run.name,
      rightName: rehearsalFirst ? run.name : partner.name,
      ...compareRuns({ steps: forward, left: rehearsalFirst ? theirs : mine, right: rehearsalFirst ? mine : theirs, now }),
    };
  }

  return {
    now,
    run,
    project,
    progress: splitProgress(steps, mode),
    forecast,
    deadline,
    phases: phaseProgress(phases, metricSteps),
    variance: varianceRows(metricSteps, now, 10),
    burndown: burndown({ steps: metricSteps, windowStart, windowEnd, now }),
    workload: workload(metricSteps.filter((s) => s.kind !== "ROLLBACK")),
    exceptions: skippedAndFailed(metricSteps),
    timeline: timelineBars({ steps: metricSteps, windowStart, now, criticalIds: critical }),
    comparison,
    otherRuns,
  };
}
export type RunDashboard = Awaited<ReturnType<typeof getRunDashboard>>;
