import "server-only";
import { prisma } from "../platform/db/client";
import { mailIsConfigured } from "../platform/mail/mailer";
import { leadCandidates } from "./service";
import { visibleProjectsWhere } from "../projects/access";
import type { Actor } from "../platform/auth/permissions";
import { isChased, timingsFromEnv, NOTIFICATION_KINDS, NOTIFICATION_KIND_LABELS, type NotificationKind } from "./model";

/**
 * The user's own bell: newest first, with the unread count. Only ever the signed-in user's rows,
 * and only of projects they may still see (someone removed from a project keeps no window on it).
 */
export async function listNotifications(options: { user: Actor; limit?: number }) {
  const where = { userId: options.user.id, inApp: true, project: await visibleProjectsWhere(options.user) };
  const [rows, unread] = await Promise.all([
    prisma.notification.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: options.limit ?? 30 }),
    prisma.notification.count({ where: { ...where, readAt: null } }),
  ]);
  return {
    unread,
    notifications: rows.map((n) => ({
      id: n.id,
      kind: n.kind as NotificationKind,
      title: n.title,
      body: n.body,
      href: n.href,
      createdAt: n.createdAt.toISOString(),
      read: n.readAt !== null,
      acknowledgedAt: n.acknowledgedAt?.toISOString() ?? null,
      /** READY and OVERDUE ask for an answer; the bell offers Acknowledge until there is one. */
      needsAcknowledgement: isChased(n.kind) && n.acknowledgedAt === null,
    })),
  };
}

/** One of the user's notifications (the email's Acknowledge page), or null. */
export async function getOwnNotification(options: { userId: string; notificationId: string }) {
  const n = await prisma.notification.findUnique({ where: { id: options.notificationId } });
  if (!n || n.userId !== options.userId) return null;
  return { id: n.id, kind: n.kind, title: n.title, body: n.body, href: n.href, createdAt: n.createdAt.toISOString(), acknowledgedAt: n.acknowledgedAt?.toISOString() ?? null, needsAcknowledgement: isChased(n.kind) };
}

/** Every kind with the user's choice, or the default (both on) when they never chose. */
export async function getNotificationPreferences(options: { userId: string }) {
  const rows = await prisma.notificationPreference.findMany({ where: { userId: options.userId } });
  const byKind = new Map(rows.map((r) => [r.kind, r]));
  return {
    emailAvailable: mailIsConfigured(),
    preferences: NOTIFICATION_KINDS.map((kind) => ({ kind, label: NOTIFICATION_KIND_LABELS[kind], inApp: byKind.get(kind)?.inApp ?? true, email: byKind.get(kind)?.email ?? true })),
  };
}

/** The project settings page's lead card: who it is, who it falls back to, and who may be chosen. */
export async function getProjectLead(options: { projectId: string }) {
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { leadUserId: true, notifyOverdueMinutes: true, createdBy: { select: { name: true, deactivatedAt: true } } } });
  const candidates = await leadCandidates(prisma, options.projectId);
  return {
    leadUserId: project?.leadUserId ?? null,
    overdueMinutes: project?.notifyOverdueMinutes ?? null,
    defaultOverdueMinutes: timingsFromEnv(process.env).overdueMinutes,
    fallback: project?.createdBy && !project.createdBy.deactivatedAt ? `${project.createdBy.name} (created the project)` : "every admin",
    candidates,
  };
}
