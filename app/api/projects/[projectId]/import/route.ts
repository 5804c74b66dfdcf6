import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canEditPlan } from "@/lib/platform/auth/permissions";
import { getImportContext, importStepsFromCsv } from "@/lib/import/service";
import { importContextResult, importStepsInput, importStepsResult } from "@/lib/import/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ projectId: id }).strict();

// The CSV may be 2 MB of text (JSON escaping and multi-byte characters can make it several times
// that); an .xlsx may be 5 MB of bytes, 6.7 MB as base64.
const STEP_IMPORT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** The preview's context: active users' emails (assignee check) and the project's phase names (merge hint). */
export const GET = route({ summary: "What the step import dialog checks against: users, teams, phases, window", response: importContextResult, allow: canEditPlan, forbidden: "Only admins can import steps.", params }, async ({ user, params }) => getImportContext({ actor: user, projectId: params.projectId }));

/**
 * Step import from a CSV (`csv`) or any file's bytes (`base64`: .xlsx), all or nothing; a 400 names
 * every bad row in fieldErrors ("rows.7"). Without `options` the columns are guessed; `dryRun`
 * writes nothing and answers the preview.
 */
export const POST = route({ summary: "Import steps from a CSV or .xlsx file (or preview them with dryRun)", response: importStepsResult, allow: canEditPlan, forbidden: "Only admins can import steps.", params, body: importStepsInput, maxBodyBytes: STEP_IMPORT_MAX_BODY_BYTES }, async ({ user, params, body }) => {
  return importStepsFromCsv({ actor: user, projectId: params.projectId, input: body });
});
