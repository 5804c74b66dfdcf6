/**
 * A fresh, migrated database per test file, and the real lib modules bound to it: a SQLite file,
 * or with RUNSHEET_TEST_DATABASE=postgresql (`npm run test:unit:postgres`) a new database on the
 * PostgreSQL server that tests/unit/postgres-global-setup.ts started for the run.
 *
 * lib/platform/db/client.ts creates (and migrates) the process's one Prisma client from DATABASE_URL on
 * its first import, so DATABASE_URL must be set before any lib module that touches the database
 * is imported. Test files therefore import lib modules only through `openTestDatabase`.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { inject } from "vitest";
import { openPostgresSyncDatabase } from "../../../e2e/support/e2e-database";

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

/** Whether this run's test databases are PostgreSQL (`npm run test:unit:postgres`). */
export const TESTS_ON_POSTGRES = process.env.RUNSHEET_TEST_DATABASE === "postgresql";

export interface TestDatabase {
  /** Absolute path of the SQLite file (on PostgreSQL: the database's URL). */
  file: string;
  lib: Lib;
  /**
   * A separate raw connection to the same database (for tampering and direct checks). Close it.
   * On PostgreSQL, the same synchronous API over a PostgreSQL connection (e2e/support/e2e-database.ts).
   */
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
  if (TESTS_ON_POSTGRES) return openPostgresTestDatabase(label, options);
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

/** openTestDatabase on PostgreSQL: a new database on the run's server, migrated, with DATABASE_URL pointing at it. */
async function openPostgresTestDatabase(label: string, options: { projectVisibility?: "members" | "all" }): Promise<TestDatabase> {
  const serverUrl = inject("postgresUrl");
  if (!serverUrl) throw new Error("RUNSHEET_TEST_DATABASE=postgresql needs the PostgreSQL server of tests/unit/postgres-global-setup.ts (npm run test:unit:postgres).");
  const name = `t_${label.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 40)}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const { applyPostgresMigrations } = await import("@/lib/platform/db/migrate-postgres");
  await applyPostgresMigrations({ connectionString: databaseUrl });
  // The files that belong with the data (audit key and checkpoints, evidence) get a folder of their own.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `runsheet-${label}-pg-`));
  process.env.DATABASE_URL = databaseUrl;
  process.env.RUNSHEET_DATA_DIR = dir;
  const lib = await importLib();
  const [{ database }] = await lib.prisma.$queryRawUnsafe<{ database: string }[]>("SELECT current_database() AS database");
  if (database !== name) throw new Error(`Prisma is connected to ${database}, expected ${name}`);
  await lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: options.projectVisibility ?? "all" } });
  return {
    file: databaseUrl,
    lib,
    openRaw: () => openPostgresSyncDatabase(databaseUrl) as unknown as Database.Database,
    close: async () => {
      await lib.disconnectDatabase();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
