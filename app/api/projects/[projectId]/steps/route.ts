import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { addStep } from "@/lib/plan/service";
import { createdId, id } from "@/lib/platform/validation";
import { createStepInput } from "@/lib/plan/schemas";

export const POST = route({ summary: "Add a step to the plan", response: createdId, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: createStepInput }, async ({ user, params, body }) => {
  const step = await addStep({ actor: user, projectId: params.projectId, input: body });
  return { id: step.id };
});
