import "server-only";
import { prisma } from "../db/client";
import { listPresence, subscribePresence, subscribeProjectChanges } from "./events";

/**
 * The per-process fan-out of live updates. Each watched project has one channel: it reads the new
 * audit events once (after a commit in this process, or when the shared safety poll sees the log
 * grew from another process), turns them into deltas once, encodes each as one SSE chunk and
 * writes that same chunk to every open stream of the project. A tick therefore costs one read
 * and one encode however many people watch, plus an enqueue per stream.
 */

/** An audit event as the stream reads it; `after` is the event's JSON, for delta builders. */
export interface LiveEventRow {
  seq: number;
  at: Date;
  action: string;
  runId: string | null;
  entityType: string;
  entityId: string;
  actorName: string;
  after: string;
}

/**
 * Adds what changed to each event (by seq): a feature describes its own events (lib/runs builds
 * step deltas), the platform knows nothing of them. Called once per batch per project.
 */
export type DeltaBuilder = (events: LiveEventRow[]) => Promise<Map<number, Record<string, unknown>>>;

export interface LiveConnection {
  /** The newest seq this stream has been sent (or the page had rendered). */
  lastSeq: number;
  write: (chunk: Uint8Array) => void;
  /** Re-checks the session and the viewer's access; false ends the stream. Cheap (two indexed reads). */
  /** Whether the stream's session and access still hold (async: a database read on PostgreSQL). */
  allowed: () => Promise<boolean>;
  close: () => void;
  /** Broadcast chunks held back while this stream replays what it missed. */
  pending: { seq: number; chunk: Uint8Array }[] | null;
}

interface Channel {
  projectId: string;
  connections: Set<LiveConnection>;
  /** The newest seq of this project's events the channel has broadcast. */
  headSeq: number;
  ready: Promise<void>;
  reading: boolean;
  readAgain: boolean;
  build: DeltaBuilder;
  presenceQueued: boolean;
  unsubscribe: (() => void)[];
}

export const SAFETY_POLL_MS = 2000;
export const HEARTBEAT_MS = 15_000;
const BATCH = 200;
/** Actions that can't change who may watch: a batch of only these skips the per-stream access check. */
const WORK_ACTION = /^(step\.(start|done|skip|fail|undo_signoff)|fleet\.(update|bulk_update)|gate\.|evidence\.)/;

const encoder = new TextEncoder();
const PING = encoder.encode(`event: ping\ndata: {}\n\n`);

interface Hub {
  channels: Map<string, Channel>;
  poll: ReturnType<typeof setInterval> | null;
  heartbeat: ReturnType<typeof setInterval> | null;
  /** Counters for tests and the benchmark: how often the database was read for live updates. */
  stats: { eventReads: number; polls: number };
}
// On globalThis: Next.js may load this module once per route bundle; there must be one hub.
const globalForHub = globalThis as unknown as { runsheetLiveHub?: Hub };
const hub: Hub = (globalForHub.runsheetLiveHub ??= { channels: new Map(), poll: null, heartbeat: null, stats: { eventReads: 0, polls: 0 } });

export function liveHubStats(): { channels: number; connections: number; eventReads: number; polls: number } {
  let connections = 0;
  for (const channel of hub.channels.values()) connections += channel.connections.size;
  return { channels: hub.channels.size, connections, ...hub.stats };
}

async function newestSeq(projectId: string): Promise<number> {
  return (await prisma.auditEvent.findFirst({ where: { projectId }, orderBy: { seq: "desc" }, select: { seq: true } }))?.seq ?? 0;
}

function readEvents(projectId: string, afterSeq: number, uptoSeq?: number): Promise<LiveEventRow[]> {
  hub.stats.eventReads++;
  return prisma.auditEvent.findMany({
    where: { projectId, seq: uptoSeq === undefined ? { gt: afterSeq } : { gt: afterSeq, lte: uptoSeq } },
    orderBy: { seq: "asc" },
    take: BATCH,
    select: { seq: true, at: true, action: true, runId: true, entityType: true, entityId: true, actorName: true, after: true },
  });
}

