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
export interface Viewer {
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
    if (dropped) localPresenceChanged(projectId);
  }
  for (const [projectId, byInstance] of globalForRemote.runsheetRemotePresence ?? []) {
    let dropped = false;
    for (const [instance, snapshot] of byInstance) if (snapshot.at < cutoff) dropped = byInstance.delete(instance) || dropped;
    if (byInstance.size === 0) globalForRemote.runsheetRemotePresence?.delete(projectId);
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
  localPresenceChanged(projectId);
  return () => {
    viewers.delete(connectionId);
    if (viewers.size === 0) presence.delete(projectId);
    localPresenceChanged(projectId);
  };
}

/** This process's viewers of a project, one entry per person and run (tabs of the same page count once). */
function localViewers(projectId: string): Viewer[] {
  const unique = new Map<string, Viewer>();
  const cutoff = Date.now() - PRESENCE_TTL_MS;
  for (const { seenAt, ...viewer } of presence.get(projectId)?.values() ?? []) if (seenAt >= cutoff) unique.set(`${viewer.userId}:${viewer.runId}`, viewer);
  return [...unique.values()];
}

export function listPresence(projectId: string): { userId: string; name: string; runId: string | null }[] {
  const unique = new Map<string, Viewer>();
  for (const viewer of localViewers(projectId)) unique.set(`${viewer.userId}:${viewer.runId}`, viewer);
  const cutoff = Date.now() - PRESENCE_TTL_MS;
  for (const snapshot of remotePresence.get(projectId)?.values() ?? []) {
    if (snapshot.at < cutoff) continue; // that instance stopped saying so: it may be gone
    for (const viewer of snapshot.viewers) unique.set(`${viewer.userId}:${viewer.runId}`, viewer);
  }
  return [...unique.values()];
}

/*
 * Presence across instances (PostgreSQL, lib/platform/live/cross-instance.ts). Each instance sends
 * its own viewers of a project whenever they change, and every PRESENCE_REPUBLISH_MS for projects
 * it has viewers of; the others keep the newest snapshot per instance and drop it once it is older
 * than PRESENCE_TTL_MS, so an instance that died takes its viewers with it. With one process no
 * publisher is set and nothing is sent.
 */
export type PresencePublisher = (projectId: string, viewers: Viewer[]) => void;
export const PRESENCE_REPUBLISH_MS = 15_000;
const globalForRemote = globalThis as unknown as { runsheetRemotePresence?: Map<string, Map<string, { viewers: Viewer[]; at: number }>>; runsheetPresencePublisher?: PresencePublisher | null };
const remotePresence = (globalForRemote.runsheetRemotePresence ??= new Map());

export function setPresencePublisher(publisher: PresencePublisher | null): void {
  globalForRemote.runsheetPresencePublisher = publisher;
}

function localPresenceChanged(projectId: string): void {
  bus.emit(`presence:${projectId}`);
  globalForRemote.runsheetPresencePublisher?.(projectId, localViewers(projectId));
}

/** Every project this process has viewers of, with them: what the periodic republish sends. */
export function localPresenceSnapshot(): { projectId: string; viewers: Viewer[] }[] {
  return [...presence.keys()].map((projectId) => ({ projectId, viewers: localViewers(projectId) })).filter((s) => s.viewers.length > 0);
}

/** Another instance's viewers of a project (an empty list: none left there). */
export function receiveRemotePresence(instance: string, projectId: string, viewers: Viewer[]): void {
  let byInstance = remotePresence.get(projectId);
  if (!byInstance) remotePresence.set(projectId, (byInstance = new Map()));
  if (viewers.length === 0) byInstance.delete(instance);
  else byInstance.set(instance, { viewers, at: Date.now() });
  if (byInstance.size === 0) remotePresence.delete(projectId);
  bus.emit(`presence:${projectId}`);
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
