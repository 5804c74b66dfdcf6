import { z } from "zod";
import { randomUUID } from "node:crypto";
import { route } from "@/lib/platform/http/route";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { openProjectEventStream } from "@/lib/platform/live/stream";
import { id } from "@/lib/platform/validation";
import { projectRoleOf, requireProjectAccess } from "@/lib/projects/access";
import { buildRunDeltas } from "@/lib/runs/live-delta-builder";

export const dynamic = "force-dynamic";

const sequence = z.string().regex(/^\d+$/).transform(Number);

/** ?runId= (whose page is watching, for presence) and ?after= (resume point when the browser can't send Last-Event-ID). */
const query = z
  .object({
    runId: id.optional(),
    /** This browser tab's id, so its presence heartbeats (POST …/presence) keep it listed. */
    tab: z.string().uuid().optional(),
    // A malformed resume point means "from now", as a fresh page would.
    after: sequence.optional().catch(undefined),
  })
  .strict();

/**
 * Server-Sent Events for one project: every audit event (seq = event id, so a reconnecting
 * browser resumes with Last-Event-ID) with what it changed (lib/runs/live-delta.ts), plus who is
 * viewing.
 */
export const GET = route({ summary: "Follow a project live (Server-Sent Events)", responseContentType: "text/event-stream", responseDescription: "Server-Sent Events. `change` (id = audit seq): a live delta `{seq, prevSeq, at, action, runId, actorName, kind, step?, fleet?, run?}` (lib/runs/live-delta.ts); a client that sees `prevSeq` newer than the last event it applied missed one and reloads. `presence`: who has the project open. `ping`: a heartbeat every 15 s. Resumes after Last-Event-ID or `?after=`.", allow: canViewProjects, params: z.object({ projectId: id }), query }, async ({ user, params, query, request }) => {
  await requireProjectAccess({ user, projectId: params.projectId, need: "view" });
  const lastEventId = sequence.safeParse(request.headers.get("last-event-id"));
  return openProjectEventStream({
    projectId: params.projectId,
    viewer: { userId: user.id, name: user.name, runId: query.runId ?? null, sessionId: user.sessionId },
    connectionId: query.tab ?? randomUUID(),
    resumeAfterSeq: lastEventId.success ? lastEventId.data : (query.after ?? null),
    signal: request.signal,
    stillAllowed: async () => (await projectRoleOf({ user, projectId: params.projectId })) !== null,
    describe: buildRunDeltas,
  });
});