/** Encodes a batch: `prevSeq` is the project's event before each one, so a browser can tell a gap. */
async function encodeBatch(build: DeltaBuilder, events: LiveEventRow[], prevSeq: number): Promise<{ seq: number; chunk: Uint8Array }[]> {
  let deltas = new Map<number, Record<string, unknown>>();
  try {
    deltas = await build(events);
  } catch (error) {
    // Without a delta the browser refreshes the page: slower, still right.
    console.error("Live delta build failed", error);
  }
  let prev = prevSeq;
  return events.map((event) => {
    const payload = {
      seq: event.seq,
      prevSeq: prev,
      at: event.at,
      action: event.action,
      runId: event.runId,
      entityType: event.entityType,
      entityId: event.entityId,
      actorName: event.actorName,
      ...(deltas.get(event.seq) ?? { kind: "other" }),
    };
    prev = event.seq;
    return { seq: event.seq, chunk: encoder.encode(`id: ${event.seq}\nevent: change\ndata: ${JSON.stringify(payload)}\n\n`) };
  });
}

function sendTo(connection: LiveConnection, seq: number, chunk: Uint8Array): void {
  if (connection.pending) connection.pending.push({ seq, chunk });
  else if (seq > connection.lastSeq) {
    connection.lastSeq = seq;
    connection.write(chunk);
  }
}

/** Reads what is new for the project once and sends it to every stream; calls during a read coalesce. */
async function pump(channel: Channel): Promise<void> {
  await channel.ready;
  if (channel.reading) {
    channel.readAgain = true;
    return;
  }
  channel.reading = true;
  try {
    do {
      channel.readAgain = false;
      const events = await readEvents(channel.projectId, channel.headSeq);
      if (events.length === 0) continue;
      const chunks = await encodeBatch(channel.build, events, channel.headSeq);
      channel.headSeq = events[events.length - 1].seq;
      // Someone may have lost access (removed from the project, the project made members-only):
      // checked per stream only when the batch holds an event that could do that.
      const check = events.some((e) => !WORK_ACTION.test(e.action));
      const connections = [...channel.connections];
      const verdicts = check ? await Promise.all(connections.map((connection) => connection.allowed().catch(() => false))) : null;
      for (const [i, connection] of connections.entries()) {
        if (verdicts && !verdicts[i]) {
          connection.close();
          continue;
        }
        for (const { seq, chunk } of chunks) sendTo(connection, seq, chunk);
      }
      if (events.length === BATCH) channel.readAgain = true;
    } while (channel.readAgain && hub.channels.get(channel.projectId) === channel);
  } catch (error) {
    console.error("Live read failed", error);
  } finally {
    channel.reading = false;
  }
}

function broadcastPresence(channel: Channel): void {
  if (channel.presenceQueued) return;
  // Many tabs joining at once (a reconnect storm after a restart) cost one presence list each
  // turn of the event loop, not one per join per stream.
  channel.presenceQueued = true;
  setImmediate(() => {
    channel.presenceQueued = false;
    const chunk = encoder.encode(`event: presence\ndata: ${JSON.stringify(listPresence(channel.projectId))}\n\n`);
    for (const connection of channel.connections) connection.write(chunk);
  });
}

function channelFor(projectId: string, build: DeltaBuilder): Channel {
  const existing = hub.channels.get(projectId);
  if (existing) return existing;
  const channel: Channel = {
    projectId,
    connections: new Set(),
    headSeq: 0,
    ready: Promise.resolve(),
    reading: false,
    readAgain: false,
    build,
    presenceQueued: false,
    unsubscribe: [],
  };
  channel.ready = newestSeq(projectId).then((seq) => {
    channel.headSeq = Math.max(channel.headSeq, seq);
  });
  channel.unsubscribe.push(subscribeProjectChanges(projectId, () => void pump(channel)));
  channel.unsubscribe.push(subscribePresence(projectId, () => broadcastPresence(channel)));
  hub.channels.set(projectId, channel);
  startTimers();
  return channel;
}

