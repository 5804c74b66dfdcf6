import { route } from "@/lib/platform/http/route";
import { createProject } from "@/lib/projects/service";
import { createProjectInput } from "@/lib/projects/schemas";

export const POST = route({ body: createProjectInput }, async ({ user, body }) => {
  const project = await createProject({ actor: user, input: body });
  return { id: project.id };
});
