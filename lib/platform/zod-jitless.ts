import { z } from "zod";

/**
 * In the browser, zod must not probe for eval. To speed up object parsing zod tries
 * `new Function("")` once; the page's CSP forbids eval (script-src has no 'unsafe-eval'), so the
 * probe fails, zod falls back, and the browser still reports a CSP violation for it, which would
 * hide real ones. `jitless` skips the probe. The server keeps the faster path: eval is allowed
 * there, and zod's configuration is process-wide.
 *
 * Import this before anything that builds zod schemas in the browser (better-auth's client does).
 */
if (typeof window !== "undefined") z.config({ jitless: true });
