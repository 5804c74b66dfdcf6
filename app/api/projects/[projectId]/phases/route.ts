import { z } from "zod";
import { route } from "@/lib/api/route";
import { addPhase } from "@/lib/plan";
import { id, phaseInput } from "@/lib/validation";

export const POST = route({ params: z.object({ projectId: id }), body: phaseInput }, async ({ user, params, body }) => {
  const phase = await addPhase({ actor: user, projectId: params.projectId, input: body });
  return { id: phase.id };
});
