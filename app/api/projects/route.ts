import { route } from "@/lib/api/route";
import { createProject } from "@/lib/projects";
import { createProjectInput } from "@/lib/validation";

export const POST = route({ body: createProjectInput }, async ({ user, body }) => {
  const project = await createProject({ actor: user, input: body });
  return { id: project.id };
});
