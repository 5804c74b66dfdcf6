import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan, canViewProjects } from "@/lib/platform/auth/permissions";
import { applyRecalibration, previewRecalibration } from "@/lib/recalibrate/service";
import { applyRecalibrationInput, recalibrationAppliedResult, recalibrationPreviewResult, recalibrationSearchParams } from "@/lib/recalibrate/schemas";
import { id } from "@/lib/platform/validation";
import { requireProjectAccess } from "@/lib/projects/access";

const params = z.object({ projectId: id }).strict();

/**
 * GET ?basis=last|median|worst&runs=id1,id2 — the rehearsal comparison and the recalibration
 * preview. Readable by every role (the comparison teaches everyone); only admins apply.
 */
export const GET = route({ summary: "Rehearsal comparison and recalibration preview", response: recalibrationPreviewResult, allow: canViewProjects, params, query: recalibrationSearchParams }, async ({ user, params, query }) => {
  await requireProjectAccess({ user, projectId: params.projectId, need: "view" });
  return previewRecalibration({ projectId: params.projectId, input: query });
});

export const POST = route({ summary: "Apply a recalibration: planned minutes from rehearsal actuals", response: recalibrationAppliedResult, allow: canEditPlan, forbidden: "Only admins can recalibrate the plan.", params, body: applyRecalibrationInput }, async ({ user, params, body }) => {
  return applyRecalibration({ actor: user, projectId: params.projectId, input: body });
});
