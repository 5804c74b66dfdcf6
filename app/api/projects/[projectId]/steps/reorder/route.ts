import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { reorderSteps } from "@/lib/plan/sheet";
import { id } from "@/lib/platform/validation";
import { planReorderResult, reorderStepsInput } from "@/lib/plan/schemas";

export const POST = route({ summary: "Move steps before another step or to a phase", response: planReorderResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: reorderStepsInput }, async ({ user, params, body }) =>
  reorderSteps({ actor: user, projectId: params.projectId, input: body }),
);
