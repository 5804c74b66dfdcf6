import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { removeFleetClients } from "@/lib/fleet/service";
import { fleetRemovedResult, removeFleetClientsInput } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

/** Remove clients from the project's fleet (never one already ticked in a run), all or nothing. */
export const POST = route({ summary: "Remove clients from the project's fleet", response: fleetRemovedResult, allow: canEditPlan, forbidden: "Only admins can remove clients.", params: z.object({ projectId: id }), body: removeFleetClientsInput }, async ({ user, params, body }) =>
  removeFleetClients({ actor: user, projectId: params.projectId, input: body }),
);
