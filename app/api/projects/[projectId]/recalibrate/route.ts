import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { ForbiddenError, ValidationError } from "@/lib/platform/errors";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { applyRecalibration, applyRecalibrationInput, previewRecalibration, recalibrationQuery } from "@/lib/recalibrate/service";
import { fieldErrorsOf, id } from "@/lib/platform/validation";

const params = z.object({ projectId: id }).strict();

/**
 * GET ?basis=last|median|worst&runs=id1,id2 — the rehearsal comparison and the recalibration
 * preview. Readable by every role (the comparison teaches everyone); only admins apply.
 */
export const GET = route({ params }, async ({ user, params, request }) => {
  if (!canViewProjects(user)) throw new ForbiddenError();
  const search = new URL(request.url).searchParams;
  const runs = search.get("runs");
  const parsed = recalibrationQuery.safeParse({ basis: search.get("basis") ?? "median", runIds: runs ? runs.split(",").filter(Boolean) : [] });
  if (!parsed.success) throw new ValidationError("Unknown recalibration options.", fieldErrorsOf(parsed.error));
  return previewRecalibration({ projectId: params.projectId, input: parsed.data });
});

export const POST = route({ params, body: applyRecalibrationInput }, async ({ user, params, body }) => {
  return applyRecalibration({ actor: user, projectId: params.projectId, input: body });
});
