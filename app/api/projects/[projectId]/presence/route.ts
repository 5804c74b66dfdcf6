import { z } from "zod";
import { canViewProjects } from "@/lib/platform/auth/permissions";
import { route } from "@/lib/platform/http/route";
import { touchPresence } from "@/lib/platform/live/events";
import { id } from "@/lib/platform/validation";
import { requireProjectAccess } from "@/lib/projects/access";
import { presenceResult } from "@/lib/projects/schemas";

/**
 * A tab following the project says it is still there. A tab whose network dropped without closing
 * its live stream stops sending these and leaves "Viewing now" within the presence TTL.
 */
export const POST = route({ summary: "Presence heartbeat of a tab following the project", response: presenceResult, allow: canViewProjects, params: z.object({ projectId: id }).strict(), body: z.object({ tab: z.string().uuid() }).strict() }, async ({ user, params, body }) => {
  await requireProjectAccess({ user, projectId: params.projectId, need: "view" });
  return { known: touchPresence(params.projectId, body.tab, user.id) };
});
