import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { listOwnTokens } from "@/lib/tokens/queries";
import { createTokenInput, tokenCreatedResult, tokenListResult } from "@/lib/tokens/schemas";
import { createApiToken } from "@/lib/tokens/service";

/** Your personal API tokens (never their secrets). */
export const GET = route({ summary: "Your API tokens (never their secrets)", response: tokenListResult, allow: canManageOwnAccount, forbidden: "Tokens are managed by a signed-in person, not with a token." }, async ({ user }) => ({
  tokens: await listOwnTokens({ userId: user.id }),
}));

/** A new token; the answer carries its secret, the only time it is shown. */
export const POST = route({ summary: "Create an API token; the answer holds its secret, once", response: tokenCreatedResult, allow: canManageOwnAccount, forbidden: "Tokens are managed by a signed-in person, not with a token.", body: createTokenInput }, async ({ user, body }) =>
  createApiToken({ actor: user, input: body }),
);
