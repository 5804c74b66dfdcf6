import { z } from "zod";
import { route } from "@/lib/api/route";
import { performStepAction } from "@/lib/runs";
import { id, stepActionInput } from "@/lib/validation";

/** Start / Done / Skip / Fail. The UI, the offline queue and the benchmark all use this route. */
export const POST = route({ params: z.object({ runId: id, stepId: id }), body: stepActionInput }, async ({ user, params, body }) =>
  performStepAction({ actor: user, runId: params.runId, stepId: params.stepId, input: body }),
);
