import { route } from "@/lib/platform/http/route";
import { canManageTeams } from "@/lib/platform/auth/permissions";
import { createTeam } from "@/lib/teams/service";
import { createTeamInput } from "@/lib/teams/schemas";

export const POST = route({ allow: canManageTeams, forbidden: "Only admins can create teams.", body: createTeamInput }, async ({ user, body }) => createTeam({ actor: user, input: body }));
