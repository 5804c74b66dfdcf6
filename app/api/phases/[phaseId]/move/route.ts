import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { movePhase } from "@/lib/plan/service";
import { id, okResult } from "@/lib/platform/validation";
import { moveInput } from "@/lib/plan/schemas";

export const POST = route({ summary: "Move a phase up or down", response: okResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ phaseId: id }), body: moveInput }, async ({ user, params, body }) => {
  await movePhase({ actor: user, phaseId: params.phaseId, direction: body.direction });
  return { ok: true };
});
