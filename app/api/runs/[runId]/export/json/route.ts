import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { exportResponse } from "@/lib/exports/http";
import { buildRunJson } from "@/lib/exports/run-json";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { requireRunAccess } from "@/lib/projects/access";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The versioned JSON document: plan (re-importable), run state per step, audit events. */
export const GET = route({ summary: "The run as a JSON document: plan, state per step, audit events", responseContentType: "application/json", responseDescription: "A download (Content-Disposition: attachment): the versioned run export; its `plan` is a runbook document that can be imported again.", allow: canViewProjects, params: z.object({ runId: id }) }, async ({ user, params }) => {
  await requireRunAccess({ user, runId: params.runId, need: "view" });
  const { json, filename } = await buildRunJson({ runId: params.runId, exportedBy: user.name });
  return exportResponse(JSON.stringify(json, null, 2), { contentType: "application/json; charset=utf-8", filename });
});
