import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canOperateSteps } from "@/lib/platform/auth/permissions";
import { undoSignOff } from "@/lib/runs/service";
import { id } from "@/lib/platform/validation";
import { undoSignOffInput } from "@/lib/runs/schemas";

export const POST = route({ allow: canOperateSteps, forbidden: "Your role can't undo a sign-off.", params: z.object({ runId: id, stepId: id }), body: undoSignOffInput }, async ({ user, params, body }) =>
  undoSignOff({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
