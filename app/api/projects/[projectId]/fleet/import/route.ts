import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { importFleetClients } from "@/lib/fleet/service";
import { importFleetInput } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

/** Import a client list (CSV or bpplclients output), all or nothing; `dryRun: true` only checks it. */
export const POST = route({ params: z.object({ projectId: id }), body: importFleetInput }, async ({ user, params, body }) =>
  importFleetClients({ actor: user, projectId: params.projectId, input: body }),
);
