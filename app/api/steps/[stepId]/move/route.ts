import { z } from "zod";
import { route } from "@/lib/api/route";
import { moveStep } from "@/lib/plan";
import { id, moveInput } from "@/lib/validation";

export const POST = route({ params: z.object({ stepId: id }), body: moveInput }, async ({ user, params, body }) => {
  await moveStep({ actor: user, stepId: params.stepId, direction: body.direction });
  return { ok: true };
});
