/**
 * A fresh, migrated SQLite file per test file, and the real lib modules bound to it.
 *
 * lib/platform/db/client.ts creates (and migrates) the process's one Prisma client from DATABASE_URL on
 * its first import, so DATABASE_URL must be set before any lib module that touches the database
 * is imported. Test files therefore import lib modules only through `openTestDatabase`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

async function importLib() {
  const [client, users, projects, runs, plan, audit, planChanges, runQueries, planVersions] = await Promise.all([
    import("@/lib/platform/db/client"),
    import("@/lib/users/service"),
    import("@/lib/projects/service"),
    import("@/lib/runs/service"),
    import("@/lib/plan/service"),
    import("@/lib/audit/service"),
    import("@/lib/runs/plan-changes"),
    import("@/lib/runs/queries"),
    import("@/lib/plan/versions"),
  ]);
  return { prisma: client.prisma, disconnectDatabase: client.disconnectDatabase, users, projects, runs, plan, audit, planChanges, runQueries, planVersions };
}

export type Lib = Awaited<ReturnType<typeof importLib>>;

export interface TestDatabase {
  /** Absolute path of the SQLite file. */
  file: string;
  lib: Lib;
  /** A separate raw connection to the same file (for tampering and direct checks). Close it. */
  openRaw(): Database.Database;
  close(): Promise<void>;
}

/**
 * `projectVisibility` is the installation setting of lib/projects/access.ts. A new install shows
 * projects to their members only; the tests written before per-project access act as operators and
 * viewers on projects they were never added to, so they get "all" unless they ask for "members".
 */
export async function openTestDatabase(label: string, options: { projectVisibility?: "members" | "all" } = {}): Promise<TestDatabase> {
  if ((globalThis as { runsheetPrisma?: unknown }).runsheetPrisma) {
    throw new Error("A Prisma client already exists in this worker; it would ignore the new DATABASE_URL.");
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `runsheet-${label}-`));
  const file = path.join(dir, "test.db");
  process.env.DATABASE_URL = `file:${file}`;
  const lib = await importLib();

  // Make sure the client really talks to our temp file, not a developer's database.
  const attached = await lib.prisma.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list");
  const main = attached.find((d) => d.name === "main");
  if (!main || fs.realpathSync(main.file) !== fs.realpathSync(file)) {
    throw new Error(`Prisma is connected to ${main?.file ?? "nothing"}, expected ${file}`);
  }
  await lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: options.projectVisibility ?? "all" } });

  return {
    file,
    lib,
    openRaw: () => new Database(file, { timeout: 5000 }),
    close: async () => {
      await lib.disconnectDatabase();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
