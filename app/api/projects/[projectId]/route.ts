import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditProject } from "@/lib/platform/auth/permissions";
import { updateProject } from "@/lib/projects/service";
import { createdId, id } from "@/lib/platform/validation";
import { updateProjectInput } from "@/lib/projects/schemas";

export const PATCH = route({ summary: "Change a project's details, window or status", response: createdId, allow: canEditProject, forbidden: "Only admins can edit projects.", params: z.object({ projectId: id }), body: updateProjectInput }, async ({ user, params, body }) => {
  const project = await updateProject({ actor: user, projectId: params.projectId, input: body });
  return { id: project.id };
});
