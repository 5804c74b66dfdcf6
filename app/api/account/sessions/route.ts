import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { listSessionsForUser, revokeOtherOwnSessions } from "@/lib/users/sessions";
import { sessionListResult, sessionsRevokedResult } from "@/lib/users/schemas";

export const GET = route({ summary: "Your signed-in sessions, newest first", response: sessionListResult, allow: canManageOwnAccount }, async ({ user }) => ({ sessions: await listSessionsForUser({ userId: user.id, currentSessionId: user.sessionId }) }));

/** Signs out every other session of yours. */
export const DELETE = route({ summary: "Sign out every other session of yours", response: sessionsRevokedResult, allow: canManageOwnAccount }, async ({ user }) => revokeOtherOwnSessions({ actor: user, currentSessionId: user.sessionId }));
