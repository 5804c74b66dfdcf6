import { route } from "@/lib/platform/http/route";
import { canManageTeams } from "@/lib/platform/auth/permissions";
import { createTeam } from "@/lib/teams/service";
import { createTeamInput, teamResult } from "@/lib/teams/schemas";

export const POST = route({ summary: "Create a team", response: teamResult, allow: canManageTeams, forbidden: "Only admins can create teams.", body: createTeamInput }, async ({ user, body }) => createTeam({ actor: user, input: body }));
