import { route } from "@/lib/platform/http/route";
import { canManageAllTokens } from "@/lib/platform/auth/permissions";
import { listAllTokens } from "@/lib/tokens/queries";

/** Every token of the installation, personal and service (admins, signed in in person). */
export const GET = route({ allow: canManageAllTokens }, async () => ({ tokens: await listAllTokens() }));
