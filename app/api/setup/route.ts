import { publicRoute } from "@/lib/platform/http/route";
import { createFirstAdmin } from "@/lib/users/service";
import { firstAdminInput } from "@/lib/users/schemas";
import { createdId } from "@/lib/platform/validation";

/** First-run: creates the first admin. Unauthenticated by design, and refuses once any user exists. */
export const POST = publicRoute({ summary: "First run: create the first admin", response: createdId, body: firstAdminInput }, async ({ body }) => {
  const user = await createFirstAdmin({ input: body });
  return { id: user.id };
});
