import "server-only";
import { getProjectPlan } from "../projects/service";
import { numberSteps } from "./numbering";
import type { FleetActionName } from "../runs/model";

/** The plan as small serialisable props for the plan editor and viewer. */
export async function getPlanView(options: { projectId: string }) {
  const project = await getProjectPlan(options);
  const numbers = numberSteps(project.phases);
  return {
    project: {
      id: project.id,
      name: project.name,
      description: project.description,
      sourceHost: project.sourceHost,
      targetHost: project.targetHost,
      product: project.product,
      hostnameStrategy: project.hostnameStrategy,
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
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        assigneeId: step.assigneeId,
        assigneeName: step.assignee?.name ?? null,
        plannedMinutes: step.plannedMinutes,
        kind: step.kind,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction as FleetActionName | null,
        version: step.version,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
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
      startedBy: run.startedBy?.name ?? null,
    })),
  };
}
export type PlanView = Awaited<ReturnType<typeof getPlanView>>;
export type PlanStep = PlanView["phases"][number]["steps"][number];
