import "server-only";
import { getProjectPlan } from "../projects/service";
import { changeTicketUrl } from "../projects/model";
import { prisma } from "../platform/db/client";
import { NotFoundError } from "../platform/errors";
import { numberSteps } from "./numbering";
import { UNDO_SUMMARY_PREFIX } from "./model";
import { stepFactsOf } from "./model";
import { diffPlans, type PlanDiff } from "./snapshot";
import { planStepTimes } from "./check";
import { getPlanVersionSnapshot, listPlanVersions } from "./versions";
import type { FleetActionName } from "../runs/model";

/** The plan as small serialisable props for the plan editor and viewer. */
export async function getPlanView(options: { projectId: string; viewerId?: string }) {
  const project = await getProjectPlan(options);
  const numbers = numberSteps(project.phases);
  // Lags live on the dependency rows; the plan loader only names the predecessors.
  const lagRows = await prisma.stepDependency.findMany({ where: { step: { projectId: project.id }, lagMinutes: { gt: 0 } }, select: { stepId: true, predecessorId: true, lagMinutes: true } });
  const lagsByStep = new Map<string, Record<string, number>>();
  for (const row of lagRows) lagsByStep.set(row.stepId, { ...lagsByStep.get(row.stepId), [row.predecessorId]: row.lagMinutes });
  // Planned clock times of the in-window forward steps, from the window start (lib/plan/timing.ts).
  const windowStart = project.windowStart.getTime();
  const { times } = planStepTimes(
    project.phases.map((phase) => ({
      title: phase.title,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({ id: step.id, number: "", title: step.title, kind: step.kind, plannedMinutes: step.plannedMinutes, predecessorIds: step.predecessors.map((p) => p.predecessorId), predecessorLags: lagsByStep.get(step.id), notBefore: step.notBefore, commands: "", assignee: null, isFleet: false, fleetAction: null })),
    })),
    { at: windowStart, timeZone: project.timezone },
  );
  const plannedOf = (id: string) => {
    const t = times[id];
    return t ? { start: new Date(windowStart + t.startMinute * 60_000).toISOString(), finish: new Date(windowStart + t.finishMinute * 60_000).toISOString(), fixed: t.fixed === true } : null;
  };
  // The newest plan version: the sheet's undo offers to take it back when it is the viewer's own edit.
  const latest = await prisma.planVersion.findFirst({ where: { projectId: project.id }, orderBy: { version: "desc" }, select: { version: true, actorId: true, actorName: true, summary: true } });
  return {
    latestVersion: latest
      ? {
          version: latest.version,
          actorName: latest.actorName,
          summary: latest.summary,
          /** The viewer's own edit, and not itself an undo: the sheet offers to take it back. */
          undoable: latest.version > 1 && options.viewerId !== undefined && latest.actorId === options.viewerId && !latest.summary.startsWith(UNDO_SUMMARY_PREFIX),
        }
      : null,
    project: {
      id: project.id,
      name: project.name,
      description: project.description,
      sourceHost: project.sourceHost,
      targetHost: project.targetHost,
      product: project.product,
      hostnameStrategy: project.hostnameStrategy,
      netbackupVersion: project.netbackupVersion,
      platformPath: project.platformPath,
      changeTicket: project.changeTicket,
      changeUrl: changeTicketUrl(project),
      mediaServers: JSON.parse(project.mediaServers) as string[],
      timezone: project.timezone,
      windowStart: project.windowStart.toISOString(),
      windowEnd: project.windowEnd.toISOString(),
      status: project.status,
    },
    phases: project.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      description: phase.description,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        id: step.id,
        number: numbers.get(step.id)!,
        phaseId: step.phaseId,
        ...stepFactsOf(step),
        assigneeName: step.assignee?.name ?? null,
        version: step.version,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
        /** Minutes to wait after a predecessor, by its id (only lags > 0). */
        predecessorLags: lagsByStep.get(step.id) ?? {},
        /** Planned start and finish (instants) for in-window forward steps, or null. */
        planned: plannedOf(step.id),
      })),
    })),
    runs: project.runs.map((run) => ({
      id: run.id,
      name: run.name,
      kind: run.kind,
      status: run.status,
      mode: run.mode,
      startedAt: run.startedAt.toISOString(),
      endedAt: run.endedAt?.toISOString() ?? null,
      startedBy: run.startedByName,
    })),
  };
}
export type PlanView = Awaited<ReturnType<typeof getPlanView>>;
export type PlanStep = PlanView["phases"][number]["steps"][number];

/**
 * The plan's history: every version (who, when, what), and the difference between two of them
 * when asked (`from` → `to`; either missing means "the one before `to`" and "the newest").
 */
export async function getPlanHistory(options: { projectId: string; from: number | null; to: number | null }) {
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true, name: true, timezone: true } });
  if (!project) throw new NotFoundError("Project");
  const versions = await listPlanVersions({ projectId: project.id });
  const newest = versions[0]?.version ?? null;
  const to = options.to ?? newest;
  const from = options.from ?? (to !== null && to > 1 ? to - 1 : null);
  let comparison: { from: number; to: number; diff: PlanDiff } | null = null;
  if (to !== null && from !== null && versions.some((v) => v.version === from) && versions.some((v) => v.version === to)) {
    const [a, b] = await Promise.all([getPlanVersionSnapshot({ projectId: project.id, version: from }), getPlanVersionSnapshot({ projectId: project.id, version: to })]);
    comparison = { from, to, diff: diffPlans(a, b) };
  }
  return { project, versions, comparison };
}
export type PlanHistory = Awaited<ReturnType<typeof getPlanHistory>>;
