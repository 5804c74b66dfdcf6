import { route } from "@/lib/platform/http/route";
import { removeDemo } from "@/lib/demo/remove";

/** Removes the demo's projects and accounts (admins; not while signed in with a demo account). */
export const DELETE = route({}, async ({ user }) => removeDemo({ actor: user }));
