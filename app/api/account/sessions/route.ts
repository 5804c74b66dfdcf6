import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { listSessionsForUser, revokeOtherOwnSessions } from "@/lib/users/sessions";

export const GET = route({ allow: canManageOwnAccount }, async ({ user }) => ({ sessions: await listSessionsForUser({ userId: user.id, currentSessionId: user.sessionId }) }));

/** Signs out every other session of yours. */
export const DELETE = route({ allow: canManageOwnAccount }, async ({ user }) => revokeOtherOwnSessions({ actor: user, currentSessionId: user.sessionId }));
