import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { fleetStepQuery, listFleetStepHostnames, parseSearchParams } from "@/lib/fleet/service";
import { id } from "@/lib/platform/validation";

const filterOnly = fleetStepQuery.pick({ status: true, q: true });

/** The host names matching the panel's filter as plain text, one a line (clients.txt for a push loop). */
export const GET = route({ params: z.object({ runId: id, stepId: id }) }, async ({ user, params, request }) => {
  const text = await listFleetStepHostnames({ actor: user, runId: params.runId, stepId: params.stepId, query: parseSearchParams(filterOnly, request.url) });
  return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
});
