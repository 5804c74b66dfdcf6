import { z } from "zod";
import { randomUUID } from "node:crypto";
import { route } from "@/lib/platform/http/route";
import { openProjectEventStream } from "@/lib/platform/live/stream";
import { id } from "@/lib/platform/validation";

export const dynamic = "force-dynamic";

/**
 * Server-Sent Events for one project: every audit event (seq = event id, so a reconnecting
 * browser resumes with Last-Event-ID) plus who is viewing.
 */
export const GET = route({ params: z.object({ projectId: id }) }, async ({ user, params, request }) => {
  const url = new URL(request.url);
  const resumeFrom = request.headers.get("last-event-id") ?? url.searchParams.get("after");
  return openProjectEventStream({
    projectId: params.projectId,
    viewer: { userId: user.id, name: user.name, runId: url.searchParams.get("runId") },
    connectionId: randomUUID(),
    resumeAfterSeq: resumeFrom !== null && /^\d+$/.test(resumeFrom) ? Number(resumeFrom) : null,
    signal: request.signal,
  });
});
