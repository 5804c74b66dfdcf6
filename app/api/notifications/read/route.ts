import { route } from "@/lib/platform/http/route";
import { canUseOwnNotifications } from "@/lib/platform/auth/permissions";
import { markNotificationsRead } from "@/lib/notifications/service";
import { markReadInput, markReadResult } from "@/lib/notifications/schemas";

export const POST = route(
  { allow: canUseOwnNotifications, body: markReadInput, response: markReadResult, summary: "Marks your notifications read: the given ids, or all" },
  async ({ user, body }) => markNotificationsRead({ actor: user, input: body }),
);
