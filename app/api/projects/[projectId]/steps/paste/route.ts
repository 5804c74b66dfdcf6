import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { pasteSteps } from "@/lib/plan/sheet";
import { id } from "@/lib/platform/validation";
import { pasteStepsInput, planPasteResult } from "@/lib/plan/schemas";

export const POST = route({ summary: "Paste rows from a spreadsheet as new steps", response: planPasteResult, allow: canEditPlan, forbidden: "Only admins can edit the plan.", params: z.object({ projectId: id }), body: pasteStepsInput }, async ({ user, params, body }) =>
  pasteSteps({ actor: user, projectId: params.projectId, input: body }),
);
