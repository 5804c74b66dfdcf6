import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { createUser } from "@/lib/users/service";
import { createUserInput } from "@/lib/users/schemas";
import { createdId } from "@/lib/platform/validation";

export const POST = route({ summary: "Create a user (admins)", response: createdId, allow: canManageUsers, forbidden: "Only admins can create users.", body: createUserInput }, async ({ user, body }) => {
  const created = await createUser({ actor: user, input: body });
  return { id: created.id };
});
