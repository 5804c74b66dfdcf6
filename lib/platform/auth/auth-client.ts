// First: better-auth's client builds zod schemas as it loads.
import "../zod-jitless";
import { createAuthClient } from "better-auth/react";

/** better-auth's browser client; talks to /api/auth on the page's own origin. */
export const authClient = createAuthClient();
