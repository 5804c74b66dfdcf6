import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { deleteTemplate, updateTemplate } from "@/lib/templates/service";
import { updateTemplateInput } from "@/lib/templates/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ templateId: id }).strict();

export const PATCH = route({ params, body: updateTemplateInput }, async ({ user, params, body }) => {
  const template = await updateTemplate({ actor: user, templateId: params.templateId, input: body });
  return { id: template.id, updatedAt: template.updatedAt.toISOString() };
});

export const DELETE = route({ params }, async ({ user, params }) => {
  await deleteTemplate({ actor: user, templateId: params.templateId });
  return { ok: true };
});
