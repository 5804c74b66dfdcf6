import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { addPhase } from "@/lib/plan/service";
import { createdId, id } from "@/lib/platform/validation";
import { phaseInput } from "@/lib/plan/schemas";

export const POST = route({ summary: "Add a phase to the plan", response: createdId, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: phaseInput }, async ({ user, params, body }) => {
  const phase = await addPhase({ actor: user, projectId: params.projectId, input: body });
  return { id: phase.id };
});
