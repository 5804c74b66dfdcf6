import "server-only";
import { EventEmitter } from "node:events";
import { onProjectsCommitted } from "../db/transaction";

/**
 * In-process notification that a project's audit log grew. The SSE route listens and then reads
 * the new events from the database (the source of truth), so a missed notification only delays
 * an update until the route's next poll. One Next.js process serves everything (self-hosted,
 * one SQLite file); a multi-process deployment would rely on that poll alone.
 */
const globalForBus = globalThis as unknown as { runsheetBus?: EventEmitter };
const bus = globalForBus.runsheetBus ?? new EventEmitter();
bus.setMaxListeners(0);
globalForBus.runsheetBus = bus;

export function publishProjectChange(projectId: string): void {
  bus.emit(`project:${projectId}`);
}

// Live pages hear of a change only after its transaction committed, so they never read a state
// that could still roll back.
onProjectsCommitted("live-events", (projectIds) => {
  for (const projectId of projectIds) publishProjectChange(projectId);
});

export function subscribeProjectChanges(projectId: string, listener: () => void): () => void {
  bus.on(`project:${projectId}`, listener);
  return () => bus.off(`project:${projectId}`, listener);
}

/**
 * Presence: who has a project's page open right now, per browser tab. A tab that stops saying it
 * is there (its network dropped without closing the stream) is dropped after PRESENCE_TTL_MS.
 */
interface Viewer {
  userId: string;
  name: string;
  runId: string | null;
}
export const PRESENCE_TTL_MS = 45_000;
const globalForPresence = globalThis as unknown as { runsheetPresence?: Map<string, Map<string, Viewer & { seenAt: number }>>; runsheetPresenceSweep?: ReturnType<typeof setInterval> };
const presence = globalForPresence.runsheetPresence ?? new Map<string, Map<string, Viewer & { seenAt: number }>>();
globalForPresence.runsheetPresence = presence;
globalForPresence.runsheetPresenceSweep ??= setInterval(() => {
  const cutoff = Date.now() - PRESENCE_TTL_MS;
  for (const [projectId, viewers] of presence) {
    let dropped = false;
    for (const [id, viewer] of viewers) if (viewer.seenAt < cutoff) dropped = viewers.delete(id) || dropped;
    if (viewers.size === 0) presence.delete(projectId);
    if (dropped) bus.emit(`presence:${projectId}`);
  }
}, 5_000);
globalForPresence.runsheetPresenceSweep.unref?.();

/** A tab says it is still there (POST /api/projects/:id/presence); false when it isn't known here. */
export function touchPresence(projectId: string, connectionId: string, userId: string): boolean {
  const viewer = presence.get(projectId)?.get(connectionId);
  if (!viewer || viewer.userId !== userId) return false;
  viewer.seenAt = Date.now();
  return true;
}

export function joinPresence(projectId: string, connectionId: string, viewer: Viewer): () => void {
  let viewers = presence.get(projectId);
  if (!viewers) presence.set(projectId, (viewers = new Map()));
  viewers.set(connectionId, { ...viewer, seenAt: Date.now() });
  bus.emit(`presence:${projectId}`);
  return () => {
    viewers.delete(connectionId);
    if (viewers.size === 0) presence.delete(projectId);
    bus.emit(`presence:${projectId}`);
  };
}

export function listPresence(projectId: string): { userId: string; name: string; runId: string | null }[] {
  const unique = new Map<string, Viewer>();
  const cutoff = Date.now() - PRESENCE_TTL_MS;
  for (const { seenAt, ...viewer } of presence.get(projectId)?.values() ?? []) if (seenAt >= cutoff) unique.set(`${viewer.userId}:${viewer.runId}`, viewer);
  return [...unique.values()];
}

export function subscribePresence(projectId: string, listener: () => void): () => void {
  bus.on(`presence:${projectId}`, listener);
  return () => bus.off(`presence:${projectId}`, listener);
}

/**
 * Sessions that just ended (sign-out elsewhere, revocation, deactivation): open live streams of
 * those sessions close at once instead of streaming on. Publish after the change committed.
 */
export interface SessionsEnded {
  userId: string;
  /** The ended sessions, or "all" of the user's. */
  sessionIds: string[] | "all";
}

export function publishSessionsEnded(ended: SessionsEnded): void {
  bus.emit("sessions-ended", ended);
}

export function subscribeSessionsEnded(listener: (ended: SessionsEnded) => void): () => void {
  bus.on("sessions-ended", listener);
  return () => bus.off("sessions-ended", listener);
}
