import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { needsApplying, readMigrationFiles } from "./migration-files";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction,
 * and records it in Prisma's own `_prisma_migrations` table so the history stays readable by
 * Prisma tooling. We do this ourselves because the Prisma CLI needs a native schema engine
 * that cannot be downloaded on our machines.
 *
 * An applied migration whose file has changed since is an error: editing history silently
 * would leave databases that differ from each other.
 */
export function applyMigrations(options: { databasePath: string; migrationsDir?: string }): string[] {
  const migrationsDir = options.migrationsDir ?? path.join(/*turbopackIgnore: true*/ process.cwd(), "prisma", "migrations");
  fs.mkdirSync(path.dirname(options.databasePath), { recursive: true });
  const db = new Database(options.databasePath, { timeout: 10_000 });
  try {
    configureConnection(db);
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL,
      "checksum" TEXT NOT NULL,
      "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL,
      "logs" TEXT,
      "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
    )`);
    const applied = new Map(
      (db.prepare(`SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`).all() as {
        migration_name: string;
        checksum: string;
      }[]).map((row) => [row.migration_name, row.checksum]),
    );
    const newlyApplied: string[] = [];
    for (const file of readMigrationFiles(migrationsDir)) {
      if (!needsApplying(file, applied)) continue;
      const { name, sql, checksum } = file;
      const startedAt = new Date().toISOString();
      db.transaction(() => {
        db.exec(sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), checksum, new Date().toISOString(), name, startedAt);
      })();
      newlyApplied.push(name);
    }
    return newlyApplied;
  } finally {
    db.close();
  }
}

/** Settings every connection to the database gets. WAL is stored in the file; the rest is per connection. */
export function configureConnection(db: Database.Database): void {
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
}
