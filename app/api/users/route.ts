import { route } from "@/lib/api/route";
import { createUser } from "@/lib/users";
import { createUserInput } from "@/lib/validation";

export const POST = route({ body: createUserInput }, async ({ user, body }) => {
  const created = await createUser({ actor: user, input: body });
  return { id: created.id };
});
