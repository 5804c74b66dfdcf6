import "server-only";
import { appendAuditEvent } from "./audit";
import { prisma, type Tx } from "./db/client";
import { runTransaction } from "./db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors";
import { canCreateProject, canEditProject, type Actor } from "./permissions";
import { runbookDocumentSchema, type RunbookDocument, type RunbookDocumentInput } from "./runbook-document";
import { netbackupKeepHostnameTemplate } from "./templates/netbackup-keep-hostname";
import type { createProjectInput, updateProjectInput } from "./validation";
import type { z } from "zod";

type ActingUser = Actor & { name: string };

export const BUILT_IN_TEMPLATES: Record<string, RunbookDocumentInput> = {
  "netbackup-keep-hostname": netbackupKeepHostnameTemplate,
};

export async function listProjectsForUser(_options: { user: Actor }) {
  // Every role reads every project; the argument is here so a future per-team scope has one place to go.
  return prisma.project.findMany({
    orderBy: [{ windowStart: "desc" }],
    include: {
      runs: { orderBy: { startedAt: "desc" }, take: 1, select: { id: true, kind: true, status: true, mode: true, name: true, startedAt: true } },
      _count: { select: { steps: true } },
    },
  });
}

export async function getProject(options: { projectId: string }) {
  const project = await prisma.project.findUnique({ where: { id: options.projectId } });
  if (!project) throw new NotFoundError("Project");
  return project;
}

/** The plan: phases in order, each with its steps in order, their predecessors and assignees. */
export async function getProjectPlan(options: { projectId: string }) {
  const project = await prisma.project.findUnique({
    where: { id: options.projectId },
    include: {
      phases: {
        orderBy: { position: "asc" },
        include: {
          steps: {
            orderBy: { position: "asc" },
            include: { predecessors: { select: { predecessorId: true } }, assignee: { select: { id: true, name: true } } },
          },
        },
      },
      runs: { orderBy: { startedAt: "desc" }, include: { startedBy: { select: { name: true } } } },
    },
  });
  if (!project) throw new NotFoundError("Project");
  return project;
}

function projectSnapshot(p: { name: string; sourceHost: string; targetHost: string; hostnameStrategy: string; timezone: string; windowStart: Date; windowEnd: Date; status: string; mediaServers: string; description: string; product: string }) {
  return {
    name: p.name,
    description: p.description,
    product: p.product,
    sourceHost: p.sourceHost,
    targetHost: p.targetHost,
    hostnameStrategy: p.hostnameStrategy,
    mediaServers: p.mediaServers,
    timezone: p.timezone,
    windowStart: p.windowStart,
    windowEnd: p.windowEnd,
    status: p.status,
  };
}

export async function createProject(options: { actor: ActingUser; input: z.infer<typeof createProjectInput> }) {
  const { actor, input } = options;
  if (!canCreateProject(actor)) throw new ForbiddenError("Only admins can create projects.");
  const { template, mediaServers, ...fields } = input;
  return runTransaction(async (tx) => {
    const project = await tx.project.create({
      data: { ...fields, mediaServers: JSON.stringify(mediaServers), createdById: actor.id },
    });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.create",
      entityType: "project",
      entityId: project.id,
      before: null,
      after: { ...projectSnapshot(project), template },
    });
    if (template !== "empty") {
      const document = runbookDocumentSchema.parse(BUILT_IN_TEMPLATES[template]);
      await instantiateRunbook(tx, { projectId: project.id, document });
    }
    return project;
  });
}

/**
 * Writes a runbook document's phases, steps and predecessors into a project. Used for
 * templates and imports; the caller's transaction makes it all-or-nothing.
 */
export async function instantiateRunbook(tx: Tx, options: { projectId: string; document: RunbookDocument; assigneeByTeam?: Record<string, string> }) {
  const { projectId, document } = options;
  const idByKey = new Map<string, string>();
  const firstPhase = await tx.phase.findFirst({ where: { projectId }, orderBy: { position: "desc" }, select: { position: true } });
  let phasePosition = (firstPhase?.position ?? 0) + 1;
  for (const phase of document.phases) {
    const createdPhase = await tx.phase.create({
      data: { projectId, title: phase.title, description: phase.description, inWindow: phase.inWindow, position: phasePosition++ },
    });
    let stepPosition = 1;
    for (const step of phase.steps) {
      const created = await tx.step.create({
        data: {
          projectId,
          phaseId: createdPhase.id,
          position: stepPosition++,
          title: step.title,
          details: step.details,
          commands: step.commands,
          verification: step.verification,
          team: step.team,
          plannedMinutes: step.plannedMinutes,
          kind: step.kind,
          isFleet: step.isFleet,
          fleetAction: step.fleetAction,
          assigneeId: options.assigneeByTeam?.[step.team] ?? null,
        },
        select: { id: true },
      });
      idByKey.set(step.key, created.id);
    }
  }
  const dependencies = document.phases.flatMap((phase) =>
    phase.steps.flatMap((step) => step.predecessors.map((key) => ({ stepId: idByKey.get(step.key)!, predecessorId: idByKey.get(key)! }))),
  );
  if (dependencies.length > 0) await tx.stepDependency.createMany({ data: dependencies });
  return idByKey;
}

export async function updateProject(options: { actor: ActingUser; projectId: string; input: z.infer<typeof updateProjectInput> }) {
  const { actor, projectId, input } = options;
  if (!canEditProject(actor)) throw new ForbiddenError("Only admins can edit projects.");
  return runTransaction(async (tx) => {
    const before = await tx.project.findUnique({ where: { id: projectId } });
    if (!before) throw new NotFoundError("Project");
    const { mediaServers, ...rest } = input;
    const windowStart = input.windowStart ?? before.windowStart;
    const windowEnd = input.windowEnd ?? before.windowEnd;
    if (windowEnd.getTime() <= windowStart.getTime()) {
      throw new ValidationError("The window must end after it starts.", { windowEnd: ["The window must end after it starts."] });
    }
    const after = await tx.project.update({
      where: { id: projectId },
      data: { ...rest, ...(mediaServers !== undefined ? { mediaServers: JSON.stringify(mediaServers) } : {}) },
    });
    await appendAuditEvent(tx, {
      actor,
      projectId,
      action: "project.update",
      entityType: "project",
      entityId: projectId,
      before: projectSnapshot(before),
      after: projectSnapshot(after),
    });
    return after;
  });
}

