import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageTemplates } from "@/lib/platform/auth/permissions";
import { saveProjectAsTemplate } from "@/lib/templates/service";
import { saveAsTemplateInput } from "@/lib/templates/schemas";
import { createdId, id } from "@/lib/platform/validation";

export const POST = route({ summary: "Save the project's plan as a template", response: createdId, allow: canManageTemplates, forbidden: "Only admins can manage templates.", params: z.object({ projectId: id }).strict(), body: saveAsTemplateInput }, async ({ user, params, body }) => {
  const template = await saveProjectAsTemplate({ actor: user, projectId: params.projectId, input: body });
  return { id: template.id };
});
