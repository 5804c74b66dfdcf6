import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { id, okResult } from "@/lib/platform/validation";
import { revokeOwnSession } from "@/lib/users/sessions";

export const DELETE = route({ summary: "Sign out one of your other sessions", response: okResult, allow: canManageOwnAccount, params: z.object({ sessionId: id }) }, async ({ user, params }) => {
  await revokeOwnSession({ actor: user, sessionId: params.sessionId });
  return { ok: true };
});
