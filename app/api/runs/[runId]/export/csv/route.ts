import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { exportResponse } from "@/lib/exports/http";
import { buildRunCsv } from "@/lib/exports/run-csv";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { requireRunAccess } from "@/lib/projects/access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** One row per step (UTF-8 with BOM, CRLF), for spreadsheets. */
export const GET = route({ summary: "The run as CSV, one row per step", responseContentType: "text/csv", responseDescription: "A download (Content-Disposition: attachment): UTF-8 with BOM, CRLF line ends, one row per step.", allow: canViewProjects, params: z.object({ runId: id }) }, async ({ user, params }) => {
  await requireRunAccess({ user, runId: params.runId, need: "view" });
  const { csv, filename } = await buildRunCsv({ runId: params.runId });
  return exportResponse(csv, { contentType: "text/csv; charset=utf-8", filename });
});
