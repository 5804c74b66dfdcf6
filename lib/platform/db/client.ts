import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-postgres/client";
import { isPostgres, postgresUrl } from "./dialect";
import { applyMigrations } from "./migrate";
import { createPostgresPool, POSTGRES_SESSION_LIMITS } from "./postgres-pool";
import { resolveDatabasePath } from "./sqlite-path";

/** Longest synchronous wait for SQLite's write lock (see runTransaction for the real budget). */
export const BUSY_TIMEOUT_MS = 100;

export function createPrismaClient(databasePath = resolveDatabasePath()): PrismaClient {
  // Migrating here means no process can ever talk to an unmigrated database.
  applyMigrations({ databasePath });
  // better-sqlite3's `timeout` is SQLite's busy_timeout, which SQLite waits out synchronously:
  // the whole process (every request, every live stream) stops for that long. Keep it short;
  // runTransaction waits for another process's write lock asynchronously, up to 5 s.
  const adapter = new PrismaBetterSqlite3({ url: `file:${databasePath}`, timeout: BUSY_TIMEOUT_MS });
  return new PrismaClient({ adapter });
}

/**
 * The Prisma client on PostgreSQL. Its generated client (prisma/postgres/schema.prisma) has the
 * same models, fields and enums as the SQLite one, generated from it, so the services are written
 * once against the SQLite client's types. The schema is migrated before the server takes requests
 * (instrumentation.ts awaits applyPostgresMigrations; it is async, unlike SQLite's).
 *
 * Its connections pipeline, as the stores' pool does (postgres-pool.ts): inside a transaction
 * Prisma sends some queries without awaiting the one before (a record's relations, one query
 * each), and a connection that doesn't pipeline queues them, which node-postgres 8 warns is deprecated
 * ("Calling client.query() when the client is already executing a query") and 9 removes. Either
 * way the server runs them in order; pipelined, they also share a round trip.
 */
function createPostgresPrismaClient(connectionString: string): PrismaClient {
  return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString, max: 10, pipeline: true, ...POSTGRES_SESSION_LIMITS }) }) as unknown as PrismaClient;
}

const globalForPrisma = globalThis as unknown as {
  runsheetPrisma?: PrismaClient;
  runsheetSqlite?: { path: string; db: Database.Database };
  runsheetPgPool?: pg.Pool;
};

const onPostgres = isPostgres();
const databasePath = onPostgres ? "" : resolveDatabasePath();

/** The one Prisma client of this process (kept on globalThis so dev reloads don't open more). */
export const prisma: PrismaClient = globalForPrisma.runsheetPrisma ?? (onPostgres ? createPostgresPrismaClient(postgresUrl()) : createPrismaClient(databasePath));
globalForPrisma.runsheetPrisma = prisma;

/** For libraries that speak to the database through Prisma and need its provider name (better-auth). */
export const DATABASE_PROVIDER: "sqlite" | "postgresql" = onPostgres ? "postgresql" : "sqlite";

/**
 * The connection pool of the PostgreSQL stores (`store.postgres.ts`): the counterpart of `sqlite()`
 * for the paths that run on every request or tick. Only when DATABASE_URL is PostgreSQL.
 */
export function postgresPool(): pg.Pool {
  if (!onPostgres) throw new Error("postgresPool() is only for DATABASE_URL=postgresql://…; this process runs on SQLite.");
  globalForPrisma.runsheetPgPool ??= createPostgresPool({ connectionString: postgresUrl(), max: 10 });
  return globalForPrisma.runsheetPgPool;
}

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * A direct better-sqlite3 connection to the same file, for the paths that run on every request or
 * every tick: step actions and the audit append (lib/runs/store.sqlite.ts, lib/audit/store.sqlite.ts)
 * and the signed-in user's row (lib/platform/auth/store.sqlite.ts). Prepared statements cost a
 * fraction of the same work through Prisma (see the README's benchmark section).
 *
 * busy_timeout is 0 on purpose. A synchronous wait would block the event loop, and if the lock
 * holder is this process's own Prisma connection (an async transaction awaiting between its
 * statements) it could never let go: runSqlTransaction retries asynchronously instead.
 */
export function sqlite(): Database.Database {
  // A SQLite-only path reached on PostgreSQL is a bug to fix, not a file to create.
  if (onPostgres) throw new Error("sqlite() was called while DATABASE_URL is PostgreSQL: this path needs its PostgreSQL store.");
  const open = globalForPrisma.runsheetSqlite;
  if (open && open.path === databasePath && open.db.open) return open.db;
  open?.db.close();
  const db = new Database(databasePath, { timeout: 0 });
  // A connection setting, not stored in the file: as in the migrator (better-sqlite3's default too).
  db.pragma("foreign_keys = ON");
  globalForPrisma.runsheetSqlite = { path: databasePath, db };
  return db;
}

/** Closes both connections (tests and scripts; the server keeps them for its lifetime). */
export async function disconnectDatabase(): Promise<void> {
  await prisma.$disconnect();
  const pool = globalForPrisma.runsheetPgPool;
  if (pool) {
    delete globalForPrisma.runsheetPgPool;
    await pool.end();
  }
  const open = globalForPrisma.runsheetSqlite;
  if (open && open.path === databasePath) {
    open.db.close();
    delete globalForPrisma.runsheetSqlite;
  }
}
