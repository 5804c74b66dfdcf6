import "server-only";
import type { Tx } from "../platform/db/client";
import { ValidationError } from "../platform/errors";
import { runbookDocumentSchema, type RunbookDocument } from "./runbook-document";
import { DEFAULT_NETBACKUP_VARIANT, isBuiltInTemplateId, type BuiltInTemplateId, type NetbackupVariant } from "./ids";
import { tailorNetbackupTemplate } from "./netbackup-variants";

/**
 * Template documents as stored or shipped, shared by lib/projects/service.ts (create a project from a
 * template) and lib/templates/service.ts (the library itself) without the two importing each other.
 */
export function builtInDocument(id: BuiltInTemplateId, variant: NetbackupVariant = DEFAULT_NETBACKUP_VARIANT): RunbookDocument {
  return runbookDocumentSchema.parse(tailorNetbackupTemplate(id, variant));
}

/** A saved body that no longer parses (hand-edited database, older format) is reported, not thrown. */
export function parseStoredBody(body: string): { ok: true; document: RunbookDocument } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: "The stored body is not valid JSON." };
  }
  const parsed = runbookDocumentSchema.safeParse(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, problem: `The stored body doesn't match the runbook format (${first ? `${first.path.join(".")}: ${first.message}` : "unknown problem"}).` };
  }
  return { ok: true, document: parsed.data };
}

/**
 * The document a new project starts from, read inside the project's transaction: a built-in (the
 * NetBackup ones tailored to the project's version family and platform path), or a saved template
 * (so a concurrent delete can't half-apply). A saved template is used as saved: it was written for
 * whatever variant its author chose.
 */
export async function resolveTemplateDocument(tx: Tx, options: { templateId: string; variant?: NetbackupVariant }): Promise<{ document: RunbookDocument; name: string }> {
  if (isBuiltInTemplateId(options.templateId)) {
    const document = builtInDocument(options.templateId, options.variant);
    return { document, name: document.name };
  }
  const template = await tx.template.findUnique({ where: { id: options.templateId }, select: { name: true, body: true } });
  if (!template) throw new ValidationError("That template no longer exists. Choose another one.", { template: ["That template no longer exists."] });
  const parsed = parseStoredBody(template.body);
  if (!parsed.ok) throw new ValidationError(`The template "${template.name}" can't be used: ${parsed.problem}`, { template: [parsed.problem] });
  return { document: parsed.document, name: template.name };
}
