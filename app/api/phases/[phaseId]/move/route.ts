import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { movePhase } from "@/lib/plan/service";
import { id, moveInput } from "@/lib/platform/validation";

export const POST = route({ params: z.object({ phaseId: id }), body: moveInput }, async ({ user, params, body }) => {
  await movePhase({ actor: user, phaseId: params.phaseId, direction: body.direction });
  return { ok: true };
});
