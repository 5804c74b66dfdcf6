import "server-only";
import type { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { canManageTemplates, type ActingUser } from "../platform/auth/permissions";
import { runbookDocumentSchema, type RunbookDocument } from "./runbook-document";
import { planToRunbookDocument } from "./from-project";
import { parseGateApprovers, parseRequiredFields } from "../plan/model";
import { BUILT_IN_TEMPLATE_IDS, isBuiltInTemplateId, NETBACKUP_VARIANTS, netbackupVariantKey, SAVED_TEMPLATE_ID } from "./ids";
import { isTailoredTemplate } from "./netbackup-variants";
import { builtInDocument, parseStoredBody } from "./resolve";
import type { createTemplateInput, saveAsTemplateInput, updateTemplateInput } from "./schemas";
import { summarizeRunbook, type RunbookSummary } from "./summary";

/**
 * The template library (built-in templates from code, saved ones from the Template table), and
 * "save project as template". Every mutation is one transaction with its audit event.
 *
 * Any admin may edit or delete any saved template: templates belong to the team, and a template
 * whose author left must stay maintainable. Built-ins are read-only; duplicate one to change it.
 */
export interface TemplateListItem {
  /** A built-in id ("netbackup-keep-hostname") or a saved template's cuid. */
  id: string;
  builtIn: boolean;
  name: string;
  description: string;
  /** Null when a saved body no longer matches the document schema (then `problem` says why). */
  summary: RunbookSummary | null;
  /**
   * Built-in NetBackup templates: the preview of each version family and platform path, keyed by
   * netbackupVariantKey(), so the new-project form shows the plan the project will get.
   */
  variants?: Record<string, RunbookSummary>;
  problem: string | null;
  createdBy: string | null;
  updatedAt: string | null;
}

/** Documents are bounded by their schema, but a body this large is a mistake, not a runbook. */
const MAX_BODY_CHARS = 2_000_000;

function requireTemplateManager(actor: ActingUser) {
  if (!canManageTemplates(actor)) throw new ForbiddenError("Only admins can manage templates.");
}

function builtInItem(id: (typeof BUILT_IN_TEMPLATE_IDS)[number]): TemplateListItem {
  const document = builtInDocument(id);
  const variants = isTailoredTemplate(id) ? Object.fromEntries(NETBACKUP_VARIANTS.map((variant) => [netbackupVariantKey(variant), summarizeRunbook(builtInDocument(id, variant))])) : undefined;
  return { id, builtIn: true, name: document.name, description: document.description, summary: summarizeRunbook(document), ...(variants ? { variants } : {}), problem: null, createdBy: null, updatedAt: null };
}

type StoredTemplate = { id: string; name: string; description: string; body: string; updatedAt: Date; createdBy: { name: string } | null };

function savedItem(template: StoredTemplate): TemplateListItem {
  const parsed = parseStoredBody(template.body);
  return {
    id: template.id,
    builtIn: false,
    name: template.name,
    description: template.description,
    summary: parsed.ok ? summarizeRunbook(parsed.document) : null,
    problem: parsed.ok ? null : parsed.problem,
    createdBy: template.createdBy?.name ?? null,
    updatedAt: template.updatedAt.toISOString(),
  };
}

/** Built-ins first (in their fixed order), then saved templates by name. */
export async function listTemplates(): Promise<TemplateListItem[]> {
  const saved = await prisma.template.findMany({ orderBy: [{ name: "asc" }, { createdAt: "asc" }], include: { createdBy: { select: { name: true } } } });
  return [...BUILT_IN_TEMPLATE_IDS.map(builtInItem), ...saved.map(savedItem)];
}

/** One template with its document, for the template page and the JSON editor. */
export async function getTemplate(options: { templateId: string }): Promise<{ item: TemplateListItem; document: RunbookDocument | null; body: string }> {
  if (isBuiltInTemplateId(options.templateId)) {
    const document = builtInDocument(options.templateId);
    return { item: builtInItem(options.templateId), document, body: JSON.stringify(document, null, 2) };
  }
  if (!SAVED_TEMPLATE_ID.test(options.templateId)) throw new NotFoundError("Template");
  const template = await prisma.template.findUnique({ where: { id: options.templateId }, include: { createdBy: { select: { name: true } } } });
  if (!template) throw new NotFoundError("Template");
  const parsed = parseStoredBody(template.body);
  return { item: savedItem(template), document: parsed.ok ? parsed.document : null, body: parsed.ok ? JSON.stringify(parsed.document, null, 2) : template.body };
}

/** Name and description live in their columns and are mirrored into the document, so an exported body is self-describing. */
function bodyOf(document: RunbookDocument, name: string, description: string): string {
  const body = JSON.stringify({ ...document, name, description });
  if (body.length > MAX_BODY_CHARS) throw new ValidationError(`The template is larger than ${MAX_BODY_CHARS / 1_000_000} MB.`, { document: ["Too large."] });
  return body;
}

const templateSnapshot = (t: { name: string; description: string; body: string }) => ({ name: t.name, description: t.description, document: JSON.parse(t.body) as unknown });

async function insertTemplate(tx: Tx, options: { actor: ActingUser; name: string; description: string; document: RunbookDocument; action: string; projectId?: string | null; extra?: Record<string, unknown> }) {
  const template = await tx.template.create({
    data: { name: options.name, description: options.description, body: bodyOf(options.document, options.name, options.description), createdById: options.actor.id },
  });
  await appendAuditEvent(tx, {
    actor: options.actor,
    projectId: options.projectId ?? null,
    action: options.action,
    entityType: "template",
    entityId: template.id,
    before: null,
    after: { ...templateSnapshot(template), ...options.extra },
  });
  return template;
}

export async function createTemplate(options: { actor: ActingUser; input: z.infer<typeof createTemplateInput> }) {
  requireTemplateManager(options.actor);
  const { name, description, document } = options.input;
  return runTransaction((tx) => insertTemplate(tx, { actor: options.actor, name, description, document, action: "template.create" }));
}

export async function updateTemplate(options: { actor: ActingUser; templateId: string; input: z.infer<typeof updateTemplateInput> }) {
  requireTemplateManager(options.actor);
  if (isBuiltInTemplateId(options.templateId)) throw new ForbiddenError("Built-in templates can't be edited. Duplicate it and edit the copy.");
  const { input } = options;
  return runTransaction(async (tx) => {
    const before = await tx.template.findUnique({ where: { id: options.templateId } });
    if (!before) throw new NotFoundError("Template");
    if (before.updatedAt.toISOString() !== new Date(input.expectedUpdatedAt).toISOString()) {
      throw new ConflictError("Another admin saved this template while you were editing. Reload to see their change; nothing was saved.");
    }
    const name = input.name ?? before.name;
    const description = input.description ?? before.description;
    let document: RunbookDocument;
    if (input.document) document = input.document;
    else {
      const stored = parseStoredBody(before.body);
      if (!stored.ok) throw new ValidationError(`${stored.problem} Paste a corrected body to save.`, { document: [stored.problem] });
      document = stored.document;
    }
    const updated = await tx.template.updateMany({
      where: { id: before.id, updatedAt: before.updatedAt },
      data: { name, description, body: bodyOf(document, name, description) },
    });
    if (updated.count === 0) throw new ConflictError("Another admin saved this template while you were editing. Reload to see their change; nothing was saved.");
    const after = await tx.template.findUniqueOrThrow({ where: { id: before.id } });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: null,
      action: "template.update",
      entityType: "template",
      entityId: before.id,
      before: templateSnapshot(before),
      after: templateSnapshot(after),
    });
    return after;
  });
}

