import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash, randomBytes } from "node:crypto";
import { fromSqlTime, toSqlTime } from "../db/sql";
import { RateLimitedError, UnauthenticatedError } from "../errors";
import { clientAddress } from "../http/client-address";
import type { RoleName } from "./roles";
import { findApiTokenUser, recordApiTokenUse } from "./store";
import { isPostgres } from "../db/dialect";
import { takeFromSharedLimit } from "../db/shared-rate-limit";

/*
 * API tokens as a credential (the table and its management are lib/tokens). better-auth 1.7 ships
 * no API-key plugin (it moved to a separate @better-auth/api-key package, not a dependency here),
 * and its bearer plugin only carries session tokens, so tokens are our own: a 256-bit random
 * secret, of which only the SHA-256 is stored (a fast hash is right for a secret with 256 bits of
 * entropy: there is nothing to guess, and it keeps the per-request lookup to one indexed read).
 */

export const TOKEN_SCOPES = ["READ", "OPERATE", "ADMIN"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export const TOKEN_SECRET_PREFIX = "rs_live_";

/** The token a request acts with: what project access and the audit log need to know about it. */
export interface TokenCredential {
  id: string;
  name: string;
  kind: "PERSONAL" | "SERVICE";
  scope: TokenScope;
  /** null: every project its owner may see. */
  projectIds: readonly string[] | null;
  /** The owner and their installation role: which projects the token may see is theirs to say. */
  ownerId: string;
  ownerRole: RoleName;
}

const SCOPE_ROLE: Record<TokenScope, RoleName> = { READ: "VIEWER", OPERATE: "OPERATOR", ADMIN: "ADMIN" };
const RANK: Record<RoleName, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** The role a token acts with: its scope's, never more than its owner's. */
export function roleOfToken(ownerRole: RoleName, scope: TokenScope): RoleName {
  const capped = SCOPE_ROLE[scope];
  return RANK[capped] < RANK[ownerRole] ? capped : ownerRole;
}

export function hashTokenSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A new secret, the part of it lists show, and the hash that is stored. */
export function generateTokenSecret(): { secret: string; prefix: string; secretHash: string } {
  const secret = TOKEN_SECRET_PREFIX + randomBytes(32).toString("base64url");
  return { secret, prefix: secret.slice(0, TOKEN_SECRET_PREFIX.length + 6), secretHash: hashTokenSecret(secret) };
}

/** Whether the request carries `Authorization: Bearer …` (then it is judged by that alone). */
export function hasBearerCredential(headers: Headers): boolean {
  return /^bearer(\s|$)/i.test(headers.get("authorization") ?? "");
}

const globalForTokens = globalThis as unknown as {
  runsheetTokenContext?: AsyncLocalStorage<TokenCredential>;
  runsheetTokenBuckets?: Map<string, { tokens: number; at: number }>;
  runsheetTokenLastUse?: Map<string, number>;
};
// On globalThis: route bundles may each carry a copy of this module, the request must see one store.
const tokenContext = (globalForTokens.runsheetTokenContext ??= new AsyncLocalStorage<TokenCredential>());

/** Runs `fn` with the request's token in scope (or as is, for a session). */
export function runWithTokenCredential<T>(credential: TokenCredential | undefined, fn: () => T): T {
  return credential ? tokenContext.run(credential, fn) : fn();
}

/** The token the current request acts with, if it came with one. */
export function currentTokenCredential(): TokenCredential | undefined {
  return tokenContext.getStore();
}

/** Whether the current request's token is limited to projects that don't include this one. */
export function tokenExcludesProject(projectId: string): boolean {
  const projects = tokenContext.getStore()?.projectIds;
  return !!projects && !projects.includes(projectId);
}

/**
 * For project access: when `userId` is the current token's owner, the owner's own installation role
 * (which projects they see is decided as for them in person) and the scope's role the result is
 * capped at. Null for a session, or for another user.
 */
export function tokenProjectRoles(userId: string): { ownerRole: RoleName; cap: RoleName } | null {
  const token = tokenContext.getStore();
  if (!token || token.ownerId !== userId) return null;
  return { ownerRole: token.ownerRole, cap: SCOPE_ROLE[token.scope] };
}

/** The lower of two roles. */
export function lowerRole(a: RoleName, b: RoleName): RoleName {
  return RANK[a] <= RANK[b] ? a : b;
}

/** How the audit log names someone acting with a token: "Olivia (token: backup-scripts)". */
export function actorNameWithToken(name: string): string {
  const token = tokenContext.getStore();
  return token ? `${name} (${token.kind === "SERVICE" ? "service token" : "token"}: ${token.name})` : name;
}

/**
 * Requests per minute per token (RUNSHEET_TOKEN_RATE_PER_MINUTE, default 600). An in-memory token
 * bucket: the server is one process, the limit protects the app from a runaway script (a secret of
 * 256 bits needs no guessing throttle), and writing a counter to SQLite on every request would cost
 * more than most requests. A restart refills every bucket, which is harmless.
 */
export function tokenRatePerMinute(): number {
  const configured = Number(process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE);
  return Number.isFinite(configured) && configured > 0 ? Math.floor(configured) : 600;
}

const buckets = (globalForTokens.runsheetTokenBuckets ??= new Map());

function takeFromBucket(tokenId: string, now: number): number {
  const perMinute = tokenRatePerMinute();
  const refillPerMs = perMinute / 60_000;
  const bucket = buckets.get(tokenId) ?? { tokens: perMinute, at: now };
  bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
  bucket.at = now;
  buckets.set(tokenId, bucket);
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return 0;
  }
  return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
}

