import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { deleteStep, updateStep } from "@/lib/plan/service";
import { id, okResult } from "@/lib/platform/validation";
import { stepVersionResult, updateStepInput } from "@/lib/plan/schemas";

const params = z.object({ stepId: id });

export const PATCH = route({ summary: "Change a step", response: stepVersionResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params, body: updateStepInput }, async ({ user, params, body }) => {
  const step = await updateStep({ actor: user, stepId: params.stepId, input: body });
  return { id: step.id, version: step.version };
});

export const DELETE = route({ summary: "Delete a step", response: okResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params }, async ({ user, params }) => {
  await deleteStep({ actor: user, stepId: params.stepId });
  return { ok: true };
});
