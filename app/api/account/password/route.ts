import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { changeOwnPassword } from "@/lib/users/passwords";
import { changePasswordInput, passwordChangedResult } from "@/lib/users/schemas";

export const POST = route({ summary: "Change your password; signs out your other sessions", response: passwordChangedResult, allow: canManageOwnAccount, body: changePasswordInput }, async ({ user, body }) => changeOwnPassword({ actor: user, currentSessionId: user.sessionId, input: body }));
