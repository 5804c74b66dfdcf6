/**
 * The same migrated schema on SQLite (a temporary file) and on PostgreSQL (a database on a test
 * server), each with its Prisma client, for contract tests that hold a store's two versions to the
 * same behaviour. `onBoth` runs a scenario on each and requires equal answers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { expect } from "vitest";
import { PrismaClient as SqlitePrisma } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrisma } from "@/lib/generated/prisma-postgres/client";
import { applyMigrations } from "@/lib/platform/db/migrate";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { createPostgresPool } from "@/lib/platform/db/postgres-pool";
import { startPostgres, type PostgresServer } from "./postgres-server";

export interface SqliteSide {
  name: "sqlite";
  /** Typed as the SQLite client; the PostgreSQL one has the same models and methods. */
  prisma: SqlitePrisma;
  db: Database.Database;
  close(): Promise<void>;
}

export interface PostgresSide {
  name: "postgresql";
  prisma: SqlitePrisma;
  pool: pg.Pool;
  url: string;
  close(): Promise<void>;
}

export type Side = SqliteSide | PostgresSide;

/**
 * `file`: where the database goes (by default a new temporary folder). Stores that read through
 * the process's own connection (`sqlite()`, from DATABASE_URL) need it to be DATABASE_URL's file.
 */
export async function openSqliteSide(options: { file?: string } = {}): Promise<SqliteSide> {
  const dir = options.file ? null : fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-contract-sqlite-"));
  const file = options.file ?? path.join(dir!, "contract.db");
  applyMigrations({ databasePath: file });
  const db = new Database(file);
  db.pragma("foreign_keys = ON");
  const prisma = new SqlitePrisma({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  return {
    name: "sqlite",
    prisma,
    db,
    async close() {
      await prisma.$disconnect();
      db.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let databaseCount = 0;

export async function openPostgresSide(server: PostgresServer): Promise<PostgresSide> {
  const url = await server.createDatabase(`contract_${process.pid}_${++databaseCount}`);
  await applyPostgresMigrations({ connectionString: url });
  const pool = createPostgresPool({ connectionString: url });
  const prisma = new PostgresPrisma({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as SqlitePrisma;
  return {
    name: "postgresql",
    prisma,
    pool,
    url,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** Runs `scenario` on each side in turn and requires PostgreSQL's answer to equal SQLite's; returns it. */
export async function onBoth<S extends { name: string }, T>(sides: readonly S[], scenario: (side: S) => Promise<T>): Promise<T> {
  const answers: T[] = [];
  for (const side of sides) answers.push(await scenario(side));
  expect(answers[1], "PostgreSQL's answer differs from SQLite's").toEqual(answers[0]);
  return answers[0];
}

/**
 * A contract test's two databases, seeded alike: SQLite at `sqliteFile` (DATABASE_URL's file when
 * the stores under test read through the process's own connection) and PostgreSQL on a test server.
 */
export async function openBothSides(options: { sqliteFile: string; seed: (side: Side) => Promise<void> }): Promise<{ sides: Side[]; close(): Promise<void> }> {
  const server = await startPostgres();
  const sides: Side[] = [await openSqliteSide({ file: options.sqliteFile }), await openPostgresSide(server)];
  for (const side of sides) await options.seed(side);
  return {
    sides,
    async close() {
      for (const side of sides) await side.close();
      await server.stop();
    },
  };
}