function startTimers(): void {
  hub.poll ??= setInterval(() => void safetyPoll(), SAFETY_POLL_MS);
  hub.heartbeat ??= setInterval(() => {
    for (const channel of hub.channels.values()) for (const connection of channel.connections) connection.write(PING);
  }, HEARTBEAT_MS);
  hub.poll.unref?.();
  hub.heartbeat.unref?.();
}

function stopTimersIfIdle(): void {
  if (hub.channels.size > 0) return;
  if (hub.poll) clearInterval(hub.poll);
  if (hub.heartbeat) clearInterval(hub.heartbeat);
  hub.poll = hub.heartbeat = null;
}

/**
 * Reads every watched project's new events now: after the cross-instance channel reconnects
 * (notifications sent meanwhile are lost) or announces "everything changed". Cheap: each channel
 * reads only after its head.
 */
export function pumpAllChannels(): void {
  for (const channel of hub.channels.values()) void pump(channel);
}

/**
 * The safety net, shared by every stream of the process: one query for the newest seq of every
 * watched project. It catches a write from another process (the CLI) or a missed notification,
 * and re-checks each stream's session and access, as the per-stream poll did.
 */
async function safetyPoll(): Promise<void> {
  hub.stats.polls++;
  const channels = [...hub.channels.values()];
  if (channels.length === 0) return;
  try {
    const heads = await prisma.auditEvent.groupBy({ by: ["projectId"], where: { projectId: { in: channels.map((c) => c.projectId) } }, _max: { seq: true } });
    const headOf = new Map(heads.map((h) => [h.projectId, h._max.seq ?? 0]));
    for (const channel of channels) {
      const connections = [...channel.connections];
      const verdicts = await Promise.all(connections.map((connection) => connection.allowed().catch(() => true)));
      connections.forEach((connection, i) => !verdicts[i] && connection.close());
      if ((headOf.get(channel.projectId) ?? 0) > channel.headSeq) void pump(channel);
    }
  } catch (error) {
    console.error("Live safety poll failed", error);
  }
}

/**
 * Adds a stream to its project's channel. A stream that resumes from an older seq first replays
 * what it missed from the database (its own read, once), while broadcasts wait for it.
 * Returns the function that removes it.
 */
export async function joinChannel(options: { projectId: string; build: DeltaBuilder; connection: LiveConnection; resumeAfterSeq: number | null }): Promise<() => void> {
  const channel = channelFor(options.projectId, options.build);
  await channel.ready;
  const { connection } = options;
  const leave = () => {
    channel.connections.delete(connection);
    if (channel.connections.size === 0 && hub.channels.get(channel.projectId) === channel) {
      hub.channels.delete(channel.projectId);
      for (const unsubscribe of channel.unsubscribe) unsubscribe();
      stopTimersIfIdle();
    }
  };
  const upto = channel.headSeq;
  if (options.resumeAfterSeq === null || options.resumeAfterSeq >= upto) {
    // A fresh page already rendered the current state: start from the newest event.
    connection.lastSeq = options.resumeAfterSeq ?? upto;
    channel.connections.add(connection);
    return leave;
  }
  connection.lastSeq = options.resumeAfterSeq;
  connection.pending = [];
  channel.connections.add(connection);
  try {
    let after = options.resumeAfterSeq;
    for (;;) {
      const events = await readEvents(channel.projectId, after, upto);
      if (events.length === 0) break;
      for (const { seq, chunk } of await encodeBatch(channel.build, events, after)) {
        connection.lastSeq = seq;
        connection.write(chunk);
      }
      after = events[events.length - 1].seq;
      if (events.length < BATCH) break;
    }
  } finally {
    const held = connection.pending ?? [];
    connection.pending = null;
    for (const { seq, chunk } of held) sendTo(connection, seq, chunk);
  }
  return leave;
}

/** The current presence chunk, for a stream that just opened. */
export function presenceChunk(projectId: string): Uint8Array {
  return encoder.encode(`event: presence\ndata: ${JSON.stringify(listPresence(projectId))}\n\n`);
}
