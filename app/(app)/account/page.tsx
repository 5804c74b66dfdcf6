import type { Metadata } from "next";
import { ChangePasswordForm, SessionList, SignOutCard } from "@/components/account/account-settings";
import { PageHeader } from "@/components/ui/card";
import { SESSION_LIMITS } from "@/lib/platform/auth/auth";
import { ROLE_LABELS } from "@/lib/platform/auth/roles";
import { requireUser } from "@/lib/platform/auth/session";
import { listSessionsForUser } from "@/lib/users/sessions";
import { TokenManager } from "@/components/tokens/token-manager";
import { listOwnTokens, listTokenProjectChoices } from "@/lib/tokens/queries";
import { NotificationPreferencesCard } from "@/components/notifications/notification-preferences";
import { getNotificationPreferences } from "@/lib/notifications/queries";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const user = await requireUser();
  const sessions = await listSessionsForUser({ userId: user.id, currentSessionId: user.sessionId });
  const [tokens, projects, notificationPreferences] = await Promise.all([listOwnTokens({ userId: user.id }), listTokenProjectChoices({ user }), getNotificationPreferences({ userId: user.id })]);
  return (
    <>
      <PageHeader title="Your account" subtitle={`${user.name} · ${user.email} · ${ROLE_LABELS[user.role]}. Ask an admin to change your name or role.`} />
      <div className="grid gap-6 lg:grid-cols-3">
        <SessionList sessions={sessions} idleHours={SESSION_LIMITS.idleMs / 3_600_000} maxHours={SESSION_LIMITS.absoluteMs / 3_600_000} />
        <ChangePasswordForm email={user.email} />
        <NotificationPreferencesCard initial={notificationPreferences.preferences} emailAvailable={notificationPreferences.emailAvailable} />
        <TokenManager tokens={tokens} projects={projects} canMakeAdmin={user.role === "ADMIN"} />
        <SignOutCard />
      </div>
    </>
  );
}
