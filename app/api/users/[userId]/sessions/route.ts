import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { id } from "@/lib/platform/validation";
import { revokeAllSessionsOfUser } from "@/lib/users/sessions";

/** An admin signs a user out everywhere. */
export const DELETE = route({ params: z.object({ userId: id }) }, async ({ user, params }) => revokeAllSessionsOfUser({ actor: user, userId: params.userId }));
