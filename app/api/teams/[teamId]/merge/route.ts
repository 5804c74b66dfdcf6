import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageTeams } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { mergeTeams } from "@/lib/teams/service";
import { mergeTeamInput, teamMergedResult } from "@/lib/teams/schemas";

export const POST = route({ summary: "Merge a team into another; its steps move", response: teamMergedResult, allow: canManageTeams, forbidden: "Only admins can merge teams.", params: z.object({ teamId: id }), body: mergeTeamInput }, async ({ user, params, body }) =>
  mergeTeams({ actor: user, teamId: params.teamId, input: body }),
);
