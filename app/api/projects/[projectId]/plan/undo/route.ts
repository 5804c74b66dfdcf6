import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { undoLastPlanEdit } from "@/lib/plan/sheet";
import { id } from "@/lib/platform/validation";
import { planUndoResult, undoPlanEditInput } from "@/lib/plan/schemas";

export const POST = route({ summary: "Undo the last plan-sheet edit", response: planUndoResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: undoPlanEditInput }, async ({ user, params, body }) =>
  undoLastPlanEdit({ actor: user, projectId: params.projectId, version: body.version }),
);
