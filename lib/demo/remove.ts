import "server-only";
import { appendAuditEvent } from "../audit/service";
import { canManageUsers, type ActingUser } from "../platform/auth/permissions";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, ValidationError } from "../platform/errors";
import { publishSessionsEnded } from "../platform/live/events";

/** Whether the demo is still here: an active demo account (published password) or a demo project. */
export async function hasDemo(): Promise<boolean> {
  const [accounts, projects] = await Promise.all([prisma.user.count({ where: { isDemo: true, deactivatedAt: null } }), prisma.project.count({ where: { isDemo: true } })]);
  return accounts + projects > 0;
}

/**
 * Removes the demo in one transaction: its projects with their plans, runs, fleets and evidence
 * rows, and its accounts' passwords and sessions. The accounts stay as deactivated rows, and the
 * demo's audit events stay on the chain: the record of what happened on this installation keeps
 * its history, and a chain can't lose events without showing it. The removal itself is an event.
 */
export async function removeDemo(options: { actor: ActingUser }): Promise<{ projects: number; accounts: number }> {
  const { actor } = options;
  if (!canManageUsers(actor)) throw new ForbiddenError("Only admins can remove the demo.");
  const removed = await runTransaction(async (tx) => {
    const me = await tx.user.findUnique({ where: { id: actor.id }, select: { isDemo: true } });
    if (me?.isDemo) {
      throw new ValidationError("You are signed in with a demo account. Create your own admin account under Users, sign in with it, then remove the demo.", {});
    }
    const projects = await tx.project.findMany({ where: { isDemo: true }, select: { id: true, name: true } });
    const accounts = await tx.user.findMany({ where: { isDemo: true, deactivatedAt: null }, select: { id: true, email: true } });
    if (projects.length === 0 && accounts.length === 0) throw new ConflictError("The demo was already removed.");
    await tx.project.deleteMany({ where: { id: { in: projects.map((p) => p.id) } } });
    const accountIds = accounts.map((a) => a.id);
    await tx.session.deleteMany({ where: { userId: { in: accountIds } } });
    await tx.account.deleteMany({ where: { userId: { in: accountIds } } });
    await tx.user.updateMany({ where: { id: { in: accountIds } }, data: { deactivatedAt: new Date() } });
    await appendAuditEvent(tx, {
      actor,
      projectId: null,
      action: "demo.remove",
      entityType: "installation",
      entityId: "demo",
      before: { projects, accounts: accounts.map((a) => a.email) },
      after: null,
    });
    return { projects, accountIds };
  });
  for (const userId of removed.accountIds) publishSessionsEnded({ userId, sessionIds: "all" });
  return { projects: removed.projects.length, accounts: removed.accountIds.length };
}
