import "server-only";
import { postgresPool } from "./client";
import { classifyPostgresError } from "./postgres-errors";

/*
 * A request limit every app instance on one PostgreSQL database counts together: one upsert per
 * request into the window's row (table rate_limit_window), so N instances still allow `limit`
 * per window in all, not N × limit. Fixed windows: at a window's edge a client may get up to
 * twice the limit within a short span, which is fine for what these limits are for (keeping a
 * runaway script or a guesser from hammering the database). One process on SQLite counts in
 * memory instead, exactly (lib/platform/auth/api-tokens.ts, lib/notifications/approval-links.ts).
 */

/** Windows older than this are deleted, a few times a minute per instance. */
const KEEP_WINDOWS_MS = 10 * 60_000;
const PRUNE_EVERY_MS = 20_000;

const globalForLimits = globalThis as unknown as { runsheetSharedLimitPrunedAt?: number };

/**
 * Counts one request under `key` in the current window. Returns 0 when it is within the limit,
 * else the seconds until the window ends (for Retry-After).
 */
export async function takeFromSharedLimit(options: { key: string; limit: number; windowMs: number; now?: number }): Promise<number> {
  const now = options.now ?? Date.now();
  const windowStart = Math.floor(now / options.windowMs) * options.windowMs;
  const pool = postgresPool();
  let count: number;
  try {
    const result = await pool.query<{ count: number }>({
      name: "rate-limit-take",
      text: `INSERT INTO "rate_limit_window" ("key", "windowStart", "count") VALUES ($1, $2, 1)
             ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "rate_limit_window"."count" + 1
             RETURNING "count"`,
      values: [options.key, new Date(windowStart).toISOString()],
    });
    count = result.rows[0].count;
  } catch (error) {
    throw classifyPostgresError(error);
  }
  if (now - (globalForLimits.runsheetSharedLimitPrunedAt ?? 0) >= PRUNE_EVERY_MS) {
    globalForLimits.runsheetSharedLimitPrunedAt = now;
    // Best effort: a failed prune is retried at the next one.
    void pool.query({ name: "rate-limit-prune", text: `DELETE FROM "rate_limit_window" WHERE "windowStart" < $1`, values: [new Date(now - KEEP_WINDOWS_MS).toISOString()] }).catch(() => undefined);
  }
  return count <= options.limit ? 0 : Math.max(1, Math.ceil((windowStart + options.windowMs - now) / 1000));
}
