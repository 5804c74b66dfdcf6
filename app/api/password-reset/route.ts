import { publicRoute } from "@/lib/platform/http/route";
import { completePasswordReset } from "@/lib/users/passwords";
import { completePasswordResetInput } from "@/lib/users/schemas";

/** Signed out by design: the one-time token from an admin's reset link is the credential. */
export const POST = publicRoute({ body: completePasswordResetInput }, async ({ body }) => completePasswordReset({ input: body }));
