import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { stepStatusResult, undoSignOffInput } from "@/lib/runs/schemas";
import { canOperateSteps } from "@/lib/platform/auth/permissions";
import { undoSignOff } from "@/lib/runs/service";
import { id } from "@/lib/platform/validation";

export const POST = route({ summary: "Undo a step's sign-off, with a reason", response: stepStatusResult, allow: canOperateSteps, forbidden: "Your role can't undo a sign-off.", params: z.object({ runId: id, stepId: id }), body: undoSignOffInput }, async ({ user, params, body }) =>
  undoSignOff({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
