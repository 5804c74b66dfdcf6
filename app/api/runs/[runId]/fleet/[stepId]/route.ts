import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canUpdateFleet, canViewProjects } from "@/lib/platform/auth/permissions";
import { getFleetStepView, updateFleetClients } from "@/lib/fleet/service";
import { fleetStepQuery, fleetStepViewResult, fleetUpdateInput, fleetUpdateResult } from "@/lib/fleet/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ runId: id, stepId: id });

/** The fleet panel: counts per status and one page of clients, ?status=ALL|PENDING|…&q=&page=&pageSize=. */
export const GET = route({ summary: "A fleet step's panel: counts per status and one page of clients", response: fleetStepViewResult, allow: canViewProjects, params, query: fleetStepQuery }, async ({ user, params, query }) =>
  getFleetStepView({ actor: user, runId: params.runId, stepId: params.stepId, query }),
);

/** Tick one client or many (by ids with versions, or "all matching this filter"). */
export const POST = route({ summary: "Tick fleet clients (by ids with versions, or all matching a filter)", response: fleetUpdateResult, allow: canUpdateFleet, forbidden: "Your role can't update fleet clients.", params, body: fleetUpdateInput }, async ({ user, params, body }) =>
  updateFleetClients({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
