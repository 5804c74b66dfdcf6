import "server-only";
import { settleStepTeams } from "../teams/service";
import { recordPlanVersion } from "../plan/versions";
import { appendAuditEvent } from "../audit/service";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { canCreateProject, canEditProject, type ActingUser } from "../platform/auth/permissions";
import { runbookDocumentSchema, type RunbookDocument } from "../templates/runbook-document";
import { EMPTY_PLAN, IMPORTED_PLAN } from "../templates/ids";
import { fillHostPlaceholders } from "../templates/placeholders";
import { resolveTemplateDocument } from "../templates/resolve";
import { fieldErrorsOf } from "../platform/validation";
import { type createProjectInput, type updateProjectInput } from "./schemas";
import type { z } from "zod";

/** The built-in templates by id (lib/templates/built-in.ts); saved ones live in the Template table. */
export { BUILT_IN_TEMPLATES } from "../templates/built-in";

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
      runs: { orderBy: { startedAt: "desc" } },
    },
  });
  if (!project) throw new NotFoundError("Project");
  return project;
}

function projectSnapshot(p: {
  name: string;
  sourceHost: string;
  targetHost: string;
  hostnameStrategy: string;
  netbackupVersion: string;
  platformPath: string;
  changeTicket: string;
  changeLinkTemplate: string;
  timezone: string;
  windowStart: Date;
  windowEnd: Date;
  status: string;
  mediaServers: string;
  description: string;
  product: string;
}) {
  return {
    netbackupVersion: p.netbackupVersion,
    platformPath: p.platformPath,
    changeTicket: p.changeTicket,
    changeLinkTemplate: p.changeLinkTemplate,
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

/**
 * Creates a project and its plan in one transaction. The plan comes from a built-in template, a
 * saved template (its id), an imported file (`template: "import"` with `document`), or nothing.
 * Host placeholders in the template (`<source-host>`, `<old-master>`…) get the project's hosts.
 */
export async function createProject(options: { actor: ActingUser; input: z.infer<typeof createProjectInput> }) {
  const { actor, input } = options;
  if (!canCreateProject(actor)) throw new ForbiddenError("Only admins can create projects.");
  const { template, document: importedDocument, mediaServers, ...fields } = input;
  // The imported plan is checked here, not in createProjectInput: runbook-document.ts imports validation.ts.
  let imported: RunbookDocument | null = null;
  if (template === IMPORTED_PLAN) {
    const parsed = runbookDocumentSchema.safeParse(importedDocument);
    if (!parsed.success) {
      const fieldErrors = Object.fromEntries(Object.entries(fieldErrorsOf(parsed.error)).map(([path, messages]) => [path === "_" ? "document" : `document.${path}`, messages]));
      throw new ValidationError("The imported plan doesn't match the runbook format. Nothing was created.", fieldErrors);
    }
    imported = parsed.data;
  }
  return runTransaction(async (tx) => {
    const project = await tx.project.create({
      data: { ...fields, mediaServers: JSON.stringify(mediaServers), createdById: actor.id },
    });
    // Built-in NetBackup templates come tailored to the project's version family and platform path
    // (read back from the row, so the schema's defaults apply when the input leaves them out). An
    // unknown template throws here and the transaction drops the project row with it.
    const source = imported
      ? { document: imported, name: imported.name }
      : template === EMPTY_PLAN
        ? null
        : await resolveTemplateDocument(tx, { templateId: template, variant: { version: project.netbackupVersion, path: project.platformPath } });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.create",
      entityType: "project",
      entityId: project.id,
      before: null,
      after: { ...projectSnapshot(project), template, ...(source ? { templateName: source.name } : {}) },
    });
    if (source) {
      const document = fillHostPlaceholders(source.document, { sourceHost: project.sourceHost, targetHost: project.targetHost });
      await instantiateRunbook(tx, { projectId: project.id, document, actor, via: `template "${source.name}"` });
    }
    await recordPlanVersion(tx, { projectId: project.id, actor, summary: source ? `Created from "${source.name}"` : "Created empty" });
    return project;
  });
}

/**
 * Writes a runbook document's phases, steps and predecessors into a project. Used for
 * templates and imports; the caller's transaction makes it all-or-nothing.
 */
export async function instantiateRunbook(tx: Tx, options: { projectId: string; document: RunbookDocument; /** Who the teams it creates are recorded as created by (null: the system, e.g. a seed). */ actor?: ActingUser | null; via?: string; /** False when the caller's own event lists the teams created. */ auditTeams?: boolean; assigneeByTeam?: Record<string, string> }) {
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
          noGoOutcome: step.noGoOutcome,
          gateApprovers: JSON.stringify(step.gateApprovers),
          fourEyes: step.fourEyes,
          requiredFields: JSON.stringify(step.requiredFields),
          notBefore: step.notBefore ?? "",
          assigneeId: options.assigneeByTeam?.[step.team] ?? null,
        },
        select: { id: true },
      });
      idByKey.set(step.key, created.id);
    }
  }
  const dependencies = document.phases.flatMap((phase) =>
    phase.steps.flatMap((step) => step.predecessors.map((key) => ({ stepId: idByKey.get(step.key)!, predecessorId: idByKey.get(key)!, lagMinutes: step.lags?.[key] ?? 0 }))),
  );
  if (dependencies.length > 0) await tx.stepDependency.createMany({ data: dependencies });
  // Templates and files name teams as free text ("OS+BA", "Network"): mapped to the team records
  // here, unknown names becoming teams, so a template written by hand can't bypass the list.
  await settleStepTeams(tx, { stepIds: [...idByKey.values()], actor: options.actor ?? null, via: options.via ?? "plan", projectId, audit: options.auditTeams });
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

