import { z } from "zod";
import { route } from "@/lib/api/route";
import { saveProjectAsTemplate } from "@/lib/template-library";
import { saveAsTemplateInput } from "@/lib/templates/inputs";
import { id } from "@/lib/validation";

export const POST = route({ params: z.object({ projectId: id }).strict(), body: saveAsTemplateInput }, async ({ user, params, body }) => {
  const template = await saveProjectAsTemplate({ actor: user, projectId: params.projectId, input: body });
  return { id: template.id };
});
