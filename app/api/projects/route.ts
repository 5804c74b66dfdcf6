import { route } from "@/lib/platform/http/route";
import { canCreateProject } from "@/lib/platform/auth/permissions";
import { createProject } from "@/lib/projects/service";
import { createProjectInput } from "@/lib/projects/schemas";
import { createdId } from "@/lib/platform/validation";

// A project may be created from an imported runbook document, which can be a few MB.
const DOCUMENT_MAX_BODY_BYTES = 8 * 1024 * 1024;

export const POST = route({ summary: "Create a project (empty, from a template or from an imported runbook)", response: createdId, allow: canCreateProject, forbidden: "Only admins can create projects.", body: createProjectInput, maxBodyBytes: DOCUMENT_MAX_BODY_BYTES }, async ({ user, body }) => {
  const project = await createProject({ actor: user, input: body });
  return { id: project.id };
});