/** Copies a built-in or a saved template into a new saved template ("Copy of …"). */
export async function duplicateTemplate(options: { actor: ActingUser; templateId: string }) {
  requireTemplateManager(options.actor);
  return runTransaction(async (tx) => {
    let source: { name: string; description: string; document: RunbookDocument };
    if (isBuiltInTemplateId(options.templateId)) {
      const document = builtInDocument(options.templateId);
      source = { name: document.name, description: document.description, document };
    } else {
      const template = await tx.template.findUnique({ where: { id: options.templateId } });
      if (!template) throw new NotFoundError("Template");
      const parsed = parseStoredBody(template.body);
      if (!parsed.ok) throw new ValidationError(`This template can't be duplicated: ${parsed.problem}`);
      source = { name: template.name, description: template.description, document: parsed.document };
    }
    const name = `Copy of ${source.name}`.slice(0, 200);
    return insertTemplate(tx, { actor: options.actor, name, description: source.description, document: source.document, action: "template.duplicate", extra: { duplicatedFrom: options.templateId } });
  });
}

export async function deleteTemplate(options: { actor: ActingUser; templateId: string }) {
  requireTemplateManager(options.actor);
  if (isBuiltInTemplateId(options.templateId)) throw new ForbiddenError("Built-in templates can't be deleted.");
  return runTransaction(async (tx) => {
    const template = await tx.template.findUnique({ where: { id: options.templateId } });
    if (!template) throw new NotFoundError("Template");
    await tx.template.delete({ where: { id: template.id } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: null, action: "template.delete", entityType: "template", entityId: template.id, before: templateSnapshot(template), after: null });
  });
}

