import { z } from "zod";
import { route } from "@/lib/api/route";
import { removeFleetClients, removeFleetClientsInput } from "@/lib/fleet";
import { id } from "@/lib/validation";

/** Remove clients from the project's fleet (never one already ticked in a run), all or nothing. */
export const POST = route({ params: z.object({ projectId: id }), body: removeFleetClientsInput }, async ({ user, params, body }) =>
  removeFleetClients({ actor: user, projectId: params.projectId, input: body }),
);
