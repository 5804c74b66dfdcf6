import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { id } from "@/lib/platform/validation";
import { createPasswordReset } from "@/lib/users/passwords";

/** An admin resets a password: answers the one-time token once; the page builds the link from it. */
export const POST = route({ params: z.object({ userId: id }) }, async ({ user, params }) => {
  const reset = await createPasswordReset({ actor: user, userId: params.userId });
  return { token: reset.token, expiresAt: reset.expiresAt.toISOString(), userName: reset.userName };
});
