/**
 * prisma/schema.prisma and the hand-written SQL migrations must describe the same database.
 * Prisma's CLI can't run here, so nothing else would notice when they drift apart.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/platform/db/migrate";
import { compareSchemaToDatabase, parsePrismaSchema, readDatabaseSchema, type DbSchema } from "./helpers/schema-drift";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(repoRoot, "prisma", "migrations");
const schemaText = fs.readFileSync(path.join(repoRoot, "prisma", "schema.prisma"), "utf8");
const migrationNames = fs
  .readdirSync(migrationsDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrationsDir, e.name, "migration.sql")))
  .map((e) => e.name)
  .sort();

let tmp: string;
const tempDb = (name: string) => path.join(tmp, `${name}.db`);

function readSchemaOf(databasePath: string): DbSchema {
  const db = new Database(databasePath, { readonly: true });
  try {
    return readDatabaseSchema(db);
  } finally {
    db.close();
  }
}

/** Replace exactly one occurrence, so a schema edit in a self-test can't silently do nothing. */
function edit(text: string, from: string | RegExp, to: string): string {
  const count = typeof from === "string" ? text.split(from).length - 1 : (text.match(new RegExp(from.source, from.flags.includes("g") ? from.flags : from.flags + "g")) ?? []).length;
  if (count !== 1) throw new Error(`edit: expected exactly one match for ${String(from)}, found ${count}`);
  return text.replace(from, to);
}

let migrated: DbSchema;
let migratedPath: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-schema-drift-"));
  migratedPath = tempDb("migrated");
  applyMigrations({ databasePath: migratedPath, migrationsDir });
  migrated = readSchemaOf(migratedPath);
});

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("schema.prisma vs. migrated database", () => {
  it("there is at least one migration and the lock file says sqlite", () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(/provider\s*=\s*"sqlite"/);
  });

  it("schema.prisma is valid", () => {
    expect(() => parsePrismaSchema(schemaText)).not.toThrow();
  });

  it("has no drift (tables, columns, types, NOT NULL, defaults, keys, indexes, foreign keys)", () => {
    const drift = compareSchemaToDatabase(parsePrismaSchema(schemaText), migrated);
    expect(drift, `schema.prisma and prisma/migrations disagree:\n  ${drift.join("\n  ")}\n`).toEqual([]);
  });

  it("the comparison actually looked at every model", () => {
    const dmmf = parsePrismaSchema(schemaText);
    const tables = [...migrated.keys()].filter((t) => t !== "_prisma_migrations");
    expect(tables.sort()).toEqual(dmmf.datamodel.models.map((m) => m.dbName ?? m.name).sort());
    expect(tables.length).toBeGreaterThanOrEqual(10);
  });

  it("foreign keys declared by the migrations are enforced", () => {
    const p = tempDb("fk-check");
    applyMigrations({ databasePath: p, migrationsDir });
    const conn = new Database(p);
    try {
      conn.pragma("foreign_keys = ON");
      expect(() =>
        conn.prepare(`INSERT INTO "session" (id, expiresAt, token, updatedAt, userId) VALUES ('s', 0, 't', 0, 'no-such-user')`).run(),
      ).toThrow(/FOREIGN KEY/);
      expect(conn.pragma("foreign_key_check")).toEqual([]);
    } finally {
      conn.close();
    }
  });
});

