import { z } from "zod";
import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { id } from "@/lib/platform/validation";
import { revokeAllSessionsOfUser } from "@/lib/users/sessions";
import { sessionsRevokedResult } from "@/lib/users/schemas";

/** An admin signs a user out everywhere. */
export const DELETE = route({ summary: "Sign a user out everywhere (admins)", response: sessionsRevokedResult, allow: canManageUsers, forbidden: "Only admins can sign other people out.", params: z.object({ userId: id }) }, async ({ user, params }) => revokeAllSessionsOfUser({ actor: user, userId: params.userId }));
