import "server-only";
import { createHash } from "node:crypto";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authFor } from "./auth";
import { prisma } from "../db/client";
import type { RoleName } from "./roles";
import { findSessionUser } from "./store.sqlite";

export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  role: RoleName;
}

/**
 * Verified sessions, remembered for a few seconds per exact Cookie header. better-auth checks
 * two HMAC-signed cookies on every call (about 1 ms of CPU, the largest cost of a sign-off after
 * the framework's own). While its signed cookie cache (60 s, lib/platform/auth/auth.ts) is in the cookies, its
 * answer for the same cookies can't change, so remembering it for less than that accepts nothing
 * better-auth would refuse; without that cookie, a session revoked in the database could still
 * pass for up to these 5 s. Signing out clears the browser's cookies, so the next request misses;
 * the user row (deactivation, role) is still read on every request.
 */
const VERIFIED_TTL_MS = 5_000;
const VERIFIED_MAX = 2_000;
const globalForSessions = globalThis as unknown as { runsheetVerifiedSessions?: Map<string, { userId: string; until: number }> };
const verifiedSessions = (globalForSessions.runsheetVerifiedSessions ??= new Map());

async function verifiedUserId(requestHeaders: Headers): Promise<string | null> {
  const header = requestHeaders.get("cookie") ?? "";
  if (!header.includes("session_token")) return null;
  // Keyed by a digest: bounded memory, and no session tokens kept in the heap.
  const cookie = createHash("sha256").update(header).digest("base64");
  const now = Date.now();
  const remembered = verifiedSessions.get(cookie);
  if (remembered && remembered.until > now) return remembered.userId;
  const session = await authFor(requestHeaders).api.getSession({ headers: requestHeaders });
  if (!session) {
    verifiedSessions.delete(cookie);
    return null;
  }
  if (verifiedSessions.size >= VERIFIED_MAX) {
    for (const [key, entry] of verifiedSessions) if (entry.until <= now || verifiedSessions.size >= VERIFIED_MAX) verifiedSessions.delete(key);
  }
  verifiedSessions.set(cookie, { userId: session.user.id, until: now + VERIFIED_TTL_MS });
  return session.user.id;
}

/** The signed-in user of a route handler's request, or null. Deactivated users count as signed out. */
export async function getUserFromRequest(request: Request): Promise<CurrentUser | null> {
  return userFromHeaders(request.headers);
}

/** The signed-in user of the page being rendered (once per render), or null. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => userFromHeaders(await headers()));

async function userFromHeaders(requestHeaders: Headers): Promise<CurrentUser | null> {
  const userId = await verifiedUserId(requestHeaders);
  if (!userId) return null;
  const user = findSessionUser(userId);
  if (!user || user.deactivatedAt !== null) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role };
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
