import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { getImportContext, importStepsFromCsv } from "@/lib/import/service";
import { importStepsInput } from "@/lib/import/schemas";
import { id } from "@/lib/platform/validation";

const params = z.object({ projectId: id }).strict();

/** The preview's context: active users' emails (assignee check) and the project's phase names (merge hint). */
export const GET = route({ params }, async ({ user, params }) => getImportContext({ actor: user, projectId: params.projectId }));

/** CSV step import, all or nothing; a 400 names every bad row in fieldErrors ("rows.7"). */
export const POST = route({ params, body: importStepsInput }, async ({ user, params, body }) => {
  return importStepsFromCsv({ actor: user, projectId: params.projectId, input: body });
});
