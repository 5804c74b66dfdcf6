import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { removeDemo } from "@/lib/demo/remove";
import { demoRemovedResult } from "@/lib/demo/schemas";

/** Removes the demo's projects and accounts (admins; not while signed in with a demo account). */
export const DELETE = route({ summary: "Remove the demo's projects and accounts (admins)", response: demoRemovedResult, allow: canManageUsers, forbidden: "Only admins can remove the demo." }, async ({ user }) => removeDemo({ actor: user }));
