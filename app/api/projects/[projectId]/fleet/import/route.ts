import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { importFleetClients } from "@/lib/fleet/service";
import { fleetImportResult, importFleetInput } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

// The list may be 5 MB of text; JSON escaping can double it.
const FLEET_IMPORT_MAX_BODY_BYTES = 12 * 1024 * 1024;

/** Import a client list (CSV or bpplclients output), all or nothing; `dryRun: true` only checks it. */
export const POST = route({ summary: "Import a client list (CSV or bpplclients output), or check it with dryRun", response: fleetImportResult, allow: canEditPlan, forbidden: "Only admins can import clients.", params: z.object({ projectId: id }), body: importFleetInput, maxBodyBytes: FLEET_IMPORT_MAX_BODY_BYTES }, async ({ user, params, body }) =>
  importFleetClients({ actor: user, projectId: params.projectId, input: body }),
);
