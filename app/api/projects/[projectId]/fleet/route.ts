import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { listFleetClients } from "@/lib/fleet/service";
import { fleetClientsPageResult, fleetClientsQuery } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

/** The project's clients, paginated: ?q=<host name part>&page=<n>&pageSize=<n ≤ 500>. */
export const GET = route({ summary: "The project's fleet clients, one page", response: fleetClientsPageResult, allow: canViewProjects, params: z.object({ projectId: id }), query: fleetClientsQuery }, async ({ user, params, query }) =>
  listFleetClients({ actor: user, projectId: params.projectId, query }),
);
