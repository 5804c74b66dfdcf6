import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { deleteTemplate, updateTemplate } from "@/lib/templates/service";
import { templateUpdatedResult, updateTemplateInput } from "@/lib/templates/schemas";
import { id, okResult } from "@/lib/platform/validation";

const params = z.object({ templateId: id }).strict();

// A template is a runbook document, which can be a few MB.
const DOCUMENT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export const PATCH = route({ summary: "Change a saved template", response: templateUpdatedResult, allow: canManageTemplates, forbidden: "Only admins can manage templates.", params, body: updateTemplateInput, maxBodyBytes: DOCUMENT_MAX_BODY_BYTES }, async ({ user, params, body }) => {
  const template = await updateTemplate({ actor: user, templateId: params.templateId, input: body });
  return { id: template.id, updatedAt: template.updatedAt.toISOString() };
});

export const DELETE = route({ summary: "Delete a saved template", response: okResult, allow: canManageTemplates, forbidden: "Only admins can manage templates.", params }, async ({ user, params }) => {
  await deleteTemplate({ actor: user, templateId: params.templateId });
  return { ok: true };
});
