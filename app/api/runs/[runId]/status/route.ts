import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { getRunStatus } from "@/lib/runs/status";
import { runStatusResult } from "@/lib/runs/schemas";

export const dynamic = "force-dynamic";

/** Progress, forecast and the steps by number (with ids and versions): what `runsheet run status` prints. */
export const GET = route({ summary: "A run's progress, forecast and steps by number", response: runStatusResult, allow: canViewProjects, params: z.object({ runId: id }).strict() }, async ({ user, params }) => getRunStatus({ actor: user, runId: params.runId }));
