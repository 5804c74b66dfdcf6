import { publicRoute } from "@/lib/platform/http/route";
import { createFirstAdmin } from "@/lib/users/service";
import { firstAdminInput } from "@/lib/users/schemas";

/** First-run: creates the first admin. Unauthenticated by design, and refuses once any user exists. */
export const POST = publicRoute({ body: firstAdminInput }, async ({ body }) => {
  const user = await createFirstAdmin({ input: body });
  return { id: user.id };
});
