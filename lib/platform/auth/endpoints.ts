import { requestOrigin } from "../http/client-address";
import { OIDC_CALLBACK_PATH, ssoConfig } from "./sso-config";

/**
 * The auth library's endpoints this product uses; every other one it ships (update-user,
 * change-email, delete-user, list-sessions, reset-password, get-session, …) answers 404. Names on
 * records are facts: a user must not be able to rename themselves (or set an image) through the
 * library. Passwords and sessions are managed by our own routes (lib/users), which apply the
 * password policy and the audit trail; get-session would answer from the signed cookie cache for a
 * minute after sign-out, while our routes read the session row on every request.
 */
export const AUTH_PATHS_IN_USE: ReadonlySet<string> = new Set(["/sign-in/email", "/sign-out"]);

/**
 * With single sign-on configured (lib/platform/auth/sso.ts): the sign-in button's request and the
 * IdP's redirect back, for our one provider only.
 */
export const SSO_AUTH_PATHS: ReadonlySet<string> = new Set(["/sign-in/social", OIDC_CALLBACK_PATH]);

/** The path under /api/auth, with repeated and trailing slashes folded the way the router folds them. */
export function authPathOf(url: string): string {
  const pathname = new URL(url).pathname.replace(/\/{2,}/g, "/");
  const path = pathname.startsWith("/api/auth") ? pathname.slice("/api/auth".length) : pathname;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

export const isAuthPathInUse = (url: string) => {
  const path = authPathOf(url);
  return AUTH_PATHS_IN_USE.has(path) || (SSO_AUTH_PATHS.has(path) && ssoConfig() !== null);
};

/**
 * The request with the URL the browser used. Next.js hands route handlers a URL on the server's
 * own listen address ("localhost:3000"), and better-auth derives the OAuth redirect_uri from it
 * when BETTER_AUTH_URL is unset: the IdP would send people to localhost. The origin is the one
 * the browser addressed (X-Forwarded-Host/-Proto only from a trusted proxy, client-address.ts),
 * the same origin trustedOrigins allows.
 */
export function withBrowserOrigin(request: Request): Request {
  const origin = requestOrigin(request.headers, request.url);
  const url = new URL(request.url);
  if (!origin || url.origin === origin) return request;
  return new Request(new URL(`${url.pathname}${url.search}`, origin), request);
}
