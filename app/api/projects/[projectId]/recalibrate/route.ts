import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { ForbiddenError } from "@/lib/platform/errors";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { applyRecalibration, previewRecalibration } from "@/lib/recalibrate/service";
import { applyRecalibrationInput, recalibrationSearchParams } from "@/lib/recalibrate/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ projectId: id }).strict();

/**
 * GET ?basis=last|median|worst&runs=id1,id2 — the rehearsal comparison and the recalibration
 * preview. Readable by every role (the comparison teaches everyone); only admins apply.
 */
export const GET = route({ params, query: recalibrationSearchParams }, async ({ user, params, query }) => {
  if (!canViewProjects(user)) throw new ForbiddenError();
  return previewRecalibration({ projectId: params.projectId, input: query });
});

export const POST = route({ params, body: applyRecalibrationInput }, async ({ user, params, body }) => {
  return applyRecalibration({ actor: user, projectId: params.projectId, input: body });
});
