import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageTeams } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { updateTeam } from "@/lib/teams/service";
import { teamResult, updateTeamInput } from "@/lib/teams/schemas";

export const PATCH = route({ summary: "Rename a team or change its description", response: teamResult, allow: canManageTeams, forbidden: "Only admins can rename teams.", params: z.object({ teamId: id }), body: updateTeamInput }, async ({ user, params, body }) =>
  updateTeam({ actor: user, teamId: params.teamId, input: body }),
);
