import "server-only";
import type pg from "pg";
import { toSqlTime } from "../db/sql";
import { classifyPostgresError } from "../db/postgres-errors";
import type { ApiTokenUserRow, SessionUserRow } from "./store.sqlite";

/*
 * ./store.sqlite.ts on PostgreSQL: the session and API-token reads every request makes, and the
 * token's last use. The same rows, with times as the same text SQLite's columns hold, so callers
 * see one format (tests/unit/store-contract.integration.test.ts).
 */

type Queryable = Pick<pg.Pool, "query">;

const text = (date: Date | null) => (date === null ? null : toSqlTime(date));

export async function findSessionUser(db: Queryable, sessionToken: string): Promise<SessionUserRow | undefined> {
  return sessionUserWhere(db, "session-user-by-token", `s."token" = $1`, sessionToken);
}

export async function findSessionById(db: Queryable, sessionId: string): Promise<SessionUserRow | undefined> {
  return sessionUserWhere(db, "session-user-by-id", `s."id" = $1`, sessionId);
}

async function sessionUserWhere(db: Queryable, name: string, condition: string, value: string): Promise<SessionUserRow | undefined> {
  try {
    const result = await db.query<Omit<SessionUserRow, "deactivatedAt" | "sessionCreatedAt" | "sessionExpiresAt"> & { deactivatedAt: Date | null; sessionCreatedAt: Date; sessionExpiresAt: Date }>({
      name,
      text: `SELECT u."id", u."name", u."email", u."role", u."deactivatedAt",
                    s."id" AS "sessionId", s."createdAt" AS "sessionCreatedAt", s."expiresAt" AS "sessionExpiresAt"
               FROM "session" s JOIN "user" u ON u."id" = s."userId"
              WHERE ${condition}`,
      values: [value],
    });
    const row = result.rows[0];
    return row && { ...row, deactivatedAt: text(row.deactivatedAt), sessionCreatedAt: toSqlTime(row.sessionCreatedAt), sessionExpiresAt: toSqlTime(row.sessionExpiresAt) };
  } catch (error) {
    throw classifyPostgresError(error);
  }
}

/** The token with this secret hash (or id) and its owner. */
export async function findApiTokenUser(db: Queryable, column: "secretHash" | "id", value: string): Promise<ApiTokenUserRow | undefined> {
  try {
    const result = await db.query<Omit<ApiTokenUserRow, "expiresAt" | "revokedAt" | "lastUsedAt" | "deactivatedAt"> & { expiresAt: Date; revokedAt: Date | null; lastUsedAt: Date | null; deactivatedAt: Date | null }>({
      name: `api-token-user-by-${column}`,
      text: `SELECT t."id" AS "tokenId", t."name" AS "tokenName", t."kind", t."scope", t."projectIds", t."expiresAt", t."revokedAt",
                    t."lastUsedAt", t."lastUsedAddress", u."id", u."name", u."email", u."role", u."deactivatedAt"
               FROM "api_token" t JOIN "user" u ON u."id" = t."userId"
              WHERE t."${column === "id" ? "id" : "secretHash"}" = $1`,
      values: [value],
    });
    const row = result.rows[0];
    return row && { ...row, expiresAt: toSqlTime(row.expiresAt), revokedAt: text(row.revokedAt), lastUsedAt: text(row.lastUsedAt), deactivatedAt: text(row.deactivatedAt) };
  } catch (error) {
    throw classifyPostgresError(error);
  }
}

/** Records a token's last use. Best effort: a failure must not refuse the request it describes. */
export async function recordApiTokenUse(db: Queryable, options: { tokenId: string; at: string; address: string | null }): Promise<void> {
  try {
    await db.query({ name: "api-token-used", text: `UPDATE "api_token" SET "lastUsedAt" = $1, "lastUsedAddress" = $2 WHERE "id" = $3`, values: [new Date(options.at).toISOString(), options.address, options.tokenId] });
  } catch {
    // The next use records it.
  }
}
