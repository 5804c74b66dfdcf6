import { z } from "zod";
import { route } from "@/lib/api/route";
import { deleteTemplate, updateTemplate } from "@/lib/template-library";
import { updateTemplateInput } from "@/lib/templates/inputs";
import { id } from "@/lib/validation";

const params = z.object({ templateId: id }).strict();

export const PATCH = route({ params, body: updateTemplateInput }, async ({ user, params, body }) => {
  const template = await updateTemplate({ actor: user, templateId: params.templateId, input: body });
  return { id: template.id, updatedAt: template.updatedAt.toISOString() };
});

export const DELETE = route({ params }, async ({ user, params }) => {
  await deleteTemplate({ actor: user, templateId: params.templateId });
  return { ok: true };
});
