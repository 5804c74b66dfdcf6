import "server-only";
import { prisma } from "../db/client";
import { NotFoundError } from "../errors";
import { joinPresence, subscribeSessionsEnded } from "./events";
import { sessionIsLive } from "../auth/session";
import { joinChannel, presenceChunk, type DeltaBuilder, type LiveConnection } from "./hub";

const encoder = new TextEncoder();
const RETRY = encoder.encode(`retry: 2000\n\n`);

/**
 * One browser tab's Server-Sent Events for a project. The reading, encoding and the safety poll
 * are shared by all tabs of the project in this process (./hub.ts); this stream only writes the
 * chunks it is handed, and ends when its session ends or the viewer loses access.
 */
export async function openProjectEventStream(options: {
  projectId: string;
  viewer: { userId: string; name: string; runId: string | null; sessionId: string };
  connectionId: string;
  resumeAfterSeq: number | null;
  signal: AbortSignal;
  /** Whether the viewer may still see the project (checked at every safety poll and after access-changing events): removed from it, the stream ends. */
  stillAllowed?: () => Promise<boolean>;
  /** Describes the events' changes, so a browser can patch its page instead of re-rendering it (the same for every stream: the project's channel keeps the first). */
  describe: DeltaBuilder;
}): Promise<Response> {
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
  if (!project) throw new NotFoundError("Project");
  const projectId = project.id;

  let closed = false;
  const cleanups: (() => void)[] = [];
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const cleanup of cleanups) cleanup();
    try {
      controllerRef?.close();
    } catch {
      // already closed by the client
    }
  };
  const connection: LiveConnection = {
    lastSeq: 0,
    pending: null,
    write: (chunk) => {
      if (closed || !controllerRef) return;
      try {
        controllerRef.enqueue(chunk);
      } catch {
        close();
      }
    },
    allowed: async () => (await sessionIsLive(options.viewer.sessionId)) && (!options.stillAllowed || (await options.stillAllowed())),
    close,
  };

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
      connection.write(RETRY);
      // A revoked session or a deactivated user stops receiving at once, not at the next reconnect.
      cleanups.push(
        subscribeSessionsEnded((ended) => {
          if (ended.userId === options.viewer.userId && (ended.sessionIds === "all" || ended.sessionIds.includes(options.viewer.sessionId))) close();
        }),
      );
      options.signal.addEventListener("abort", close);
      cleanups.push(joinPresence(projectId, options.connectionId, options.viewer));
      connection.write(presenceChunk(projectId));
      void joinChannel({ projectId, build: options.describe, connection, resumeAfterSeq: options.resumeAfterSeq })
        .then((leave) => {
          if (closed) leave();
          else cleanups.push(leave);
        })
        .catch((error) => {
          console.error("SSE join failed", error);
          close();
        });
    },
    cancel() {
      close();
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
