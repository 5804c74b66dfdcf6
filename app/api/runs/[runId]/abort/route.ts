import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canAbortRun } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { endRunInput, endRunResult } from "@/lib/runs/schemas";
import { endRunByHand } from "@/lib/runs/service";

/** Abort the run (admins, with a reason): nothing more is ticked; the outcome is Aborted. */
export const POST = route({ summary: "Abort a run, with a reason", response: endRunResult, allow: canAbortRun, forbidden: "Only admins can abort a run.", params: z.object({ runId: id }).strict(), body: endRunInput }, async ({ user, params, body }) =>
  endRunByHand({ actor: user, runId: params.runId, how: "abort", input: body }),
);
