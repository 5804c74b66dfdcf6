import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageMembers } from "@/lib/platform/auth/permissions";
import { addProjectMember } from "@/lib/projects/members";
import { addProjectMemberInput, projectMemberResult } from "@/lib/projects/schemas";
import { id } from "@/lib/platform/validation";

/** Add a user to the project with a role (admins; audited on the project). */
export const POST = route({ summary: "Add a user to the project with a role", response: projectMemberResult, allow: canManageMembers, forbidden: "Only admins can manage project members.", params: z.object({ projectId: id }).strict(), body: addProjectMemberInput }, async ({ user, params, body }) =>
  addProjectMember({ actor: user, projectId: params.projectId, input: body }),
);
