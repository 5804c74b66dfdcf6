import "server-only";
import { ConflictError } from "../errors";
import type { Tx } from "./client";
import { prepared, toSqlTime } from "./sql";
import type { SqlTx } from "./transaction";
import type { PgTx } from "./transaction-postgres";

/**
 * Idempotency keys: a request retried with the same key (the offline queue resends until it
 * hears back) gets the first answer again, marked `replayed`, and changes nothing. The key is
 * looked up and stored inside the caller's transaction, so a crash between "applied" and
 * "remembered" can't happen. A key is one user's: someone else's key is a conflict, not a replay.
 *
 * Front doors to the same table and rule: the step-action hot path runs synchronously on the
 * direct connection (SqlTx), or on PostgreSQL on a PgTx; everything else inside a Prisma
 * transaction (Tx).
 */
interface StoredKey {
  userId: string;
  response: string;
}

export type Replayed<T> = T & { replayed: true };

function replayOf<T>(seen: StoredKey | null | undefined, userId: string): Replayed<T> | null {
  if (!seen) return null;
  if (seen.userId !== userId) throw new ConflictError("That idempotency key belongs to another user.");
  return { ...(JSON.parse(seen.response) as T), replayed: true };
}

export function replayIfSeenSql<T>(tx: SqlTx, key: string | undefined, userId: string): Replayed<T> | null {
  if (!key) return null;
  return replayOf<T>(prepared<StoredKey>(tx.db, `SELECT "userId", "response" FROM "idempotency_key" WHERE "key" = ?`).get(key), userId);
}

export function rememberResultSql(tx: SqlTx, entry: { key: string | undefined; userId: string; runId: string; result: unknown }): void {
  if (!entry.key) return;
  prepared(tx.db, `INSERT INTO "idempotency_key" ("key", "userId", "runId", "response", "createdAt") VALUES (?, ?, ?, ?, ?)`).run(
    entry.key,
    entry.userId,
    entry.runId,
    JSON.stringify(entry.result),
    toSqlTime(new Date()),
  );
}

export async function replayIfSeen<T>(tx: Tx, key: string | undefined, userId: string): Promise<Replayed<T> | null> {
  if (!key) return null;
  return replayOf<T>(await tx.idempotencyKey.findUnique({ where: { key }, select: { userId: true, response: true } }), userId);
}

export async function rememberResult(tx: Tx, entry: { key: string | undefined; userId: string; runId: string; result: unknown }): Promise<void> {
  if (!entry.key) return;
  await tx.idempotencyKey.create({ data: { key: entry.key, userId: entry.userId, runId: entry.runId, response: JSON.stringify(entry.result) } });
}

export async function replayIfSeenPg<T>(tx: PgTx, key: string | undefined, userId: string): Promise<Replayed<T> | null> {
  if (!key) return null;
  const seen = await tx.client.query<StoredKey>({ name: "idempotency-find", text: `SELECT "userId", "response" FROM "idempotency_key" WHERE "key" = $1`, values: [key] });
  return replayOf<T>(seen.rows[0], userId);
}

export async function rememberResultPg(tx: PgTx, entry: { key: string | undefined; userId: string; runId: string; result: unknown }): Promise<void> {
  if (!entry.key) return;
  await tx.client.query({
    name: "idempotency-remember",
    text: `INSERT INTO "idempotency_key" ("key", "userId", "runId", "response", "createdAt") VALUES ($1, $2, $3, $4, $5)`,
    values: [entry.key, entry.userId, entry.runId, JSON.stringify(entry.result), new Date().toISOString()],
  });
}
