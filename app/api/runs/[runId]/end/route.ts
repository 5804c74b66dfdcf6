import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEndRehearsal } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { endRunInput, endRunResult } from "@/lib/runs/schemas";
import { endRunByHand } from "@/lib/runs/service";

/** End a rehearsal early (admins, with a reason): its remaining steps are recorded as not run. */
export const POST = route({ summary: "End a rehearsal early, with a reason", response: endRunResult, allow: canEndRehearsal, forbidden: "Only admins can end a rehearsal early.", params: z.object({ runId: id }).strict(), body: endRunInput }, async ({ user, params, body }) =>
  endRunByHand({ actor: user, runId: params.runId, how: "end", input: body }),
);
