import "server-only";
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { DATABASE_PROVIDER, prisma } from "../db/client";
import { dataDirectory } from "../db/sqlite-path";
import { clientAddress, isLoopbackAddress, requestHost, requestProtocol } from "../http/client-address";
import { publishSessionsEnded } from "../live/events";
import { reportAuthEvent, type SignInFailureReason } from "./auth-events";
import { clearSignInFailures, recordSignInFailure, signInWaitMs, waitMessage } from "./sign-in-throttle";
import { ssoPlugins } from "./sso";

const hours = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of hours.`);
  return value * 3_600_000;
};

/**
 * How long a session lasts. Idle: signed out after this long without a request (default 12 h:
 * a night in the window with a long pause still fits; an open run page counts as use, since it
 * keeps talking to the server). Absolute: signed out this long after signing in, used or not
 * (default 72 h: a cutover weekend).
 */
export const SESSION_LIMITS = {
  idleMs: hours("RUNSHEET_SESSION_IDLE_HOURS", 12),
  absoluteMs: hours("RUNSHEET_SESSION_MAX_HOURS", 72),
  refreshMs: 5 * 60_000,
};

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
      // The idle timeout: every use at least SESSION_REFRESH apart pushes the expiry out again.
      expiresIn: SESSION_LIMITS.idleMs / 1000,
      updateAge: SESSION_LIMITS.refreshMs / 1000,
      // A short signed cookie cache saves the library a session query per request; it can't keep
      // a revoked session alive, because getUserFromRequest reads the session row every time.
      cookieCache: { enabled: true, maxAge: 60 },
    },
    // Sign-in guessing is slowed per account and address by our own throttle (sign-in-throttle.ts);
    // the library's limiter keys on X-Forwarded-For as sent, which any client can rotate.
    rateLimit: { enabled: false },
    advanced: {
      // Sessions record the client's address as we determined it (the auth route sets this header, overwriting a client's).
      ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] },
      useSecureCookies: secureCookies,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
    },
    hooks: {
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path === SIGN_IN_PATH) await beforeSignIn(ctx);
        else if (ctx.path === "/sign-out") await beforeSignOut(ctx);
      }),
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path === SIGN_IN_PATH) await afterSignIn(ctx);
        else if (ctx.path.startsWith("/callback/")) await afterSsoCallback(ctx);
      }),
    },
    // nextCookies stays last (better-auth: it must see every other plugin's cookies).
    plugins: [...ssoPlugins(), nextCookies()],
  });
}

type HookContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

/** Set by the auth route from clientAddress(); better-auth reads the session's address from it. */
export const CLIENT_ADDRESS_HEADER = "x-runsheet-client-address";

function signInAttempt(ctx: HookContext) {
  const headers = ctx.headers ?? new Headers();
  return { email: String(ctx.body?.email ?? "").trim().toLowerCase(), address: clientAddress(headers), userAgent: headers.get("user-agent") };
}

export const DEMO_LOCAL_ONLY_MESSAGE = "Demo accounts sign in only on the machine Runsheet runs on (http://localhost). Sign in with your own account.";

/** The library's own answer to a wrong password: every refused sign-in gets exactly this (no account enumeration). */
const invalidCredentials = () => APIError.from("UNAUTHORIZED", { code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });

async function beforeSignIn(ctx: HookContext): Promise<void> {
  const { email, address } = signInAttempt(ctx);
  const waitMs = await signInWaitMs({ email, address });
  if (waitMs > 0) throw APIError.from("TOO_MANY_REQUESTS", { code: "SIGN_IN_DELAYED", message: waitMessage(waitMs) });
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, name: true, deactivatedAt: true, isDemo: true } });
  // Without our server in front (next dev) the address is unknown: allowed in development only.
  const fromThisMachine = address === "unknown" ? process.env.NODE_ENV !== "production" : isLoopbackAddress(address);
  if (user?.isDemo && !fromThisMachine) {
    // The demo's password is published: its accounts work only on the machine itself. Saying so
    // reveals nothing; the demo accounts are listed in the README.
    await signInFailed({ email, address, user, reason: "demo_off_loopback" });
    throw APIError.from("FORBIDDEN", { code: "DEMO_ACCOUNT_LOCAL_ONLY", message: DEMO_LOCAL_ONLY_MESSAGE });
  }
  if (user?.deactivatedAt) {
    // Spend the time a password check takes, so a deactivated account doesn't answer faster.
    await ctx.context.password.hash(String(ctx.body?.password ?? ""));
    await signInFailed({ email, address, user, reason: "deactivated" });
    throw invalidCredentials();
  }
}

async function afterSignIn(ctx: HookContext): Promise<void> {
  const { email, address, userAgent } = signInAttempt(ctx);
  const returned = ctx.context.returned;
  if (returned instanceof APIError) {
    if (returned.status !== "UNAUTHORIZED") return;
    const user = await prisma.user.findUnique({ where: { email }, select: { id: true, name: true } });
    await signInFailed({ email, address, user, reason: user ? "wrong_password" : "unknown_account" });
    return;
  }
  const session = ctx.context.newSession;
  if (!session) return;
  await clearSignInFailures({ email, address });
  await reportAuthEvent({ kind: "sign_in", userId: session.user.id, name: session.user.name, address, userAgent, method: "password" });
}

/** An SSO sign-in ends in the callback: a new session there is a sign-in to audit. */
async function afterSsoCallback(ctx: HookContext): Promise<void> {
  const session = ctx.context.newSession;
  if (!session) return;
  const headers = ctx.headers ?? new Headers();
  await reportAuthEvent({ kind: "sign_in", userId: session.user.id, name: session.user.name, address: clientAddress(headers), userAgent: headers.get("user-agent"), method: "sso" });
}

async function signInFailed(options: { email: string; address: string; user: { id: string; name: string } | null; reason: SignInFailureReason }): Promise<void> {
  const { email, address, user, reason } = options;
  const outcome = await recordSignInFailure({ email, address });
  await reportAuthEvent({ kind: "sign_in_failed", email, userId: user?.id ?? null, name: user?.name ?? null, address, reason });
  if (outcome.startedDelay) await reportAuthEvent({ kind: "sign_in_throttled", email, address, waitMs: outcome.waitMs });
}

async function beforeSignOut(ctx: HookContext): Promise<void> {
  const session = await getSessionFromCtx(ctx).catch(() => null);
  if (!session) return;
  publishSessionsEnded({ userId: session.user.id, sessionIds: [session.session.id] });
  await reportAuthEvent({ kind: "sign_out", userId: session.user.id, name: session.user.name, address: clientAddress(ctx.headers ?? new Headers()) });
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
