import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { fleetClientsQuery, listFleetClients, parseSearchParams } from "@/lib/fleet/service";
import { id } from "@/lib/platform/validation";

/** The project's clients, paginated: ?q=<host name part>&page=<n>&pageSize=<n ≤ 500>. */
export const GET = route({ params: z.object({ projectId: id }) }, async ({ user, params, request }) =>
  listFleetClients({ actor: user, projectId: params.projectId, query: parseSearchParams(fleetClientsQuery, request.url) }),
);
