import { route } from "@/lib/platform/http/route";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { createTemplate, listTemplates } from "@/lib/templates/service";
import { createTemplateInput, templateListResult } from "@/lib/templates/schemas";
import { createdId } from "@/lib/platform/validation";

/** The library's names, for pickers (the "replace a template" choice of Save as template). Admins only. */
export const GET = route({ summary: "The template library's names (admins)", response: templateListResult, allow: canManageTemplates }, async () => {
  const templates = await listTemplates();
  return { templates: templates.map((t) => ({ id: t.id, builtIn: t.builtIn, name: t.name, description: t.description })) };
});

// A template is a runbook document, which can be a few MB.
const DOCUMENT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A new saved template from a runbook document (pasted JSON, an uploaded template or a run export's plan). */
export const POST = route({ summary: "Create a saved template from a runbook document", response: createdId, allow: canManageTemplates, forbidden: "Only admins can manage templates.", body: createTemplateInput, maxBodyBytes: DOCUMENT_MAX_BODY_BYTES }, async ({ user, body }) => {
  const template = await createTemplate({ actor: user, input: body });
  return { id: template.id };
});
