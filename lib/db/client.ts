import "server-only";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { applyMigrations } from "./migrate";
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

const globalForPrisma = globalThis as unknown as { runsheetPrisma?: PrismaClient };

/** The one Prisma client of this process (kept on globalThis so dev reloads don't open more). */
export const prisma: PrismaClient = globalForPrisma.runsheetPrisma ?? createPrismaClient();
globalForPrisma.runsheetPrisma = prisma;

export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];
