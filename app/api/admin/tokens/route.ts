import { route } from "@/lib/platform/http/route";
import { canManageAllTokens } from "@/lib/platform/auth/permissions";
import { listAllTokens } from "@/lib/tokens/queries";
import { tokenListResult } from "@/lib/tokens/schemas";

/** Every token of the installation, personal and service (admins, signed in in person). */
export const GET = route({ summary: "Every API token of the installation (admins)", response: tokenListResult, allow: canManageAllTokens }, async () => ({ tokens: await listAllTokens() }));
