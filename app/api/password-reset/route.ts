import { publicRoute } from "@/lib/platform/http/route";
import { completePasswordReset } from "@/lib/users/passwords";
import { completePasswordResetInput, passwordResetCompletedResult } from "@/lib/users/schemas";

/** Signed out by design: the one-time token from an admin's reset link is the credential. */
export const POST = publicRoute({ summary: "Set a new password with the one-time token of a reset link", response: passwordResetCompletedResult, body: completePasswordResetInput }, async ({ body }) => completePasswordReset({ input: body }));
