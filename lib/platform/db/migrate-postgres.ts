import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { MIGRATION_LOCK_KEY } from "./advisory-locks";
import { needsApplying, readMigrationFiles } from "./migration-files";

/**
 * PostgreSQL's counterpart of ./migrate.ts: applies prisma/postgres/migrations/<name>/migration.sql
 * in name order, each in its own transaction, and records it in Prisma's `_prisma_migrations`
 * table. Several app instances may start at once against one database, so the whole run holds an
 * advisory lock: the second instance waits, then finds everything applied.
 *
 * An applied migration whose file has changed since is an error, as on SQLite.
 */
export async function applyPostgresMigrations(options: { connectionString: string; migrationsDir?: string }): Promise<string[]> {
  const migrationsDir = options.migrationsDir ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "postgres", "migrations");
  const files = readMigrationFiles(migrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    // Session-level: held across the per-migration transactions below, released in finally.
    await client.query(`SELECT pg_advisory_lock($1)`, [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
      const applied = new Map(
        (
          await client.query<{ migration_name: string; checksum: string }>(
            `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          )
        ).rows.map((row) => [row.migration_name, row.checksum]),
      );
      const newlyApplied: string[] = [];
      for (const file of files) {
        if (!needsApplying(file, applied)) continue;
        const { name, sql, checksum } = file;
        const startedAt = new Date();
        await client.query("BEGIN");
        try {
          await client.query(sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES ($1, $2, now(), $3, $4, 1)`,
            [randomUUID(), checksum, name, startedAt],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw new Error(`Migration ${name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
        }
        newlyApplied.push(name);
      }
      return newlyApplied;
    } finally {
      await client.query(`SELECT pg_advisory_unlock($1)`, [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}
