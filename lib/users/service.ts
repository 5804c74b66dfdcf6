import "server-only";
import { randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { appendAuditEvent } from "../audit/service";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { canManageUsers, type ActingUser } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { publishSessionsEnded } from "../platform/live/events";

const publicUser = { id: true, name: true, email: true, role: true, deactivatedAt: true, isDemo: true, createdAt: true } as const;

export async function listUsers() {
  return prisma.user.findMany({ select: publicUser, orderBy: [{ deactivatedAt: "asc" }, { name: "asc" }] });
}

async function insertUser(options: { actor: ActingUser | null; name: string; email: string; password: string; role: RoleName }) {
  const passwordHash = await hashPassword(options.password);
  return runTransaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: options.email }, select: { id: true } });
    if (existing) throw new ValidationError("A user with this email already exists.", { email: ["A user with this email already exists."] });
    const id = randomUUID();
    const user = await tx.user.create({
      data: { id, name: options.name, email: options.email, role: options.role, emailVerified: true },
      select: publicUser,
    });
    await tx.account.create({ data: { id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: passwordHash } });
    await appendAuditEvent(tx, {
      actor: options.actor ?? { id, name: options.name },
      projectId: null,
      action: "user.create",
      entityType: "user",
      entityId: id,
      before: null,
      after: { name: user.name, email: user.email, role: user.role },
    });
    return user;
  });
}

export async function createUser(options: { actor: ActingUser; input: { name: string; email: string; password: string; role: RoleName } }) {
  if (!canManageUsers(options.actor)) throw new ForbiddenError("Only admins can create users.");
  return insertUser({ actor: options.actor, ...options.input });
}

/** The first-run screen: creates the first admin, and refuses once any user exists. */
export async function createFirstAdmin(options: { input: { name: string; email: string; password: string } }) {
  if ((await prisma.user.count()) > 0) throw new ConflictError("Runsheet is already set up. Sign in instead.");
  return insertUser({ actor: null, ...options.input, role: "ADMIN" });
}

/**
 * An admin changes a user's role, activity or name (users can't rename themselves: names on
 * records are facts). Renaming changes what new records say; past ones keep the name they had.
 */
export async function updateUser(options: { actor: ActingUser; userId: string; input: { name?: string; role?: RoleName; active?: boolean } }) {
  if (!canManageUsers(options.actor)) throw new ForbiddenError("Only admins can change users.");
  const { actor, userId, input } = options;
  const updated = await runTransaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: publicUser });
    if (!before) throw new NotFoundError("User");
    if (userId === actor.id && (input.role !== undefined && input.role !== "ADMIN" || input.active === false)) {
      throw new ValidationError("You can't demote or deactivate yourself.", { role: ["You can't demote or deactivate yourself."] });
    }
    const after = await tx.user.update({
      where: { id: userId },
      data: {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.active !== undefined ? { deactivatedAt: input.active ? null : new Date() } : {}),
      },
      select: publicUser,
    });
    if (input.active === false) await tx.session.deleteMany({ where: { userId } });
    await appendAuditEvent(tx, {
      actor,
      projectId: null,
      action: "user.update",
      entityType: "user",
      entityId: userId,
      before: { name: before.name, role: before.role, active: before.deactivatedAt === null },
      after: { name: after.name, role: after.role, active: after.deactivatedAt === null },
    });
    return after;
  });
  // Their open live pages stop receiving now, not at their next reconnect.
  if (input.active === false) publishSessionsEnded({ userId, sessionIds: "all" });
  return updated;
}
