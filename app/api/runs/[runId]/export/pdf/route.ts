import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { exportResponse } from "@/lib/exports/http";
import { renderRunPdf } from "@/lib/exports/run-pdf";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { requireRunAccess } from "@/lib/projects/access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * The run as a PDF record (any role; an unfinished run is marked as such on every page). Rendered
 * in a worker thread; when every worker and the queue are taken, 503 with Retry-After.
 */
export const GET = route({ summary: "The run's PDF record (cover, steps, evidence, audit trail, signed head)", responseContentType: "application/pdf", responseDescription: "A download (Content-Disposition: attachment, runsheet-<project>-<run>.pdf). Rendered in a worker pool: when too many exports wait, 503 with Retry-After: 60.", allow: canViewProjects, params: z.object({ runId: id }) }, async ({ user, params, request }) => {
  await requireRunAccess({ user, runId: params.runId, need: "view" });
  const { pdf, filename } = await renderRunPdf({ runId: params.runId, generatedBy: user.name, signal: request.signal });
  return exportResponse(pdf, { contentType: "application/pdf", filename });
});
