import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { gateDecisionInput, stepActionResult } from "@/lib/runs/schemas";
import { canDecideGates } from "@/lib/platform/auth/permissions";
import { decideGate } from "@/lib/runs/service";
import { id } from "@/lib/platform/validation";

export const POST = route({ summary: "Decide a gate: Go or No-Go", response: stepActionResult, allow: canDecideGates, forbidden: "Only an admin, the gate's assignee or one of its approvers can decide this gate.", params: z.object({ runId: id, stepId: id }), body: gateDecisionInput }, async ({ user, params, body }) =>
  decideGate({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
