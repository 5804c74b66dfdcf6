import "server-only";
import { createHash } from "node:crypto";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authFor, SESSION_LIMITS } from "./auth";
import { prisma } from "../db/client";
import type { RoleName } from "./roles";
import { findSessionById, findSessionUser } from "./store";
import { hasBearerCredential, tokenIsLive, userFromBearer, type TokenCredential } from "./api-tokens";

export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  /**
   * The session this request came with: the one "this device" is, and what a revocation ends.
   * For a request with an API token: "token:<id>" (no session of the account is "this device").
   */
  sessionId: string;
  /** The API token the request acts with (role already capped by its scope); absent for a session. */
  token?: TokenCredential;
}

/**
 * Verified cookies, remembered for a few seconds per exact Cookie header. better-auth checks two
 * HMAC-signed cookies on every call (about 1 ms of CPU, the largest cost of a sign-off after the
 * framework's own); what we remember is only "these cookies carry session token T". The session
 * row and the user row are still read on every request (findSessionUser), so a signed-out,
 * revoked or expired session, or a deactivated user, is refused on the very next request.
 */
const VERIFIED_TTL_MS = 5_000;
const VERIFIED_MAX = 2_000;
const globalForSessions = globalThis as unknown as { runsheetVerifiedSessions?: Map<string, { token: string; until: number }> };
const verifiedSessions = (globalForSessions.runsheetVerifiedSessions ??= new Map());

async function verifiedSessionToken(requestHeaders: Headers): Promise<string | null> {
  const header = requestHeaders.get("cookie") ?? "";
  if (!header.includes("session_token")) return null;
  // Keyed by a digest: bounded memory, and no session tokens kept in the heap.
  const cookie = createHash("sha256").update(header).digest("base64");
  const now = Date.now();
  const remembered = verifiedSessions.get(cookie);
  if (remembered && remembered.until > now) return remembered.token;
  const session = await authFor(requestHeaders).api.getSession({ headers: requestHeaders });
  if (!session) {
    verifiedSessions.delete(cookie);
    return null;
  }
  if (verifiedSessions.size >= VERIFIED_MAX) {
    for (const [key, entry] of verifiedSessions) if (entry.until <= now || verifiedSessions.size >= VERIFIED_MAX) verifiedSessions.delete(key);
  }
  verifiedSessions.set(cookie, { token: session.session.token, until: now + VERIFIED_TTL_MS });
  return session.session.token;
}

/**
 * The signed-in user of a route handler's request, or null. Deactivated users count as signed out.
 * `Authorization: Bearer` is an API token and only that: a bad one throws 401 (lib/platform/auth/api-tokens.ts).
 */
export async function getUserFromRequest(request: Request): Promise<CurrentUser | null> {
  if (hasBearerCredential(request.headers)) {
    const user = await userFromBearer(request.headers);
    return { ...user, sessionId: `token:${user.token.id}` };
  }
  return userFromHeaders(request.headers);
}

/** The signed-in user of the page being rendered (once per render), or null. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => userFromHeaders(await headers()));

async function userFromHeaders(requestHeaders: Headers): Promise<CurrentUser | null> {
  const token = await verifiedSessionToken(requestHeaders);
  if (!token) return null;
  const row = await findSessionUser(token);
  if (!row || row.deactivatedAt !== null) return null;
  if (!sessionRowAdmits(row, Date.now())) return null;
  return { id: row.id, name: row.name, email: row.email, role: row.role, sessionId: row.sessionId };
}

/** For server pages: the user, or a redirect to sign-in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) {
    const userCount = await prisma.user.count();
    redirect(userCount === 0 ? "/setup" : "/login");
  }
  return user;
}

/** Whether a session still admits its user: not ended, not expired, user active. For long-lived streams. */
export async function sessionIsLive(sessionId: string): Promise<boolean> {
  if (sessionId.startsWith("token:")) return tokenIsLive(sessionId.slice("token:".length));
  const row = await findSessionById(sessionId);
  return !!row && row.deactivatedAt === null && sessionRowAdmits(row, Date.now());
}

function sessionRowAdmits(row: { sessionCreatedAt: string; sessionExpiresAt: string }, now: number): boolean {
  return new Date(row.sessionExpiresAt).getTime() > now && new Date(row.sessionCreatedAt).getTime() + SESSION_LIMITS.absoluteMs > now;
}
