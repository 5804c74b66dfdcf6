/**
 * The auth library's endpoints this product uses; every other one it ships (update-user,
 * change-email, delete-user, list-sessions, reset-password, get-session, …) answers 404. Names on
 * records are facts: a user must not be able to rename themselves (or set an image) through the
 * library. Passwords and sessions are managed by our own routes (lib/users), which apply the
 * password policy and the audit trail; get-session would answer from the signed cookie cache for a
 * minute after sign-out, while our routes read the session row on every request.
 */
export const AUTH_PATHS_IN_USE: ReadonlySet<string> = new Set(["/sign-in/email", "/sign-out"]);

/** The path under /api/auth, with repeated and trailing slashes folded the way the router folds them. */
export function authPathOf(url: string): string {
  const pathname = new URL(url).pathname.replace(/\/{2,}/g, "/");
  const path = pathname.startsWith("/api/auth") ? pathname.slice("/api/auth".length) : pathname;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export const isAuthPathInUse = (url: string) => AUTH_PATHS_IN_USE.has(authPathOf(url));
