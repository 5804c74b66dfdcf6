/**
 * PostgreSQL's half of the schema checks, against a real PostgreSQL server started for the test:
 * prisma/postgres/schema.prisma is the current copy of prisma/schema.prisma, the committed
 * PostgreSQL migrations build exactly that schema, the migrator is safe to run from several
 * instances at once, and the generated PostgreSQL Prisma client reads and writes the result.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { postgresSchemaFrom } from "@/lib/platform/db/postgres-schema";
import { PrismaClient } from "@/lib/generated/prisma-postgres/client";
import { compareSchemaToDatabase, parsePrismaSchema, readPostgresSchema, type DbSchema } from "./helpers/schema-drift";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(repoRoot, "prisma", "postgres", "migrations");
const sqliteSchemaText = fs.readFileSync(path.join(repoRoot, "prisma", "schema.prisma"), "utf8");
const postgresSchemaText = fs.readFileSync(path.join(repoRoot, "prisma", "postgres", "schema.prisma"), "utf8");

let server: PostgresServer;
let migratedUrl: string;
let migrated: DbSchema;
let databaseCount = 0;

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function freshDatabase(): Promise<string> {
  return server.createDatabase(`drift_${++databaseCount}`);
}

beforeAll(async () => {
  server = await startPostgres();
  migratedUrl = await freshDatabase();
  await applyPostgresMigrations({ connectionString: migratedUrl, migrationsDir });
  migrated = await withClient(migratedUrl, (client) => readPostgresSchema(client));
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("prisma/postgres/schema.prisma", () => {
  it("is the current copy of prisma/schema.prisma (run `npm run prisma:postgres-schema` after editing it)", () => {
    expect(postgresSchemaText).toBe(postgresSchemaFrom(sqliteSchemaText));
  });

  it("differs from it only in the provider and the client's folder", () => {
    const sqliteDmmf = parsePrismaSchema(sqliteSchemaText);
    const postgresDmmf = parsePrismaSchema(postgresSchemaText);
    expect(postgresDmmf.datamodel).toEqual(sqliteDmmf.datamodel);
    expect(postgresSchemaText).toMatch(/provider = "postgresql"/);
    expect(postgresSchemaText).toMatch(/output\s+= "..\/..\/lib\/generated\/prisma-postgres"/);
  });
});

describe("PostgreSQL migrations vs. schema.prisma", () => {
  it("the lock file says postgresql", () => {
    expect(fs.readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/provider\s*=\s*"postgresql"/);
  });

  it("has no drift (tables, columns, types, NOT NULL, defaults, keys, indexes, foreign keys)", () => {
    const drift = compareSchemaToDatabase(parsePrismaSchema(postgresSchemaText), migrated, "postgresql");
    expect(drift, `prisma/schema.prisma and prisma/postgres/migrations disagree:\n  ${drift.join("\n  ")}\n`).toEqual([]);
  });

  it("the comparison looked at every model, and the SQLite migrations have the same tables", () => {
    const tables = [...migrated.keys()].filter((t) => t !== "_prisma_migrations").sort();
    expect(tables).toEqual(parsePrismaSchema(postgresSchemaText).datamodel.models.map((m) => m.dbName ?? m.name).sort());
    expect(tables.length).toBeGreaterThanOrEqual(30);
  });

  it("reports drift the comparator must see on PostgreSQL: an extra column, a wrong type, a lost default, a missing index", async () => {
    const url = await freshDatabase();
    await applyPostgresMigrations({ connectionString: url, migrationsDir });
    const changed = await withClient(url, async (client) => {
      await client.query(`ALTER TABLE "user" ADD COLUMN "nickname" TEXT`);
      await client.query(`ALTER TABLE "sign_in_throttle" ALTER COLUMN "failures" TYPE BIGINT`);
      await client.query(`ALTER TABLE "user" ALTER COLUMN "role" DROP DEFAULT`);
      await client.query(`DROP INDEX "project_status_idx"`);
      return readPostgresSchema(client);
    });
    const drift = compareSchemaToDatabase(parsePrismaSchema(postgresSchemaText), changed, "postgresql").sort();
    expect(drift).toEqual([
      `model Project (table "project"): @@index(status) has no index on (status)`,
      `model SignInThrottle (table "sign_in_throttle"): field failures: column "failures" is BIGINT, expected INTEGER for Int`,
      `model User (table "user"): column "nickname" exists in the database but no field maps to it`,
      `model User (table "user"): field role: column "role" has DEFAULT <none>, expected 'VIEWER'`,
    ]);
  });
});

describe("applyPostgresMigrations", () => {
  it("applies each migration once: a second run, and two instances starting together, change nothing", async () => {
    const url = await freshDatabase();
    const [first, second] = await Promise.all([
      applyPostgresMigrations({ connectionString: url, migrationsDir }),
      applyPostgresMigrations({ connectionString: url, migrationsDir }),
    ]);
    // The advisory lock serialises them: one applied everything, the other found it done.
    expect([first, second].map((names) => names.length).sort()).toEqual([0, fs.readdirSync(migrationsDir).filter((n) => /^\d/.test(n)).length]);
    expect(await applyPostgresMigrations({ connectionString: url, migrationsDir })).toEqual([]);
    const rows = await withClient(url, (client) => client.query(`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name`));
    expect(rows.rows.map((r) => r.migration_name)).toEqual([...first, ...second].sort());
  });

  it("refuses a migration edited after it was applied, and rolls back one that fails", async () => {
    const url = await freshDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-pg-migrations-"));
    try {
      fs.mkdirSync(path.join(dir, "001_a"));
      fs.writeFileSync(path.join(dir, "001_a", "migration.sql"), `CREATE TABLE "a" ("id" TEXT PRIMARY KEY);`);
      expect(await applyPostgresMigrations({ connectionString: url, migrationsDir: dir })).toEqual(["001_a"]);

      fs.writeFileSync(path.join(dir, "001_a", "migration.sql"), `CREATE TABLE "a" ("id" TEXT PRIMARY KEY, "b" TEXT);`);
      await expect(applyPostgresMigrations({ connectionString: url, migrationsDir: dir })).rejects.toThrow(/001_a was changed after it was applied/);

      fs.writeFileSync(path.join(dir, "001_a", "migration.sql"), `CREATE TABLE "a" ("id" TEXT PRIMARY KEY);`);
      fs.mkdirSync(path.join(dir, "002_b"));
      fs.writeFileSync(path.join(dir, "002_b", "migration.sql"), `CREATE TABLE "b" ("id" TEXT PRIMARY KEY); INSERT INTO "no_such_table" VALUES (1);`);
      await expect(applyPostgresMigrations({ connectionString: url, migrationsDir: dir })).rejects.toThrow(/002_b failed and was rolled back/);
      const state = await withClient(url, async (client) => ({
        tables: (await client.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).rows.map((r) => r.table_name),
        applied: (await client.query(`SELECT migration_name FROM "_prisma_migrations"`)).rows.map((r) => r.migration_name),
      }));
      expect(state).toEqual({ tables: ["_prisma_migrations", "a"], applied: ["001_a"] });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the generated PostgreSQL client on the migrated database", () => {
  it("writes and reads the core records (enums, defaults, relations, the audit sequence)", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: migratedUrl }) });
    try {
      const user = await prisma.user.create({ data: { id: "u-olivia", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
      expect(user).toMatchObject({ role: "OPERATOR", emailVerified: false, isDemo: false });
      expect(user.createdAt).toBeInstanceOf(Date);
      const project = await prisma.project.create({
        data: { name: "Move nbu-master-01", sourceHost: "nbu-master-01", targetHost: "nbu-master-02", timezone: "Europe/Berlin", windowStart: new Date("2026-12-05T21:00:00Z"), windowEnd: new Date("2026-12-06T05:00:00Z"), createdById: user.id },
      });
      expect(project.status).toBe("PLANNING");
      const event = (action: string, prevHash: string, hash: string) => ({
        projectId: project.id, actorId: user.id, actorName: user.name, action, entityType: "project", entityId: project.id, before: "{}", after: "{}", prevHash, hash,
      });
      const first = await prisma.auditEvent.create({ data: event("project.created", "genesis", "h1") });
      const second = await prisma.auditEvent.create({ data: event("project.renamed", "h1", "h2") });
      expect(second.seq).toBe(first.seq + 1);
      await expect(prisma.user.create({ data: { id: "u-dup", name: "Dup", email: "olivia@example.test" } })).rejects.toMatchObject({ code: "P2002" });
      const read = await prisma.project.findUniqueOrThrow({ where: { id: project.id }, include: { createdBy: true } });
      expect(read.createdBy?.email).toBe("olivia@example.test");
    } finally {
      await prisma.$disconnect();
    }
  });
});
