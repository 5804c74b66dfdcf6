import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { DATABASE_PROVIDER, prisma } from "../db/client";
import { dataDirectory } from "../db/sqlite-path";
import { requestHost, requestProtocol } from "../http/client-address";
import { ssoPlugins } from "./sso";

/** After this many wrong passwords in a row an account is locked for LOCKOUT_MINUTES. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * The signing secret: BETTER_AUTH_SECRET, or one generated on first start and kept next to the
 * database, so a self-hosted install is secure without configuration and sessions survive restarts.
 */
function resolveSecret(): string {
  const fromEnv = process.env.BETTER_AUTH_SECRET;
  if (fromEnv && fromEnv.length >= 32) return fromEnv;
  const file = path.join(dataDirectory(), ".auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("hex");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

const SIGN_IN_PATH = "/sign-in/email";

/**
 * Session cookies are `Secure` (and `__Secure-` prefixed) exactly when the browser reached us over
 * HTTPS: a team on a LAN over plain HTTP must be able to sign in (a browser drops Secure cookies
 * on an http:// origin other than localhost), and one behind a TLS proxy must get Secure cookies.
 * The cookie attributes are fixed per better-auth instance, so there are two, and each request
 * goes to the one that fits it (authFor).
 */
function createAuth(secureCookies: boolean) {
  return betterAuth({
    secret: resolveSecret(),
    // Unset, the origin is derived from each request: a self-hosted install is reached by whatever
    // name or IP the data center uses. (A dynamic allowedHosts config assumed https for LAN
    // names and refused plain-http sign-ins, so we don't use it.)
    baseURL: process.env.BETTER_AUTH_URL || undefined,
    // Next.js hands route handlers a request URL on "localhost", so better-auth's derived origin
    // would refuse sign-ins from the LAN name or IP the browser actually used. Trust exactly the
    // origin of the Host the browser connected to: that is the same-origin rule, and a cross-site
    // page still carries its own, foreign Origin.
    trustedOrigins: async (request?: Request) => {
      if (!request) return [];
      const host = requestHost(request.headers);
      return host ? [`${requestProtocol(request.headers, request.url)}://${host}`] : [];
    },
    database: prismaAdapter(prisma, { provider: DATABASE_PROVIDER }),
    emailAndPassword: {
      enabled: true,
      // Accounts are created by admins (or the first-run screen), never by self sign-up.
      disableSignUp: true,
      minPasswordLength: 10,
    },
    user: {
      additionalFields: {
        role: { type: "string", required: false, defaultValue: "VIEWER", input: false },
      },
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
      // Every tick is authenticated; a short signed cookie cache saves a session query per request.
      // Deactivation still takes effect at once: getCurrentUser reads the user row every time.
      cookieCache: { enabled: true, maxAge: 60 },
    },
    rateLimit: {
      // Per-IP limit on top of the per-account lock-out below. Loopback test suites sign in far
      // more often than people do, so the limit can be raised with RUNSHEET_SIGNIN_RATE_LIMIT.
      enabled: process.env.NODE_ENV === "production",
      customRules: {
        [SIGN_IN_PATH]: { window: 60, max: Number(process.env.RUNSHEET_SIGNIN_RATE_LIMIT ?? 20) },
      },
    },
    advanced: {
      useSecureCookies: secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN_PATH) return;
        const email = String(ctx.body?.email ?? "").trim().toLowerCase();
        const user = await prisma.user.findUnique({ where: { email }, select: { lockedUntil: true, deactivatedAt: true } });
        if (user?.deactivatedAt) {
          throw new APIError("FORBIDDEN", { message: "This account has been deactivated. Ask an admin." });
        }
        if (user?.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
          const minutes = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 60_000);
          throw new APIError("TOO_MANY_REQUESTS", {
            message: `Too many failed sign-ins. This account is locked for ${minutes} more minute${minutes === 1 ? "" : "s"}.`,
          });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== SIGN_IN_PATH) return;
        const email = String(ctx.body?.email ?? "").trim().toLowerCase();
        const returned = ctx.context.returned;
        const failed = returned instanceof APIError || (returned instanceof Response && returned.status >= 400);
        if (!failed) {
          await prisma.user.updateMany({ where: { email }, data: { failedLoginCount: 0, lockedUntil: null } });
          return;
        }
        if (returned instanceof APIError && returned.status === "TOO_MANY_REQUESTS") return;
        const user = await prisma.user.update({
          where: { email },
          data: { failedLoginCount: { increment: 1 } },
          select: { failedLoginCount: true },
        }).catch(() => null);
        if (user && user.failedLoginCount >= MAX_FAILED_SIGN_INS) {
          await prisma.user.update({
            where: { email },
            data: { failedLoginCount: 0, lockedUntil: new Date(Date.now() + LOCKOUT_MINUTES * 60_000) },
          });
        }
      }),
    },
    // nextCookies stays last (better-auth: it must see every other plugin's cookies).
    plugins: [...ssoPlugins(), nextCookies()],
  });
}

const overHttps = createAuth(true);
const overHttp = createAuth(false);

/** BETTER_AUTH_URL, when set, says which one the install is; otherwise each request says it. */
const configuredHttps = process.env.BETTER_AUTH_URL ? process.env.BETTER_AUTH_URL.trim().startsWith("https://") : null;

/** The instance whose cookies fit this request: HTTPS as the browser used it, directly or through a trusted proxy (client-address.ts). */
export function authFor(headers: Headers, url?: string) {
  if (configuredHttps !== null) return configuredHttps ? overHttps : overHttp;
  return requestProtocol(headers, url) === "https" ? overHttps : overHttp;
}

/** For code that needs the API without a request (the endpoint list in tests): both share it. */
export const auth = overHttp;
