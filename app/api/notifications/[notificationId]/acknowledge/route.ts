import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canUseOwnNotifications } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { acknowledgeNotification } from "@/lib/notifications/service";
import { acknowledgeResult } from "@/lib/notifications/schemas";

/** "I've seen it": stops the chasing of one of your notifications (audited). */
export const POST = route(
  { allow: canUseOwnNotifications, params: z.strictObject({ notificationId: id }), response: acknowledgeResult, summary: "Acknowledges one of your notifications, which stops its reminders" },
  async ({ user, params }) => acknowledgeNotification({ actor: user, notificationId: params.notificationId }),
);