/**
 * "Save project as template": the project's plan as a runbook document, person-free. Creates a
 * new template, or with `replaceTemplateId` replaces a saved template's plan (editing a template
 * by shaping a project, then saving it back).
 */
export async function saveProjectAsTemplate(options: { actor: ActingUser; projectId: string; input: z.infer<typeof saveAsTemplateInput> }) {
  requireTemplateManager(options.actor);
  const { input } = options;
  if (input.replaceTemplateId && isBuiltInTemplateId(input.replaceTemplateId)) throw new ForbiddenError("Built-in templates can't be replaced. Save as a new template instead.");
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({
      where: { id: options.projectId },
      include: {
        phases: {
          orderBy: { position: "asc" },
          include: { steps: { orderBy: { position: "asc" }, include: { predecessors: { select: { predecessorId: true, lagMinutes: true } } } } },
        },
      },
    });
    if (!project) throw new NotFoundError("Project");
    if (project.phases.length === 0) throw new ValidationError("The plan is empty. Add phases and steps before saving it as a template.");
    const candidate = planToRunbookDocument({
      name: input.name,
      description: input.description,
      phases: project.phases.map((phase) => ({
        title: phase.title,
        description: phase.description,
        inWindow: phase.inWindow,
        steps: phase.steps.map((step) => ({ ...step, predecessorIds: step.predecessors.map((p) => p.predecessorId), predecessorLags: Object.fromEntries(step.predecessors.map((p) => [p.predecessorId, p.lagMinutes])), gateApprovers: parseGateApprovers(step.gateApprovers), requiredFields: parseRequiredFields(step.requiredFields) })),
      })),
    });
    const parsed = runbookDocumentSchema.safeParse(candidate);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ValidationError(`This plan can't be saved as a template: ${first ? `${first.path.join(".")}: ${first.message}` : "it doesn't match the runbook format"}.`);
    }
    const fromProject = { id: project.id, name: project.name };
    if (!input.replaceTemplateId) {
      return insertTemplate(tx, { actor: options.actor, name: input.name, description: input.description, document: parsed.data, action: "template.save_from_project", projectId: project.id, extra: { fromProject } });
    }
    const before = await tx.template.findUnique({ where: { id: input.replaceTemplateId } });
    if (!before) throw new ValidationError("That template no longer exists.", { replaceTemplateId: ["That template no longer exists."] });
    const after = await tx.template.update({ where: { id: before.id }, data: { name: input.name, description: input.description, body: bodyOf(parsed.data, input.name, input.description) } });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: project.id,
      action: "template.update",
      entityType: "template",
      entityId: before.id,
      before: templateSnapshot(before),
      after: { ...templateSnapshot(after), fromProject },
    });
    return after;
  });
}

