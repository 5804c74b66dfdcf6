import { z } from "zod";
import { canApplyPlanToRun, canViewProjects } from "@/lib/platform/auth/permissions";
import { route } from "@/lib/platform/http/route";
import { id } from "@/lib/platform/validation";
import { requireRunAccess } from "@/lib/projects/access";
import { applyPlanToRun, getRunPlanDrift } from "@/lib/runs/plan-changes";
import { applyPlanInput, applyPlanResult, runPlanDriftResult } from "@/lib/runs/schemas";

const params = z.object({ runId: id }).strict();

/** What changed in the plan since this run froze its copy (null: nothing, or the run has ended). */
export const GET = route({ summary: "What changed in the plan since the run froze its copy", response: runPlanDriftResult, allow: canViewProjects, params }, async ({ user, params }) => {
  await requireRunAccess({ user, runId: params.runId, need: "view" });
  return { drift: await getRunPlanDrift({ runId: params.runId }) };
});

/** Applies the plan's changes to the run's steps that haven't started (admins, with a reason). */
export const POST = route({ summary: "Apply the plan's changes to the run's steps that haven't started", response: applyPlanResult, allow: canApplyPlanToRun, forbidden: "Only admins can apply plan changes to a run.", params, body: applyPlanInput }, async ({ user, params, body }) => applyPlanToRun({ actor: user, runId: params.runId, input: body }));
