import "server-only";
import { prisma, type Tx } from "../platform/db/client";
import { numberSteps } from "../plan/numbering";
import { NotFoundError } from "../platform/errors";
import { actualMinutes, outlierReason, type ComparisonRehearsal, type OutlierReason, type RehearsalComparison } from "./model";

/** Loads the plan and every rehearsal's measured steps in two queries. */
export async function getRehearsalComparison(options: { projectId: string }): Promise<RehearsalComparison> {
  return loadComparison(prisma, options.projectId);
}

export async function loadComparison(db: Pick<Tx, "project" | "run">, projectId: string): Promise<RehearsalComparison> {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      windowStart: true,
      windowEnd: true,
      phases: {
        orderBy: { position: "asc" },
        select: {
          title: true,
          inWindow: true,
          steps: { orderBy: { position: "asc" }, select: { id: true, title: true, kind: true, plannedMinutes: true, version: true, predecessors: { select: { predecessorId: true } } } },
        },
      },
    },
  });
  if (!project) throw new NotFoundError("Project");
  const runs = await db.run.findMany({
    where: { projectId: project.id, kind: "REHEARSAL" },
    orderBy: [{ startedAt: "desc" }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      status: true,
      startedAt: true,
      endedAt: true,
      stepRuns: { where: { status: "DONE" }, select: { stepId: true, status: true, startedAt: true, finishedAt: true } },
    },
  });
  const numbers = numberSteps(project.phases.map((p) => ({ steps: p.steps })));
  const plannedByStep = new Map(project.phases.flatMap((p) => p.steps.map((s) => [s.id, s.plannedMinutes] as const)));
  const actualsByStep = new Map<string, Record<string, number>>();
  const outliersByStep = new Map<string, Record<string, { minutes: number; reason: OutlierReason }>>();
  const rehearsals: ComparisonRehearsal[] = [];
  for (const run of runs) {
    let measured = 0;
    for (const stepRun of run.stepRuns) {
      const minutes = actualMinutes(stepRun);
      if (minutes === null) continue;
      measured += 1;
      const planned = plannedByStep.get(stepRun.stepId);
      const reason = planned === undefined ? null : outlierReason({ ms: stepRun.finishedAt!.getTime() - stepRun.startedAt!.getTime(), plannedMinutes: planned });
      const target = reason ? outliersByStep : actualsByStep;
      const samples = target.get(stepRun.stepId) ?? {};
      (samples as Record<string, unknown>)[run.id] = reason ? { minutes, reason } : minutes;
      target.set(stepRun.stepId, samples as never);
    }
    if (measured > 0) {
      rehearsals.push({ id: run.id, name: run.name, status: run.status, startedAt: run.startedAt.toISOString(), endedAt: run.endedAt?.toISOString() ?? null, measuredSteps: measured });
    }
  }
  const steps = project.phases.flatMap((phase) =>
    phase.steps.map((step) => ({
      id: step.id,
      number: numbers.get(step.id)!,
      title: step.title,
      phaseTitle: phase.title,
      kind: step.kind,
      inWindow: phase.inWindow,
      predecessorIds: step.predecessors.map((p) => p.predecessorId),
      plannedMinutes: step.plannedMinutes,
      version: step.version,
      actuals: actualsByStep.get(step.id) ?? {},
      outliers: outliersByStep.get(step.id) ?? {},
    })),
  );
  return { rehearsals, steps, windowMinutes: Math.round((project.windowEnd.getTime() - project.windowStart.getTime()) / 60_000) };
}
