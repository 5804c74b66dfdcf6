import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { startRunInput } from "@/lib/runs/schemas";
import { canStartRun } from "@/lib/platform/auth/permissions";
import { startRun } from "@/lib/runs/service";
import { createdId, id } from "@/lib/platform/validation";

export const POST = route({ summary: "Start a run (rehearsal or cutover) of the project", response: createdId, allow: canStartRun, forbidden: "Only admins can start a run.", params: z.object({ projectId: id }), body: startRunInput }, async ({ user, params, body }) => {
  const run = await startRun({ actor: user, projectId: params.projectId, input: body });
  return { id: run.id };
});
