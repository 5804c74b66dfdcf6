import "server-only";
import { prisma } from "../db/client";
import { NotFoundError } from "../errors";
import { joinPresence, listPresence, subscribePresence, subscribeProjectChanges, subscribeSessionsEnded } from "./events";
import { sessionIsLive } from "../auth/session";

/** Safety net for a missed in-process notification (or a write from another process). */
const POLL_MS = 2000;
const HEARTBEAT_MS = 15_000;

export async function openProjectEventStream(options: {
  projectId: string;
  viewer: { userId: string; name: string; runId: string | null; sessionId: string };
  connectionId: string;
  resumeAfterSeq: number | null;
  signal: AbortSignal;
  /** Whether the viewer may still see the project (checked at every poll and change): removed from it, the stream ends. */
  stillAllowed?: () => boolean;
}): Promise<Response> {
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
  if (!project) throw new NotFoundError("Project");
  const projectId = project.id;
  // A fresh page already rendered the current state: start from the newest event.
  let lastSeq =
    options.resumeAfterSeq ??
    (await prisma.auditEvent.findFirst({ where: { projectId }, orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ??
    0;

  const encoder = new TextEncoder();
  let closed = false;
  let wake: (() => void) | null = null;
  const cleanups: (() => void)[] = [];

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (chunk: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          close();
        }
      };
      const sendPresence = () => send(`event: presence\ndata: ${JSON.stringify(listPresence(projectId))}\n\n`);
      const close = () => {
        if (closed) return;
        closed = true;
        for (const cleanup of cleanups) cleanup();
        wake?.();
        try {
          controller.close();
        } catch {
          // already closed by the client
        }
      };

      send(`retry: 2000\n\n`);
      cleanups.push(joinPresence(projectId, options.connectionId, options.viewer));
      cleanups.push(subscribePresence(projectId, sendPresence));
      cleanups.push(subscribeProjectChanges(projectId, () => wake?.()));
      // A revoked session or a deactivated user stops receiving at once, not at the next reconnect.
      cleanups.push(
        subscribeSessionsEnded((ended) => {
          if (ended.userId === options.viewer.userId && (ended.sessionIds === "all" || ended.sessionIds.includes(options.viewer.sessionId))) close();
        }),
      );
      // A named event, not a comment: the browser sees it and knows the stream is still alive.
      const heartbeat = setInterval(() => send(`event: ping\ndata: {}\n\n`), HEARTBEAT_MS);
      cleanups.push(() => clearInterval(heartbeat));
      options.signal.addEventListener("abort", close);
      sendPresence();

      void (async () => {
        while (!closed) {
          try {
            // The safety net for an ending that happened in another process: checked every poll.
            if (!sessionIsLive(options.viewer.sessionId) || (options.stillAllowed && !options.stillAllowed())) {
              close();
              break;
            }
            const events = await prisma.auditEvent.findMany({
              where: { projectId, seq: { gt: lastSeq } },
              orderBy: { seq: "asc" },
              take: 200,
              select: { seq: true, at: true, action: true, runId: true, entityType: true, entityId: true, actorName: true },
            });
            for (const event of events) {
              send(`id: ${event.seq}\nevent: change\ndata: ${JSON.stringify(event)}\n\n`);
              lastSeq = event.seq;
            }
            if (events.length === 200) continue;
          } catch (error) {
            console.error("SSE read failed", error);
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, POLL_MS);
            wake = () => {
              clearTimeout(timer);
              wake = null;
              resolve();
            };
          });
        }
      })();
    },
    cancel() {
      closed = true;
      for (const cleanup of cleanups) cleanup();
      wake?.();
    },
  });

  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
