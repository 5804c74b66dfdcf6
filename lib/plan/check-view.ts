import "server-only";
import { clientFamily } from "../fleet/model";
import type { RoleName } from "../platform/auth/roles";
import { prisma } from "../platform/db/client";
import { NotFoundError } from "../platform/errors";
import { projectRoleOf } from "../projects/access";
import { resolvableProjectPlaceholders } from "../templates/placeholders";
import { checkPlan, type PlanCheckResult } from "./check";
import { numberSteps } from "./numbering";

/**
 * The plan check (lib/plan/check.ts) of a project's current plan, with what only the server
 * knows: each assignee's role in this project (a viewer-member, a deactivated account or someone
 * who can't see the project can't act), how many of its clients are agentless, and which host
 * placeholders the project fills. The project page shows it, and the start-run dialogs again.
 */
export async function checkProjectPlan(options: { projectId: string }): Promise<PlanCheckResult> {
  const project = await prisma.project.findUnique({
    where: { id: options.projectId },
    select: {
      id: true,
      sourceHost: true,
      targetHost: true,
      windowStart: true,
      windowEnd: true,
      timezone: true,
      fleetClients: { select: { os: true, hardware: true } },
      phases: {
        orderBy: { position: "asc" },
        select: {
          title: true,
          inWindow: true,
          steps: {
            orderBy: { position: "asc" },
            select: {
              id: true,
              title: true,
              kind: true,
              plannedMinutes: true,
              commands: true,
              isFleet: true,
              fleetAction: true,
              noGoOutcome: true,
              notBefore: true,
              predecessors: { select: { predecessorId: true, lagMinutes: true } },
              assignee: { select: { id: true, name: true, role: true, deactivatedAt: true } },
            },
          },
        },
      },
    },
  });
  if (!project) throw new NotFoundError("Project");
  const numbers = numberSteps(project.phases);
  // Each assignee's role in this project, read once per person before the check (which is synchronous).
  const assignees = new Map(project.phases.flatMap((phase) => phase.steps.flatMap((step) => (step.assignee ? [[step.assignee.id, step.assignee] as const] : []))));
  const roleCache = new Map<string, RoleName>();
  await Promise.all(
    [...assignees.values()].map(async (user) => {
      // No access to the project at all acts like a viewer here: they can't tick its steps either.
      const role = user.deactivatedAt ? "VIEWER" : ((await projectRoleOf({ user: { id: user.id, role: user.role as RoleName }, projectId: project.id })) ?? "VIEWER");
      roleCache.set(user.id, role);
    }),
  );
  const roleOf = (user: { id: string }): RoleName => roleCache.get(user.id) ?? "VIEWER";
  return checkPlan({
    windowMinutes: Math.round((project.windowEnd.getTime() - project.windowStart.getTime()) / 60_000),
    windowStart: { at: project.windowStart.getTime(), timeZone: project.timezone },
    clientFamilies: { agentless: project.fleetClients.filter((c) => clientFamily(c) === "AGENTLESS").length },
    resolvedPlaceholders: resolvableProjectPlaceholders(project),
    phases: project.phases.map((phase) => ({
      title: phase.title,
      inWindow: phase.inWindow,
      steps: phase.steps.map((step) => ({
        id: step.id,
        number: numbers.get(step.id) ?? "?",
        title: step.title,
        kind: step.kind,
        plannedMinutes: step.plannedMinutes,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
        commands: step.commands,
        assignee: step.assignee ? { role: roleOf(step.assignee), name: step.assignee.name } : null,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        noGoOutcome: step.noGoOutcome,
        notBefore: step.notBefore,
        predecessorLags: Object.fromEntries(step.predecessors.filter((p) => p.lagMinutes > 0).map((p) => [p.predecessorId, p.lagMinutes])),
      })),
    })),
  });
}
