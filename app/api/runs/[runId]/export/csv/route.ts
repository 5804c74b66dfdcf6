import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { ForbiddenError } from "@/lib/platform/errors";
import { exportResponse } from "@/lib/exports/http";
import { buildRunCsv } from "@/lib/exports/run-csv";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One row per step (UTF-8 with BOM, CRLF), for spreadsheets. */
export const GET = route({ params: z.object({ runId: id }) }, async ({ user, params }) => {
  if (!canViewProjects(user)) throw new ForbiddenError();
  const { csv, filename } = await buildRunCsv({ runId: params.runId });
  return exportResponse(csv, { contentType: "text/csv; charset=utf-8", filename });
});
