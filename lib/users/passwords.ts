import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { appendAuditEvent } from "../audit/service";
import { passwordProblem } from "../platform/auth/password-policy";
import { canManageUsers, type ActingUser } from "../platform/auth/permissions";
import { runTransaction } from "../platform/db/transaction";
import { prisma } from "../platform/db/client";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { publishSessionsEnded } from "../platform/live/events";

/** How long a reset link works: long enough to reach someone on another shift, short enough not to linger. */
export const PASSWORD_RESET_HOURS = 24;

const tokenHash = (token: string) => createHash("sha256").update(token).digest("hex");

function refuseWeak(newPassword: string, user: { name: string; email: string }): void {
  const problem = passwordProblem(newPassword, [user.name, user.email]);
  if (problem) throw new ValidationError(problem, { newPassword: [problem] });
}

/**
 * Changes your own password. The current one is required; the new one must meet the policy.
 * Every other session of yours is signed out (whoever knew the old password is out too).
 */
export async function changeOwnPassword(options: { actor: ActingUser; currentSessionId: string; input: { currentPassword: string; newPassword: string } }): Promise<{ otherSessionsEnded: number }> {
  const { actor, currentSessionId, input } = options;
  const user = await prisma.user.findUnique({ where: { id: actor.id }, select: { name: true, email: true, accounts: { where: { providerId: "credential" }, select: { id: true, password: true } } } });
  const account = user?.accounts[0];
  if (!user || !account?.password) throw new ValidationError("This account signs in without a password here.", {});
  if (!(await verifyPassword({ hash: account.password, password: input.currentPassword }))) {
    throw new ValidationError("That isn't your current password.", { currentPassword: ["That isn't your current password."] });
  }
  if (input.newPassword === input.currentPassword) {
    throw new ValidationError("Choose a password different from the current one.", { newPassword: ["Choose a password different from the current one."] });
  }
  refuseWeak(input.newPassword, user);
  const hash = await hashPassword(input.newPassword);
  const ended = await runTransaction(async (tx) => {
    // The hash we verified must still be the stored one: two changes at once can't both win.
    const { count } = await tx.account.updateMany({ where: { id: account.id, password: account.password }, data: { password: hash } });
    if (count !== 1) throw new ValidationError("Your password was just changed elsewhere. Sign in again.", {});
    const others = await tx.session.findMany({ where: { userId: actor.id, id: { not: currentSessionId } }, select: { id: true } });
    await tx.session.deleteMany({ where: { id: { in: others.map((s) => s.id) } } });
    await appendAuditEvent(tx, { actor, projectId: null, action: "auth.password_change", entityType: "user", entityId: actor.id, before: null, after: { otherSessionsEnded: others.length } });
    return others.map((s) => s.id);
  });
  if (ended.length > 0) publishSessionsEnded({ userId: actor.id, sessionIds: ended });
  return { otherSessionsEnded: ended.length };
}

/**
 * An admin resets someone's password: the old password stops working at once, their sessions
 * end, and a one-time link (valid PASSWORD_RESET_HOURS) lets them choose a new one. Only the
 * token's hash is stored; the link is shown to the admin once, to hand over in person or by chat.
 */
export async function createPasswordReset(options: { actor: ActingUser; userId: string }): Promise<{ token: string; expiresAt: Date; userName: string }> {
  const { actor, userId } = options;
  if (!canManageUsers(actor)) throw new ForbiddenError("Only admins can reset passwords.");
  const token = randomBytes(24).toString("base64url");
  const expiresAt = new Date(Date.now() + PASSWORD_RESET_HOURS * 3_600_000);
  const userName = await runTransaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, name: true, deactivatedAt: true } });
    if (!user) throw new NotFoundError("User");
    if (user.deactivatedAt) throw new ValidationError(`${user.name} is deactivated. Reactivate them first.`, {});
    await tx.passwordReset.deleteMany({ where: { userId, usedAt: null } });
    await tx.passwordReset.create({ data: { userId, tokenHash: tokenHash(token), createdById: actor.id, expiresAt } });
    await tx.account.updateMany({ where: { userId, providerId: "credential" }, data: { password: null } });
    const { count } = await tx.session.deleteMany({ where: { userId } });
    await appendAuditEvent(tx, { actor, projectId: null, action: "auth.password_reset_issue", entityType: "user", entityId: userId, before: { name: user.name, sessions: count }, after: { expiresAt: expiresAt.toISOString() } });
    return user.name;
  });
  publishSessionsEnded({ userId, sessionIds: "all" });
  return { token, expiresAt, userName };
}

const INVALID_LINK = "This reset link is not valid any more. Ask an admin for a new one.";

/** Who a reset link is for, if it still works: the reset page greets them by name. */
export async function findPasswordReset(options: { token: string }): Promise<{ name: string; email: string } | null> {
  const reset = await prisma.passwordReset.findUnique({ where: { tokenHash: tokenHash(options.token) }, select: { usedAt: true, expiresAt: true, user: { select: { name: true, email: true, deactivatedAt: true } } } });
  if (!reset || reset.usedAt || reset.expiresAt.getTime() <= Date.now() || reset.user.deactivatedAt) return null;
  return { name: reset.user.name, email: reset.user.email };
}

/** The person sets their new password through the link; the link is then spent. */
export async function completePasswordReset(options: { input: { token: string; newPassword: string } }): Promise<{ email: string }> {
  const { token, newPassword } = options.input;
  const reset = await prisma.passwordReset.findUnique({ where: { tokenHash: tokenHash(token) }, select: { id: true, usedAt: true, expiresAt: true, userId: true, user: { select: { name: true, email: true, deactivatedAt: true } } } });
  if (!reset || reset.usedAt || reset.expiresAt.getTime() <= Date.now() || reset.user.deactivatedAt) throw new ValidationError(INVALID_LINK, { token: [INVALID_LINK] });
  refuseWeak(newPassword, reset.user);
  const hash = await hashPassword(newPassword);
  await runTransaction(async (tx) => {
    // Spent exactly once, even if the form is sent twice at the same moment.
    const { count } = await tx.passwordReset.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: new Date() } });
    if (count !== 1) throw new ValidationError(INVALID_LINK, { token: [INVALID_LINK] });
    const updated = await tx.account.updateMany({ where: { userId: reset.userId, providerId: "credential" }, data: { password: hash } });
    if (updated.count === 0) {
      await tx.account.create({ data: { id: crypto.randomUUID(), accountId: reset.userId, providerId: "credential", userId: reset.userId, password: hash } });
    }
    await appendAuditEvent(tx, { actor: { id: reset.userId, name: reset.user.name }, projectId: null, action: "auth.password_reset_complete", entityType: "user", entityId: reset.userId, before: null, after: null });
  });
  return { email: reset.user.email };
}
