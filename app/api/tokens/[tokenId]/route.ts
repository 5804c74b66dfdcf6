import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageOwnAccount } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { revokeApiToken } from "@/lib/tokens/service";
import { tokenResult } from "@/lib/tokens/schemas";

/** Revokes a token at once: your own, or (admins) anyone's. */
export const DELETE = route({ summary: "Revoke an API token", response: tokenResult, allow: canManageOwnAccount, forbidden: "Tokens are managed by a signed-in person, not with a token.", params: z.object({ tokenId: id }).strict() }, async ({ user, params }) => ({
  token: await revokeApiToken({ actor: user, tokenId: params.tokenId }),
}));
