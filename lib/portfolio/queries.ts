import "server-only";
import { prisma } from "../platform/db/client";
import { forecastRun, overrunMinutes, runNotBeforeAt, type ForecastVerdict } from "../runs/forecast";
import { parseLags } from "../plan/timing";
import { listPresence } from "../platform/live/events";
import { splitProgress, stepsInScope, type RunModeName, type StepStatusName } from "../runs/model";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Actor } from "../platform/auth/permissions";
import { visibleProjectsWhere } from "../projects/access";

export interface PortfolioFilters {
  status: string | null;
  from: Date | null;
  to: Date | null;
  ownerId: string | null;
}

/**
 * The portfolio: every project with where it is, how far, whether it will make its window, what
 * is overdue and who is active. One query for projects, one for the latest runs' step states.
 */
export async function listPortfolio(options: { viewer: Actor; filters: PortfolioFilters; now?: number }) {
  const now = options.now ?? Date.now();
  const { filters } = options;
  // Only the projects the viewer may see (lib/projects/access.ts).
  const where: Prisma.ProjectWhereInput = { ...(await visibleProjectsWhere(options.viewer)) };
  if (filters.status) where.status = filters.status as Prisma.ProjectWhereInput["status"];
  if (filters.ownerId) where.createdById = filters.ownerId;
  if (filters.from || filters.to) where.windowStart = { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lte: filters.to } : {}) };
  const projects = await prisma.project.findMany({
    where,
    orderBy: { windowStart: "asc" },
    include: {
      createdBy: { select: { id: true, name: true } },
      runs: { orderBy: { startedAt: "desc" }, take: 1, include: { phases: { select: { id: true, title: true, position: true, inWindow: true } } } },
    },
  });
  const runIds = projects.flatMap((p) => p.runs.map((r) => r.id));
  // The cutover's window is the live run's (or the project's while there is none), never a
  // rehearsal's: a rehearsal on Tuesday afternoon says nothing about Saturday night.
  const liveRuns = await prisma.run.findMany({
    where: { projectId: { in: projects.map((p) => p.id) }, kind: "LIVE" },
    orderBy: { startedAt: "desc" },
    select: { projectId: true, windowStart: true, windowEnd: true },
  });
  const liveWindowByProject = new Map<string, { windowStart: Date; windowEnd: Date }>();
  for (const live of liveRuns) if (!liveWindowByProject.has(live.projectId)) liveWindowByProject.set(live.projectId, live);
  const stepRuns = runIds.length
    ? await prisma.stepRun.findMany({
        where: { runId: { in: runIds } },
        select: {
          runId: true,
          status: true,
          startedAt: true,
          startedByName: true,
          // The run's frozen copy of each step: what the run was started with, not today's plan.
          stepId: true,
          kind: true,
          plannedMinutes: true,
          runPhaseId: true,
          position: true,
          predecessorIds: true,
          predecessorLags: true,
          notBefore: true,
          finishedAt: true,
        },
      })
    : [];
  const byRun = new Map<string, typeof stepRuns>();
  for (const sr of stepRuns) byRun.set(sr.runId, [...(byRun.get(sr.runId) ?? []), sr]);

  return projects.map((project) => {
    const run = project.runs[0] ?? null;
    const phaseOf = new Map((run?.phases ?? []).map((p) => [p.id, p]));
    const rows = run ? (byRun.get(run.id) ?? []) : [];
    const mode = (run?.mode ?? "FORWARD") as RunModeName;
    const steps = rows.map((r) => {
      const phase = phaseOf.get(r.runPhaseId)!;
      return {
        id: r.stepId,
        kind: r.kind,
        plannedMinutes: r.plannedMinutes,
        status: r.status as StepStatusName,
        startedAt: r.startedAt?.toISOString() ?? null,
        finishedAt: r.finishedAt?.toISOString() ?? null,
        predecessorIds: JSON.parse(r.predecessorIds) as string[],
        predecessorLags: parseLags(r.predecessorLags),
        notBeforeAt: run ? runNotBeforeAt(r.notBefore, { kind: run.kind, windowStart: run.windowStart.getTime() }, project.timezone) : null,
        inWindow: phase.inWindow,
        position: phase.position * 100_000 + r.position,
        phaseId: phase.id,
        startedBy: r.startedByName,
      };
    });
    const scope = stepsInScope(steps, mode);
    const progress = splitProgress(steps, mode).headline;
    const cutover = liveWindowByProject.get(project.id) ?? project;
    const windowStart = cutover.windowStart.getTime();
    const windowEnd = cutover.windowEnd.getTime();
    // The forecast is the run's own, against the window that run is timed by.
    const forecast = run && run.status === "ACTIVE" ? forecastRun({ steps, mode, windowStart: run.windowStart.getTime(), windowEnd: run.windowEnd.getTime(), now }) : null;
    const current = [...scope].sort((a, b) => a.position - b.position).find((s) => s.status === "IN_PROGRESS") ?? [...scope].sort((a, b) => a.position - b.position).find((s) => s.status !== "DONE" && s.status !== "SKIPPED");
    const overdue = run && run.status === "ACTIVE" ? steps.filter((s) => overrunMinutes(s, now) > 0).length : 0;
    const active = new Set<string>([
      ...listPresence(project.id).map((v) => v.name),
      ...(run?.status === "ACTIVE" ? steps.filter((s) => s.status === "IN_PROGRESS" && s.startedBy).map((s) => s.startedBy!) : []),
    ]);
    return {
      id: project.id,
      name: project.name,
      status: project.status,
      sourceHost: project.sourceHost,
      targetHost: project.targetHost,
      timezone: project.timezone,
      owner: project.createdBy?.name ?? null,
      windowStart: new Date(windowStart).toISOString(),
      windowEnd: new Date(windowEnd).toISOString(),
      run: run ? { id: run.id, name: run.name, kind: run.kind, status: run.status, mode: run.mode } : null,
      currentPhase: current ? (phaseOf.get(current.phaseId)?.title ?? null) : null,
      percent: progress.percent,
      verdict: (forecast?.verdict ?? null) as ForecastVerdict | null,
      slackMinutes: forecast?.slackMinutes ?? null,
      forecastFinish: forecast ? new Date(forecast.finishAt).toISOString() : null,
      overdueSteps: overdue,
      activeNow: [...active],
    };
  });
}
export type PortfolioRow = Awaited<ReturnType<typeof listPortfolio>>[number];

/** The people who created projects the viewer may see (the owner filter names no one else). */
export async function listProjectOwners(options: { viewer: Actor }) {
  return prisma.user.findMany({ where: { createdProjects: { some: await visibleProjectsWhere(options.viewer) } }, select: { id: true, name: true }, orderBy: { name: "asc" } });
}
