import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageMembers } from "@/lib/platform/auth/permissions";
import { removeProjectMember, updateProjectMember } from "@/lib/projects/members";
import { projectMemberRemovedResult, projectMemberResult, updateProjectMemberInput } from "@/lib/projects/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ projectId: id, userId: id }).strict();

/** Change a member's role in the project. */
export const PATCH = route({ summary: "Change a member's role in the project", response: projectMemberResult, allow: canManageMembers, forbidden: "Only admins can manage project members.", params, body: updateProjectMemberInput }, async ({ user, params, body }) =>
  updateProjectMember({ actor: user, projectId: params.projectId, userId: params.userId, input: body }),
);

/** Remove a member: with visibility "members", they no longer see the project (open pages and live streams included). */
export const DELETE = route({ summary: "Remove a member from the project", response: projectMemberRemovedResult, allow: canManageMembers, forbidden: "Only admins can manage project members.", params }, async ({ user, params }) =>
  removeProjectMember({ actor: user, projectId: params.projectId, userId: params.userId }),
);
