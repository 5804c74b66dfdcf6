import { z } from "zod";
import { route } from "@/lib/api/route";
import { startRun } from "@/lib/runs";
import { id, startRunInput } from "@/lib/validation";

export const POST = route({ params: z.object({ projectId: id }), body: startRunInput }, async ({ user, params, body }) => {
  const run = await startRun({ actor: user, projectId: params.projectId, input: body });
  return { id: run.id };
});
