import { z } from "zod";
import { route } from "@/lib/api/route";
import { duplicateTemplate } from "@/lib/template-library";
import { id } from "@/lib/validation";

/** Built-ins (by id) and saved templates alike: the copy is a saved template the admin can edit. */
export const POST = route({ params: z.object({ templateId: id }).strict(), body: z.object({}).strict() }, async ({ user, params }) => {
  const template = await duplicateTemplate({ actor: user, templateId: params.templateId });
  return { id: template.id };
});