/** A token's last use is written at most this often (and at once when the address changes). */
const LAST_USE_EVERY_MS = 60_000;
const lastUseWritten = (globalForTokens.runsheetTokenLastUse ??= new Map());

export interface TokenUser {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  token: TokenCredential;
}

/**
 * The user a bearer token acts as, with its role capped by the scope. An unknown, malformed,
 * revoked or expired token, or a deactivated owner, is a 401 with what is wrong: a bearer request
 * never falls back to the cookies it may also carry.
 */
export async function userFromBearer(headers: Headers, now = Date.now()): Promise<TokenUser> {
  const secret = (headers.get("authorization") ?? "").replace(/^bearer\s+/i, "").trim();
  if (!secret.startsWith(TOKEN_SECRET_PREFIX) || secret.length > 200) throw new UnauthenticatedError("That API token isn't valid.");
  const row = await findApiTokenUser("secretHash", hashTokenSecret(secret));
  if (!row) throw new UnauthenticatedError("That API token isn't valid.");
  if (row.revokedAt !== null) throw new UnauthenticatedError(`The API token "${row.tokenName}" has been revoked.`);
  if (fromSqlTime(row.expiresAt).getTime() <= now) throw new UnauthenticatedError(`The API token "${row.tokenName}" has expired.`);
  if (row.deactivatedAt !== null) throw new UnauthenticatedError(`The owner of the API token "${row.tokenName}" has been deactivated.`);
  // Several instances on PostgreSQL count together in the database; one process counts in memory.
  const wait = isPostgres() ? await takeFromSharedLimit({ key: `token:${row.tokenId}`, limit: tokenRatePerMinute(), windowMs: 60_000, now }) : takeFromBucket(row.tokenId, now);
  if (wait > 0) throw new RateLimitedError(`Too many requests with the API token "${row.tokenName}" (${tokenRatePerMinute()} a minute). Try again in ${wait} s.`, wait);
  const address = clientAddress(headers);
  const lastWritten = lastUseWritten.get(row.tokenId) ?? (row.lastUsedAt ? fromSqlTime(row.lastUsedAt).getTime() : 0);
  if (now - lastWritten >= LAST_USE_EVERY_MS || row.lastUsedAddress !== address) {
    lastUseWritten.set(row.tokenId, now);
    recordApiTokenUse({ tokenId: row.tokenId, at: toSqlTime(new Date(now)), address });
  }
  const scope = (TOKEN_SCOPES as readonly string[]).includes(row.scope) ? (row.scope as TokenScope) : "READ";
  const projectIds = JSON.parse(row.projectIds) as string[];
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: roleOfToken(row.role, scope),
    token: {
      id: row.tokenId,
      name: row.tokenName,
      kind: row.kind === "SERVICE" ? "SERVICE" : "PERSONAL",
      scope,
      projectIds: projectIds.length > 0 ? projectIds : null,
      ownerId: row.id,
      ownerRole: row.role,
    },
  };
}

/** Whether a token still admits its owner (for long-lived streams opened with it). */
export async function tokenIsLive(tokenId: string, now = Date.now()): Promise<boolean> {
  const row = await findApiTokenUser("id", tokenId);
  return !!row && row.revokedAt === null && row.deactivatedAt === null && fromSqlTime(row.expiresAt).getTime() > now;
}
