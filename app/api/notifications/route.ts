import { route } from "@/lib/platform/http/route";
import { canUseOwnNotifications } from "@/lib/platform/auth/permissions";
import { listNotifications } from "@/lib/notifications/queries";
import { notificationListQuery, notificationListResult } from "@/lib/notifications/schemas";

export const GET = route(
  { allow: canUseOwnNotifications, query: notificationListQuery, response: notificationListResult, summary: "Your notifications, newest first, with the unread count" },
  async ({ user, query }) => listNotifications({ user, limit: query.limit }),
);
