import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { bulkUpdateSteps } from "@/lib/plan/sheet";
import { id } from "@/lib/platform/validation";
import { bulkStepsInput, planEditResult } from "@/lib/plan/schemas";

export const POST = route({ summary: "Change several steps at once (assignee, team…)", response: planEditResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: bulkStepsInput }, async ({ user, params, body }) =>
  bulkUpdateSteps({ actor: user, projectId: params.projectId, input: body }),
);
