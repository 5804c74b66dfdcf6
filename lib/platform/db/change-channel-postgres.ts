import "server-only";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { z } from "zod";

/**
 * Live updates across app instances on PostgreSQL, through LISTEN/NOTIFY on one channel.
 *
 * A writing transaction announces the projects it changed with pg_notify *inside* the transaction
 * (runPgTransaction does it just before COMMIT): PostgreSQL delivers a notification only when its
 * transaction commits, in commit order, and never for one that rolled back, which is exactly the
 * rule the in-process commit listeners follow. Each instance keeps one listening connection and
 * hands other instances' changes to the same listeners its own commits reach; its own messages
 * are skipped (they were already announced in-process).
 *
 * Notifications sent while the listening connection is down are lost, so after it reconnects
 * `onGap` runs: the live hub re-reads every watched project from the audit log (its cursor
 * makes that exact). Until then the hub's shared 2 s safety poll covers the gap anyway.
 */
export const CHANGE_CHANNEL = "runsheet_changes";

/** This process, as other instances see it in a message. */
export const INSTANCE_ID: string = randomUUID();

/** NOTIFY payloads are limited to 8000 bytes; a larger change set is announced as "everything". */
const MAX_PAYLOAD_BYTES = 7900;

export type ChangeMessage = { instance: string; projects: string[] } | { instance: string; all: true } | { instance: string; presence: PresenceSnapshot };

/** One instance's viewers of one project (lib/platform/live/events.ts keeps the newest per instance). */
export interface PresenceSnapshot {
  projectId: string;
  viewers: { userId: string; name: string; runId: string | null }[];
}

/** Sends this instance's viewers of a project to the others (not transactional: presence is not data). */
export async function publishPresence(pool: pg.Pool, snapshot: PresenceSnapshot, instance = INSTANCE_ID): Promise<void> {
  let payload = JSON.stringify({ instance, presence: snapshot } satisfies ChangeMessage);
  // A crowd too large for one NOTIFY is cut to what fits; the list is for display.
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
    const viewers = [...snapshot.viewers];
    while (viewers.length > 0 && Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      viewers.splice(Math.ceil(viewers.length * 0.8));
      payload = JSON.stringify({ instance, presence: { projectId: snapshot.projectId, viewers } } satisfies ChangeMessage);
    }
  }
  await pool.query({ name: "announce-presence", text: `SELECT pg_notify($1, $2)`, values: [CHANGE_CHANNEL, payload] });
}

/** The payload announcing `projectIds`, for pg_notify. */
export function changePayload(projectIds: Iterable<string>, instance = INSTANCE_ID): string {
  const payload = JSON.stringify({ instance, projects: [...projectIds] } satisfies ChangeMessage);
  return Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES ? payload : JSON.stringify({ instance, all: true } satisfies ChangeMessage);
}

const viewer = z.object({ userId: z.string(), name: z.string(), runId: z.string().nullable() });
/** What arrives on the channel is checked like any input: anyone who can connect can NOTIFY. */
const changeMessage: z.ZodType<ChangeMessage> = z.union([
  z.object({ instance: z.string(), projects: z.array(z.string()) }),
  z.object({ instance: z.string(), all: z.literal(true) }),
  z.object({ instance: z.string(), presence: z.object({ projectId: z.string(), viewers: z.array(viewer).max(1000) }) }),
]);

export interface ChangeChannel {
  /** Resolves once the channel listens again after a reconnect (tests), or at once while listening. */
  listening(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Listens for other instances' changes. `onChange` gets their project ids, or "all" (an oversized
 * change set); `onGap` runs after every reconnect. Reconnects with backoff (0.25 s doubling to 5 s).
 */
export function listenForChanges(options: {
  connectionString: string;
  onChange: (projects: string[] | "all") => void;
  onGap: () => void;
  /** Another instance's viewers of a project. */
  onPresence?: (instance: string, snapshot: PresenceSnapshot) => void;
  instance?: string;
}): ChangeChannel {
  const instance = options.instance ?? INSTANCE_ID;
  let closed = false;
  let client: pg.Client | null = null;
  let retryMs = 250;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ready!: () => void;
  let readyPromise = new Promise<void>((resolve) => (ready = resolve));
  let everConnected = false;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
    let json: unknown;
    try {
      json = JSON.parse(message.payload);
    } catch {
      return; // not ours: someone else NOTIFYing on the channel
    }
    const checked = changeMessage.safeParse(json);
    if (!checked.success) return;
    const parsed = checked.data;
    if (parsed.instance === instance) return;
    try {
      if ("presence" in parsed) options.onPresence?.(parsed.instance, parsed.presence);
      else options.onChange("all" in parsed ? "all" : parsed.projects);
    } catch (error) {
      console.error("A live change listener failed", error);
    }
  };

  const scheduleReconnect = () => {
    if (closed || timer) return;
    readyPromise = new Promise<void>((resolve) => (ready = resolve));
    timer = setTimeout(() => {
      timer = null;
      void connect();
    }, retryMs);
    timer.unref?.();
    retryMs = Math.min(retryMs * 2, 5000);
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: options.connectionString });
    // Errors arrive as 'error' and/or 'end'; either way this connection is done.
    next.on("error", () => {
      if (client === next) client = null;
      void next.end().catch(() => undefined);
      scheduleReconnect();
    });
    next.on("end", () => {
      if (client === next) client = null;
      scheduleReconnect();
    });
    next.on("notification", onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch {
      await next.end().catch(() => undefined);
      scheduleReconnect();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    retryMs = 250;
    if (everConnected) {
      try {
        options.onGap();
      } catch (error) {
        console.error("A live gap listener failed", error);
      }
    }
    everConnected = true;
    ready();
  };

  void connect();
  return {
    listening: () => readyPromise,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
