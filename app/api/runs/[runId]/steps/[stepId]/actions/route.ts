import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { stepActionInput, stepActionResult } from "@/lib/runs/schemas";
import { canOperateSteps } from "@/lib/platform/auth/permissions";
import { performStepAction } from "@/lib/runs/service";
import { id } from "@/lib/platform/validation";

/** Start / Done / Skip / Fail. The UI, the offline queue and the benchmark all use this route. */
export const POST = route({ summary: "Start, sign off, skip or fail a step in a run", response: stepActionResult, allow: canOperateSteps, forbidden: "Your role can't change steps in a run.", params: z.object({ runId: id, stepId: id }), body: stepActionInput }, async ({ user, params, body }) =>
  performStepAction({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
