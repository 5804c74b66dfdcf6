import { route } from "@/lib/platform/http/route";
import { ForbiddenError } from "@/lib/platform/errors";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { createTemplate, listTemplates } from "@/lib/templates/service";
import { createTemplateInput } from "@/lib/templates/schemas";

/** The library's names, for pickers (the "replace a template" choice of Save as template). Admins only. */
export const GET = route({}, async ({ user }) => {
  if (!canManageTemplates(user)) throw new ForbiddenError("Only admins can manage templates.");
  const templates = await listTemplates();
  return { templates: templates.map((t) => ({ id: t.id, builtIn: t.builtIn, name: t.name, description: t.description })) };
});

/** A new saved template from a runbook document (pasted JSON, an uploaded template or a run export's plan). */
export const POST = route({ body: createTemplateInput }, async ({ user, body }) => {
  const template = await createTemplate({ actor: user, input: body });
  return { id: template.id };
});
