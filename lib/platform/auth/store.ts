import "server-only";
import { postgresPool } from "../db/client";
import { isPostgres } from "../db/dialect";
import * as onPostgres from "./store.postgres";
import * as onSqlite from "./store.sqlite";
import type { ApiTokenUserRow, SessionUserRow } from "./store.sqlite";

/*
 * The session and API-token reads of every request, on whichever database this process runs:
 * the SQLite versions are synchronous prepared statements, the PostgreSQL ones pooled queries.
 * Both return the same rows (tests/unit/store-contract.integration.test.ts).
 */

export type { ApiTokenUserRow, SessionUserRow };

export async function findSessionUser(sessionToken: string): Promise<SessionUserRow | undefined> {
  return isPostgres() ? onPostgres.findSessionUser(postgresPool(), sessionToken) : onSqlite.findSessionUser(sessionToken);
}

export async function findSessionById(sessionId: string): Promise<SessionUserRow | undefined> {
  return isPostgres() ? onPostgres.findSessionById(postgresPool(), sessionId) : onSqlite.findSessionById(sessionId);
}

export async function findApiTokenUser(column: "secretHash" | "id", value: string): Promise<ApiTokenUserRow | undefined> {
  return isPostgres() ? onPostgres.findApiTokenUser(postgresPool(), column, value) : onSqlite.findApiTokenUser(column, value);
}

/** Best effort, never awaited by the request it describes (a failure is recorded on the next use). */
export function recordApiTokenUse(options: { tokenId: string; at: string; address: string | null }): void {
  if (isPostgres()) void onPostgres.recordApiTokenUse(postgresPool(), options);
  else onSqlite.recordApiTokenUse(options);
}
