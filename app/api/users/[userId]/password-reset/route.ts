import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { createPasswordReset } from "@/lib/users/passwords";
import { passwordResetCreatedResult } from "@/lib/users/schemas";

/** An admin resets a password: answers the one-time token once; the page builds the link from it. */
export const POST = route({ summary: "Make a one-time password reset link for a user (admins)", response: passwordResetCreatedResult, allow: canManageUsers, forbidden: "Only admins can reset passwords.", params: z.object({ userId: id }) }, async ({ user, params }) => {
  const reset = await createPasswordReset({ actor: user, userId: params.userId });
  return { token: reset.token, expiresAt: reset.expiresAt.toISOString(), userName: reset.userName };
});
