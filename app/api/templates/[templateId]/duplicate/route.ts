import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { duplicateTemplate } from "@/lib/templates/service";
import { createdId, id } from "@/lib/platform/validation";

/** Built-ins (by id) and saved templates alike: the copy is a saved template the admin can edit. */
export const POST = route({ summary: "Copy a template (built-in or saved) as a new saved template", response: createdId, allow: canManageTemplates, forbidden: "Only admins can manage templates.", params: z.object({ templateId: id }).strict(), body: z.object({}).strict() }, async ({ user, params }) => {
  const template = await duplicateTemplate({ actor: user, templateId: params.templateId });
  return { id: template.id };
});
