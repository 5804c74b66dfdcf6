import { route } from "@/lib/platform/http/route";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { removeDemo } from "@/lib/demo/remove";

/** Removes the demo's projects and accounts (admins; not while signed in with a demo account). */
export const DELETE = route({ allow: canManageUsers, forbidden: "Only admins can remove the demo." }, async ({ user }) => removeDemo({ actor: user }));
