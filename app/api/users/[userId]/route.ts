import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { updateUser } from "@/lib/users/service";
import { createdId, id } from "@/lib/platform/validation";
import { updateUserInput } from "@/lib/users/schemas";

export const PATCH = route({ summary: "Change a user's name, role or status (admins)", response: createdId, allow: canManageUsers, forbidden: "Only admins can change users.", params: z.object({ userId: id }), body: updateUserInput }, async ({ user, params, body }) => {
  const updated = await updateUser({ actor: user, userId: params.userId, input: body });
  return { id: updated.id };
});
