import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** One prisma/migrations/<name>/migration.sql, with the checksum Prisma records for it. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** The folder's migrations in name (= time) order; folders without a migration.sql are skipped. */
export function readMigrationFiles(migrationsDir: string): MigrationFile[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Whether `file` still has to be applied, given the checksums already recorded. An applied
 * migration whose file has changed since is an error: editing history silently would leave
 * databases that differ from each other.
 */
export function needsApplying(file: MigrationFile, applied: ReadonlyMap<string, string>): boolean {
  const previous = applied.get(file.name);
  if (previous === undefined) return true;
  if (previous !== file.checksum) throw new Error(`Migration ${file.name} was changed after it was applied. Add a new migration instead.`);
  return false;
}
