import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { listFleetStepHostnames } from "@/lib/fleet/service";
import { fleetStepQuery } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

const filterOnly = fleetStepQuery.pick({ status: true, q: true });

/** The host names matching the panel's filter as plain text, one a line (clients.txt for a push loop). */
export const GET = route({ summary: "Host names matching the fleet panel's filter, one a line", responseContentType: "text/plain", responseDescription: "UTF-8 text, one host name a line (a clients.txt for a push loop).", allow: canViewProjects, params: z.object({ runId: id, stepId: id }), query: filterOnly }, async ({ user, params, query }) => {
  const text = await listFleetStepHostnames({ actor: user, runId: params.runId, stepId: params.stepId, query });
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
});
