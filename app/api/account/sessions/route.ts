import { route } from "@/lib/platform/http/route";
import { listSessionsForUser, revokeOtherOwnSessions } from "@/lib/users/sessions";

export const GET = route({}, async ({ user }) => ({ sessions: await listSessionsForUser({ userId: user.id, currentSessionId: user.sessionId }) }));

/** Signs out every other session of yours. */
export const DELETE = route({}, async ({ user }) => revokeOtherOwnSessions({ actor: user, currentSessionId: user.sessionId }));
