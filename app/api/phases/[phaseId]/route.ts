import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { deletePhase, updatePhase } from "@/lib/plan/service";
import { createdId, id, okResult } from "@/lib/platform/validation";
import { updatePhaseInput } from "@/lib/plan/schemas";

const params = z.object({ phaseId: id });

export const PATCH = route({ summary: "Change a phase", response: createdId, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params, body: updatePhaseInput }, async ({ user, params, body }) => {
  const phase = await updatePhase({ actor: user, phaseId: params.phaseId, input: body });
  return { id: phase.id };
});

export const DELETE = route({ summary: "Delete a phase and its steps", response: okResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params }, async ({ user, params }) => {
  await deletePhase({ actor: user, phaseId: params.phaseId });
  return { ok: true };
});
