import "server-only";
import { appendAuditEvent } from "../audit/service";
import { SESSION_LIMITS } from "../platform/auth/auth";
import { canManageUsers, type ActingUser } from "../platform/auth/permissions";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError } from "../platform/errors";
import { publishSessionsEnded } from "../platform/live/events";

export interface SessionSummary {
  id: string;
  current: boolean;
  address: string | null;
  userAgent: string | null;
  signedInAt: string;
  lastActiveAt: string;
  /** When it ends unless used: the idle expiry, or the absolute limit if sooner. */
  endsAt: string;
}

/** The user's sessions that still admit them, newest first; `currentSessionId` marks "this device". */
export async function listSessionsForUser(options: { userId: string; currentSessionId: string | null }): Promise<SessionSummary[]> {
  const now = Date.now();
  const rows = await prisma.session.findMany({
    where: { userId: options.userId },
    select: { id: true, ipAddress: true, userAgent: true, createdAt: true, updatedAt: true, expiresAt: true },
    orderBy: { updatedAt: "desc" },
  });
  return rows
    .map((row) => ({ row, endsAt: Math.min(row.expiresAt.getTime(), row.createdAt.getTime() + SESSION_LIMITS.absoluteMs) }))
    .filter(({ endsAt }) => endsAt > now)
    .map(({ row, endsAt }) => ({
      id: row.id,
      current: row.id === options.currentSessionId,
      address: row.ipAddress,
      userAgent: row.userAgent,
      signedInAt: row.createdAt.toISOString(),
      lastActiveAt: row.updatedAt.toISOString(),
      endsAt: new Date(endsAt).toISOString(),
    }));
}

/** Signs one of your own sessions out (a phone left on the data-center floor). */
export async function revokeOwnSession(options: { actor: ActingUser; sessionId: string }): Promise<void> {
  const { actor, sessionId } = options;
  await runTransaction(async (tx) => {
    const session = await tx.session.findUnique({ where: { id: sessionId }, select: { userId: true, ipAddress: true } });
    // Someone else's session id answers like a missing one: ids aren't secrets, but no need to confirm them.
    if (!session || session.userId !== actor.id) throw new NotFoundError("Session");
    await tx.session.delete({ where: { id: sessionId } });
    await appendAuditEvent(tx, { actor, projectId: null, action: "auth.session_revoke", entityType: "session", entityId: sessionId, before: { address: session.ipAddress }, after: null });
  });
  publishSessionsEnded({ userId: actor.id, sessionIds: [sessionId] });
}

/** Signs out everywhere but here. */
export async function revokeOtherOwnSessions(options: { actor: ActingUser; currentSessionId: string }): Promise<{ revoked: number }> {
  const { actor, currentSessionId } = options;
  const ended = await runTransaction(async (tx) => {
    const others = await tx.session.findMany({ where: { userId: actor.id, id: { not: currentSessionId } }, select: { id: true } });
    if (others.length === 0) return [];
    await tx.session.deleteMany({ where: { id: { in: others.map((s) => s.id) } } });
    await appendAuditEvent(tx, { actor, projectId: null, action: "auth.session_revoke_others", entityType: "user", entityId: actor.id, before: { sessions: others.length + 1 }, after: { sessions: 1 } });
    return others.map((s) => s.id);
  });
  if (ended.length > 0) publishSessionsEnded({ userId: actor.id, sessionIds: ended });
  return { revoked: ended.length };
}

/** An admin signs a user out everywhere (a lost laptop, a leaver), without deactivating them. */
export async function revokeAllSessionsOfUser(options: { actor: ActingUser; userId: string }): Promise<{ revoked: number }> {
  const { actor, userId } = options;
  if (!canManageUsers(actor)) throw new ForbiddenError("Only admins can sign other people out.");
  const revoked = await runTransaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, name: true } });
    if (!user) throw new NotFoundError("User");
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await appendAuditEvent(tx, { actor, projectId: null, action: "auth.session_revoke_all", entityType: "user", entityId: userId, before: { name: user.name, sessions: count }, after: { sessions: 0 } });
    return count;
  });
  publishSessionsEnded({ userId, sessionIds: "all" });
  return { revoked };
}