describe("the drift comparator itself", () => {
  // Only what the edit adds on top of the real schema's drift (normally none), so that a real
  // drift fails the test above with its message instead of failing every test here too.
  const driftFor = (schema: string, db: DbSchema = migrated) => {
    const baseline = new Set(compareSchemaToDatabase(parsePrismaSchema(schemaText), migrated));
    return compareSchemaToDatabase(parsePrismaSchema(schema), db).filter((d) => !baseline.has(d));
  };

  it("reports a field added to the schema but not to the migrations", () => {
    const changed = edit(schemaText, /(\n  email\s+String\s+@unique\n)/, "$1  nickname String?\n");
    expect(driftFor(changed)).toEqual(['model User (table "user"): field nickname: column "nickname" is missing']);
  });

  it("reports a model with no table", () => {
    const changed = `${schemaText}\nmodel Orphan {\n  id String @id\n}\n`;
    expect(driftFor(changed)).toEqual(['model Orphan: table "Orphan" is missing from the database']);
  });

  it("reports a table and a column that exist only in the database", () => {
    const p = tempDb("extra");
    applyMigrations({ databasePath: p, migrationsDir });
    const db = new Database(p);
    db.exec(`ALTER TABLE "user" ADD COLUMN "nickname" TEXT; CREATE TABLE "leftover" ("id" TEXT NOT NULL PRIMARY KEY);`);
    db.close();
    expect(driftFor(schemaText, readSchemaOf(p)).sort()).toEqual([
      'model User (table "user"): column "nickname" exists in the database but no field maps to it',
      'table "leftover": exists in the database but no model maps to it',
    ]);
  });

  it("reports a wrong type, a wrong nullability and a wrong default", () => {
    let changed = edit(schemaText, "  failures      Int       @default(0)", "  failures      String    @default(\"0\")");
    changed = edit(changed, "  image               String?\n", "  image               String\n");
    changed = edit(changed, "role                Role      @default(VIEWER)", "role                Role      @default(ADMIN)");
    expect(driftFor(changed).sort()).toEqual([
      `model SignInThrottle (table "sign_in_throttle"): field failures: column "failures" has DEFAULT 0, expected '0'`,
      `model SignInThrottle (table "sign_in_throttle"): field failures: column "failures" is INTEGER, expected TEXT for String`,
      `model User (table "user"): field image: column "image" is nullable but the field is required`,
      `model User (table "user"): field role: column "role" has DEFAULT 'VIEWER', expected 'ADMIN'`,
    ]);
  });

  it("reports a missing @@index, a missing @unique and an index the schema no longer declares", () => {
    let changed = edit(schemaText, "  @@index([identifier])\n  @@map(\"verification\")", "  @@index([identifier])\n  @@index([expiresAt])\n  @@map(\"verification\")");
    changed = edit(changed, "  value      String\n", "  value      String   @unique\n");
    changed = edit(changed, "  @@index([status])\n  @@map(\"project\")", "  @@map(\"project\")");
    expect(driftFor(changed).sort()).toEqual([
      'model Project (table "project"): database index "project_status_idx" on (status) is not declared in the schema',
      'model Verification (table "verification"): @@index(expiresAt) has no index on (expiresAt)',
      'model Verification (table "verification"): @unique on value has no UNIQUE index on (value)',
    ]);
  });

  it("reports index column order and uniqueness mismatches", () => {
    let changed = edit(schemaText, "@@index([runId, stepId, status])", "@@index([stepId, runId, status])");
    changed = edit(changed, "  email               String    @unique\n", "  email               String\n");
    changed = edit(changed, /(model User \{[\s\S]*?)(\n  @@map\("user"\))/, '$1\n  @@index([email])$2');
    const drift = driftFor(changed).sort();
    expect(drift).toEqual([
      'model FleetClientRun (table "fleet_client_run"): @@index(stepId, runId, status) has no index on (stepId, runId, status)',
      'model FleetClientRun (table "fleet_client_run"): database index "fleet_client_run_runId_stepId_status_idx" on (runId, stepId, status) is not declared in the schema',
      'model User (table "user"): @@index(email) has no index on (email) (an index user_email_key on those columns exists but is UNIQUE)',
      'model User (table "user"): database UNIQUE index "user_email_key" on (email) is not declared in the schema',
    ]);
  });

  it("reports a changed referential action and a relation without a foreign key", () => {
    let changed = edit(schemaText, "user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)\n\n  @@index([userId])\n  @@map(\"session\")", "user      User     @relation(fields: [userId], references: [id], onDelete: Restrict)\n\n  @@index([userId])\n  @@map(\"session\")");
    // Add a relation on an existing column that has no foreign key in the migrations.
    changed = edit(changed, "  identifier String\n", "  identifier String\n  owner      User?    @relation(\"VerificationOwner\", fields: [identifier], references: [id])\n");
    changed = edit(changed, "  idempotencyKeys     IdempotencyKey[]\n", "  idempotencyKeys     IdempotencyKey[]\n  verifications       Verification[]   @relation(\"VerificationOwner\")\n");
    const drift = driftFor(changed).sort();
    expect(drift).toEqual([
      'model Session (table "session"): relation user → User: foreign key ON DELETE CASCADE, expected RESTRICT',
      'model Verification (table "verification"): relation owner → User: no foreign key on (identifier) referencing "user"(id)',
    ]);
  });

  it("reports a foreign key the schema does not declare, and a changed primary key", () => {
    const p = tempDb("extra-fk");
    applyMigrations({ databasePath: p, migrationsDir });
    const db = new Database(p);
    db.exec(`DROP TABLE "verification";
      CREATE TABLE "verification" (
        "id" TEXT NOT NULL,
        "identifier" TEXT NOT NULL,
        "value" TEXT NOT NULL,
        "expiresAt" DATETIME NOT NULL,
        "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
        "updatedAt" DATETIME NOT NULL,
        PRIMARY KEY ("id", "value"),
        CONSTRAINT "v_fk" FOREIGN KEY ("identifier") REFERENCES "user" ("id")
      );
      CREATE INDEX "verification_identifier_idx" ON "verification"("identifier");`);
    db.close();
    expect(driftFor(schemaText, readSchemaOf(p)).sort()).toEqual([
      'model Verification (table "verification"): database foreign key (identifier) → "user"(id) is not declared in the schema',
      'model Verification (table "verification"): primary key is (id, value), expected (id)',
    ]);
  });

  it("honours @map and @@map", () => {
    // Renaming the model and a field while mapping them to the same names is not drift.
    let changed = edit(schemaText, "model Template {", "model SavedTemplate {");
    changed = edit(changed, "  templates           Template[]\n", "  templates           SavedTemplate[]\n");
    changed = edit(changed, "  body        String\n", "  content     String @map(\"body\")\n");
    expect(driftFor(changed)).toEqual([]);
    // Mapping a field to a column that does not exist is.
    const wrong = edit(schemaText, "  body        String\n", "  body        String @map(\"content\")\n");
    expect(driftFor(wrong).sort()).toEqual([
      'model Template (table "template"): column "body" exists in the database but no field maps to it',
      'model Template (table "template"): field body: column "content" is missing',
    ]);
  });
});

describe("applyMigrations", () => {
  const copyMigrations = (name: string) => {
    const dir = path.join(tmp, name);
    fs.cpSync(migrationsDir, dir, { recursive: true });
    return dir;
  };

  it("applies every migration once on a fresh database and records it", () => {
    const p = tempDb("fresh");
    expect(applyMigrations({ databasePath: p, migrationsDir })).toEqual(migrationNames);
    const db = new Database(p, { readonly: true });
    const rows = db.prepare(`SELECT migration_name, finished_at, checksum FROM "_prisma_migrations" ORDER BY migration_name`).all() as {
      migration_name: string;
      finished_at: string | null;
      checksum: string;
    }[];
    db.close();
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const r of rows) {
      expect(r.finished_at).not.toBeNull();
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("applying twice is a no-op", () => {
    const p = tempDb("twice");
    applyMigrations({ databasePath: p, migrationsDir });
    const before = readSchemaOf(p);
    expect(applyMigrations({ databasePath: p, migrationsDir })).toEqual([]);
    expect(readSchemaOf(p)).toEqual(before);
    const db = new Database(p, { readonly: true });
    expect((db.prepare(`SELECT count(*) AS n FROM "_prisma_migrations"`).get() as { n: number }).n).toBe(migrationNames.length);
    db.close();
  });

  it("creates the database's parent directory", () => {
    const p = path.join(tmp, "nested", "deeper", "db.sqlite");
    applyMigrations({ databasePath: p, migrationsDir });
    expect(fs.existsSync(p)).toBe(true);
  });

  it("refuses when an applied migration file was changed", () => {
    const dir = copyMigrations("edited-migrations");
    const p = tempDb("edited");
    applyMigrations({ databasePath: p, migrationsDir: dir });
    const first = path.join(dir, migrationNames[0], "migration.sql");
    fs.appendFileSync(first, "\n-- an innocent-looking comment\n");
    expect(() => applyMigrations({ databasePath: p, migrationsDir: dir })).toThrow(
      `Migration ${migrationNames[0]} was changed after it was applied. Add a new migration instead.`,
    );
  });

  it("applies only a newly added migration", () => {
    const dir = copyMigrations("added-migrations");
    const p = tempDb("added");
    applyMigrations({ databasePath: p, migrationsDir: dir });
    const name = "99991231000000_add_note";
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), `ALTER TABLE "template" ADD COLUMN "note" TEXT;`);
    expect(applyMigrations({ databasePath: p, migrationsDir: dir })).toEqual([name]);
    expect(readSchemaOf(p).get("template")!.columns.map((c) => c.name)).toContain("note");
    expect(applyMigrations({ databasePath: p, migrationsDir: dir })).toEqual([]);
  });

  it("rolls back a failing migration entirely and does not record it", () => {
    const dir = copyMigrations("failing-migrations");
    const p = tempDb("failing");
    applyMigrations({ databasePath: p, migrationsDir: dir });
    const name = "99991231000000_broken";
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), `CREATE TABLE "half_done" ("id" TEXT);\nINSERT INTO "no_such_table" VALUES (1);`);
    expect(() => applyMigrations({ databasePath: p, migrationsDir: dir })).toThrow(/no_such_table/);
    const schema = readSchemaOf(p);
    expect(schema.has("half_done")).toBe(false);
    const db = new Database(p, { readonly: true });
    expect(db.prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE migration_name = ?`).all(name)).toEqual([]);
    db.close();
  });

  it("ignores directories without a migration.sql", () => {
    const dir = copyMigrations("empty-dir-migrations");
    fs.mkdirSync(path.join(dir, "99991231000000_not_a_migration"));
    expect(applyMigrations({ databasePath: tempDb("empty-dir"), migrationsDir: dir })).toEqual(migrationNames);
  });
});
