import { route } from "@/lib/platform/http/route";
import { canManageOwnNotificationPreferences } from "@/lib/platform/auth/permissions";
import { getNotificationPreferences } from "@/lib/notifications/queries";
import { updateNotificationPreferences } from "@/lib/notifications/service";
import { preferencesInput, preferencesResult } from "@/lib/notifications/schemas";

export const GET = route(
  { allow: canManageOwnNotificationPreferences, response: preferencesResult, summary: "Your notification channels by kind (defaults: both on)" },
  async ({ user }) => getNotificationPreferences({ userId: user.id }),
);

export const PUT = route(
  { allow: canManageOwnNotificationPreferences, body: preferencesInput, response: preferencesResult, summary: "Saves your notification channels by kind" },
  async ({ user, body }) => {
    await updateNotificationPreferences({ actor: user, input: body });
    return getNotificationPreferences({ userId: user.id });
  },
);
