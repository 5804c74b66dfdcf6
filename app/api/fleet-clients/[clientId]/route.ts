import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { updateFleetClient } from "@/lib/fleet/service";
import { fleetClientResult, updateFleetClientInput } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

/** Correct one client's host name (while no run has ticked it), OS, hardware, policy or owner. */
export const PATCH = route({ summary: "Correct one fleet client's fields", response: fleetClientResult, allow: canEditPlan, forbidden: "Only admins can edit clients.", params: z.object({ clientId: id }), body: updateFleetClientInput }, async ({ user, params, body }) =>
  updateFleetClient({ actor: user, clientId: params.clientId, input: body }),
);
