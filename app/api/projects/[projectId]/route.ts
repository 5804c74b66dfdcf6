import { z } from "zod";
import { route } from "@/lib/api/route";
import { updateProject } from "@/lib/projects";
import { id, updateProjectInput } from "@/lib/validation";

export const PATCH = route({ params: z.object({ projectId: id }), body: updateProjectInput }, async ({ user, params, body }) => {
  const project = await updateProject({ actor: user, projectId: params.projectId, input: body });
  return { id: project.id };
});
