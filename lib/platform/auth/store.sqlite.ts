import "server-only";
import { sqlite } from "../db/client";
import { prepared } from "../db/sql";
import { classifyDatabaseError } from "../db/transaction";
import type { RoleName } from "./roles";

export interface SessionUserRow {
  id: string;
  name: string;
  email: string;
  role: RoleName;
  deactivatedAt: string | null;
  sessionId: string;
  sessionCreatedAt: string;
  sessionExpiresAt: string;
}

/**
 * The session behind a verified cookie and its user, on the direct connection: this runs on every
 * request and every tick. Reading the session row each time is what makes sign-out, revocation
 * and deactivation take effect at once, whatever the auth library's signed cookie cache says.
 */
export function findSessionUser(sessionToken: string): SessionUserRow | undefined {
  return sessionUserWhere(`s."token" = ?`, sessionToken);
}

export function findSessionById(sessionId: string): SessionUserRow | undefined {
  return sessionUserWhere(`s."id" = ?`, sessionId);
}

function sessionUserWhere(condition: string, value: string): SessionUserRow | undefined {
  try {
    return prepared<SessionUserRow>(
      sqlite(),
      `SELECT u."id", u."name", u."email", u."role", u."deactivatedAt",
              s."id" AS "sessionId", s."createdAt" AS "sessionCreatedAt", s."expiresAt" AS "sessionExpiresAt"
         FROM "session" s JOIN "user" u ON u."id" = s."userId"
        WHERE ${condition}`,
    ).get(value);
  } catch (error) {
    // That connection never waits for a lock (see sqlite()); a rare busy moment is a clear 503.
    throw classifyDatabaseError(error);
  }
}

export interface ApiTokenUserRow {
  tokenId: string;
  tokenName: string;
  kind: string;
  scope: string;
  projectIds: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedAddress: string | null;
  id: string;
  name: string;
  email: string;
  role: RoleName;
  deactivatedAt: string | null;
}

/** The token with this secret hash and its owner, on the direct connection (every bearer request). */
export function findApiTokenUser(column: "secretHash" | "id", value: string): ApiTokenUserRow | undefined {
  try {
    return prepared<ApiTokenUserRow>(
      sqlite(),
      `SELECT t."id" AS "tokenId", t."name" AS "tokenName", t."kind", t."scope", t."projectIds", t."expiresAt", t."revokedAt",
              t."lastUsedAt", t."lastUsedAddress", u."id", u."name", u."email", u."role", u."deactivatedAt"
         FROM "api_token" t JOIN "user" u ON u."id" = t."userId"
        WHERE t."${column === "id" ? "id" : "secretHash"}" = ?`,
    ).get(value);
  } catch (error) {
    throw classifyDatabaseError(error);
  }
}

/** Records a token's last use. Best effort: a busy database must not refuse the request it describes. */
export function recordApiTokenUse(options: { tokenId: string; at: string; address: string | null }): void {
  try {
    prepared(sqlite(), `UPDATE "api_token" SET "lastUsedAt" = ?, "lastUsedAddress" = ? WHERE "id" = ?`).run(options.at, options.address, options.tokenId);
  } catch {
    // SQLITE_BUSY on the never-waiting connection: the next use a minute later records it.
  }
}
