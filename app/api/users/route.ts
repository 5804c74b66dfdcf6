import { route } from "@/lib/platform/http/route";
import { createUser } from "@/lib/users/service";
import { createUserInput } from "@/lib/users/schemas";

export const POST = route({ body: createUserInput }, async ({ user, body }) => {
  const created = await createUser({ actor: user, input: body });
  return { id: created.id };
});
