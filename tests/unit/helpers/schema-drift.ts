/**
 * Compares prisma/schema.prisma (as DMMF) with a migrated SQLite or PostgreSQL database and lists
 * every difference as a readable sentence. Used by tests/unit/schema-drift.test.ts and
 * tests/unit/schema-drift-postgres.test.ts.
 */
import { createRequire } from "node:module";
import type Database from "better-sqlite3";
import type pg from "pg";

const require = createRequire(import.meta.url);

// ---------------------------------------------------------------------------------------------
// DMMF (only the parts we read)

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  isUpdatedAt?: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string;
  fields: { name: string }[];
}

export interface Dmmf {
  datamodel: { models: DmmfModel[]; indexes: DmmfIndex[]; enums: { name: string; dbName?: string | null; values: { name: string; dbName?: string | null }[] }[] };
}

export function parsePrismaSchema(prismaSchema: string): Dmmf {
  const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf: (params: string) => string };
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))) as Dmmf;
}

// ---------------------------------------------------------------------------------------------
// SQLite introspection

export interface DbColumn {
  name: string;
  type: string;
  notnull: boolean;
  dflt: string | null;
  /** 1-based position in the primary key, 0 when not part of it. */
  pk: number;
}
export interface DbIndex {
  name: string;
  unique: boolean;
  /** "c" = CREATE INDEX, "u" = UNIQUE constraint, "pk" = PRIMARY KEY. */
  origin: string;
  partial: boolean;
  columns: string[];
}
export interface DbForeignKey {
  table: string;
  from: string[];
  to: string[];
  onDelete: string;
  onUpdate: string;
}
export interface DbTable {
  name: string;
  sql: string;
  columns: DbColumn[];
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}
export type DbSchema = Map<string, DbTable>;

export const IGNORED_TABLES = new Set(["_prisma_migrations"]);

export function readDatabaseSchema(db: Database.Database): DbSchema {
  const tables = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
    .all() as { name: string; sql: string }[];
  const out: DbSchema = new Map();
  for (const { name, sql } of tables) {
    const q = quoteIdent(name);
    const columns = (db.prepare(`PRAGMA table_info(${q})`).all() as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[]).map(
      (c) => ({ name: c.name, type: c.type.toUpperCase(), notnull: c.notnull === 1, dflt: c.dflt_value, pk: c.pk }),
    );
    const indexes = (db.prepare(`PRAGMA index_list(${q})`).all() as { name: string; unique: number; origin: string; partial: number }[]).map((i) => ({
      name: i.name,
      unique: i.unique === 1,
      origin: i.origin,
      partial: i.partial === 1,
      columns: (db.prepare(`PRAGMA index_info(${quoteIdent(i.name)})`).all() as { seqno: number; name: string | null }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? "<expression>"),
    }));
    const fkRows = db.prepare(`PRAGMA foreign_key_list(${q})`).all() as {
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string | null;
      on_update: string;
      on_delete: string;
    }[];
    const byId = new Map<number, DbForeignKey>();
    for (const row of [...fkRows].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
      let fk = byId.get(row.id);
      if (!fk) {
        fk = { table: row.table, from: [], to: [], onDelete: row.on_delete, onUpdate: row.on_update };
        byId.set(row.id, fk);
      }
      fk.from.push(row.from);
      fk.to.push(row.to ?? "<primary key>");
    }
    out.set(name, { name, sql, columns, indexes, foreignKeys: [...byId.values()] });
  }
  return out;
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

// ---------------------------------------------------------------------------------------------
// PostgreSQL introspection (same shapes; types are spelled as in Prisma's PostgreSQL migrations)

const PG_ACTIONS: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

export async function readPostgresSchema(client: pg.Client, schema = "public"): Promise<DbSchema> {
  const out: DbSchema = new Map();
  const tables = await client.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
    [schema],
  );
  for (const { name } of tables.rows) out.set(name, { name, sql: "", columns: [], indexes: [], foreignKeys: [] });
  const columns = await client.query<{ table_name: string; column_name: string; data_type: string; udt_name: string; datetime_precision: number | null; is_nullable: string; column_default: string | null }>(
    `SELECT table_name, column_name, data_type, udt_name, datetime_precision, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, ordinal_position`,
    [schema],
  );
  for (const c of columns.rows) {
    const table = out.get(c.table_name);
    if (!table) continue;
    const type =
      c.data_type === "USER-DEFINED" ? `ENUM "${c.udt_name}"`
      : c.data_type === "timestamp without time zone" ? `TIMESTAMP(${c.datetime_precision})`
      : c.data_type.toUpperCase();
    table.columns.push({ name: c.column_name, type, notnull: c.is_nullable === "NO", dflt: c.column_default, pk: 0 });
  }
  const indexes = await client.query<{ table_name: string; index_name: string; unique: boolean; primary: boolean; constraint_backed: boolean; partial: boolean; columns: string[] }>(
    `SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique AS unique, x.indisprimary AS primary,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) AS constraint_backed,
            x.indpred IS NOT NULL AS partial,
            ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = $1
      ORDER BY t.relname, i.relname`,
    [schema],
  );
  for (const i of indexes.rows) {
    const table = out.get(i.table_name);
    if (!table) continue;
    if (i.primary) i.columns.forEach((col, n) => { const c = table.columns.find((x) => x.name === col); if (c) c.pk = n + 1; });
    table.indexes.push({ name: i.index_name, unique: i.unique, origin: i.primary ? "pk" : i.constraint_backed ? "u" : "c", partial: i.partial, columns: i.columns });
  }
  const fks = await client.query<{ table_name: string; target: string; from_cols: string[]; to_cols: string[]; on_delete: string; on_update: string }>(
    `SELECT t.relname AS table_name, r.relname AS target, k.confdeltype AS on_delete, k.confupdtype AS on_update,
            ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY AS c(attnum, n) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.attnum ORDER BY c.n)::text[] AS from_cols,
            ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY AS c(attnum, n) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.attnum ORDER BY c.n)::text[] AS to_cols
       FROM pg_constraint k
       JOIN pg_class t ON t.oid = k.conrelid
       JOIN pg_class r ON r.oid = k.confrelid
       JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE k.contype = 'f' AND ns.nspname = $1
      ORDER BY t.relname, k.conname`,
    [schema],
  );
  for (const k of fks.rows) {
    out.get(k.table_name)?.foreignKeys.push({ table: k.target, from: k.from_cols, to: k.to_cols, onDelete: PG_ACTIONS[k.on_delete], onUpdate: PG_ACTIONS[k.on_update] });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Comparison

const SQLITE_TYPES: Record<string, string> = {
  String: "TEXT",
  Int: "INTEGER",
  BigInt: "INTEGER",
  Boolean: "BOOLEAN",
  DateTime: "DATETIME",
  Float: "REAL",
  Decimal: "DECIMAL",
  Bytes: "BLOB",
};

const POSTGRES_TYPES: Record<string, string> = {
  String: "TEXT",
  Int: "INTEGER",
  BigInt: "BIGINT",
  Boolean: "BOOLEAN",
  DateTime: "TIMESTAMP(3)",
  Float: "DOUBLE PRECISION",
  Decimal: "NUMERIC",
  Bytes: "BYTEA",
};

export type Dialect = "sqlite" | "postgresql";

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: "CASCADE",
  Restrict: "RESTRICT",
  SetNull: "SET NULL",
  SetDefault: "SET DEFAULT",
  NoAction: "NO ACTION",
};

const list = (cols: readonly string[]) => `(${cols.join(", ")})`;
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The DEFAULT clause SQLite should report for a field, or null for none (client-side or no default). */
function expectedDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue) return null;
  const d = field.default;
  if (d !== null && typeof d === "object" && !Array.isArray(d) && "name" in d) {
    const fn = d as { name: string; args: unknown[] };
    if (fn.name === "now") return "CURRENT_TIMESTAMP";
    if (fn.name === "dbgenerated") return String(fn.args[0] ?? "");
    return null; // autoincrement, cuid, uuid, nanoid, ulid: generated by Prisma Client or the rowid
  }
  if (typeof d === "string") return `'${d.replace(/'/g, "''")}'`;
  if (typeof d === "boolean") return d ? "true" : "false";
  if (typeof d === "number") return String(d);
  return JSON.stringify(d);
}

function normaliseDefault(value: string | null, dialect: Dialect): string | null {
  if (value === null) return null;
  let v = value.trim();
  // PostgreSQL reports a literal default with its cast: 'VIEWER'::"Role", 'x'::text.
  if (dialect === "postgresql") v = v.replace(/^('(?:[^']|'')*')::[\w" ()]+$/, "$1");
  if (/^current_timestamp$/i.test(v)) return "CURRENT_TIMESTAMP";
  if (/^(true|false)$/i.test(v)) return v.toLowerCase();
  return v;
}

/**
 * Every difference between the schema and the database, one sentence each. Empty when they agree.
 */
export function compareSchemaToDatabase(dmmf: Dmmf, db: DbSchema, dialect: Dialect = "sqlite"): string[] {
  const drift: string[] = [];
  const models = dmmf.datamodel.models;
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };
  const modelByName = new Map(models.map((m) => [m.name, m]));

  // Tables, both directions.
  const modelTables = new Set(tableOf.values());
  for (const model of models) {
    if (!db.has(tableOf.get(model.name)!)) drift.push(`model ${model.name}: table "${tableOf.get(model.name)}" is missing from the database`);
  }
  for (const table of db.keys()) {
    if (!IGNORED_TABLES.has(table) && !modelTables.has(table)) drift.push(`table "${table}": exists in the database but no model maps to it`);
  }

  for (const model of models) {
    const tableName = tableOf.get(model.name)!;
    const table = db.get(tableName);
    if (!table) continue;
    const where = `model ${model.name} (table "${tableName}")`;
    const columnsByName = new Map(table.columns.map((c) => [c.name, c]));

    // Columns, both directions.
    const scalarFields = model.fields.filter((f) => f.kind === "scalar" || f.kind === "enum" || f.kind === "unsupported");
    const expectedColumns = new Set<string>();
    for (const field of scalarFields) {
      const colName = field.dbName ?? field.name;
      expectedColumns.add(colName);
      const col = columnsByName.get(colName);
      const label = `${where}: field ${field.name}`;
      if (!col) {
        drift.push(`${label}: column "${colName}" is missing`);
        continue;
      }
      if (field.isList) drift.push(`${label}: scalar lists are not supported on SQLite`);
      const enumDbName = dmmf.datamodel.enums?.find((e) => e.name === field.type)?.dbName ?? field.type;
      const expectedType =
        dialect === "postgresql" ? (field.kind === "enum" ? `ENUM "${enumDbName}"` : POSTGRES_TYPES[field.type])
        : field.kind === "enum" ? "TEXT" : SQLITE_TYPES[field.type];
      if (!expectedType) drift.push(`${label}: type ${field.type} has no known ${dialect === "postgresql" ? "PostgreSQL" : "SQLite"} column type`);
      else if (col.type !== expectedType) drift.push(`${label}: column "${colName}" is ${col.type || "<no type>"}, expected ${expectedType} for ${field.type}`);
      if (field.isRequired !== col.notnull) {
        drift.push(`${label}: column "${colName}" is ${col.notnull ? "NOT NULL" : "nullable"} but the field is ${field.isRequired ? "required" : "optional"}`);
      }
      const def = field.default as { name?: string } | undefined;
      const autoincrement = def !== null && typeof def === "object" && def.name === "autoincrement";
      const haveDefault = normaliseDefault(col.dflt, dialect);
      if (autoincrement && dialect === "postgresql") {
        // SERIAL: the column's default draws from its own sequence.
        if (!haveDefault?.startsWith("nextval(")) drift.push(`${label}: @default(autoincrement()) but column "${colName}" has DEFAULT ${haveDefault ?? "<none>"}, expected a sequence (SERIAL)`);
      } else {
        const wantDefault = expectedDefault(field);
        if (wantDefault !== haveDefault) {
          drift.push(`${label}: column "${colName}" has DEFAULT ${haveDefault ?? "<none>"}, expected ${wantDefault ?? "<none>"}`);
        }
      }
      if (autoincrement && dialect === "sqlite" && !/\bAUTOINCREMENT\b/i.test(table.sql)) {
        drift.push(`${label}: @default(autoincrement()) but the table is not declared AUTOINCREMENT`);
      }
    }
    for (const col of table.columns) {
      if (!expectedColumns.has(col.name)) drift.push(`${where}: column "${col.name}" exists in the database but no field maps to it`);
    }

    const indexes = dmmf.datamodel.indexes.filter((i) => i.model === model.name);

    // Primary key.
    const idIndex = indexes.find((i) => i.type === "id");
    const expectedPk = idIndex ? idIndex.fields.map((f) => columnOf(model, f.name)) : [];
    const actualPk = table.columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    if (!sameList(expectedPk, actualPk)) drift.push(`${where}: primary key is ${list(actualPk)}, expected ${list(expectedPk)}`);

    // Unique and normal indexes, both directions. Primary-key indexes are covered above.
    const dbIndexes = table.indexes.filter((i) => i.origin !== "pk");
    const matched = new Set<DbIndex>();
    for (const index of indexes.filter((i) => i.type === "unique" || i.type === "normal")) {
      const cols = index.fields.map((f) => columnOf(model, f.name));
      const unique = index.type === "unique";
      const kind = unique ? "UNIQUE index" : "index";
      const attr = unique ? (index.fields.length === 1 ? `@unique on ${index.fields[0].name}` : `@@unique(${index.fields.map((f) => f.name).join(", ")})`) : `@@index(${index.fields.map((f) => f.name).join(", ")})`;
      const found = dbIndexes.find((i) => !matched.has(i) && i.unique === unique && !i.partial && sameList(i.columns, cols));
      if (!found) {
        const sameCols = dbIndexes.find((i) => sameList(i.columns, cols));
        const hint = sameCols ? ` (an index ${sameCols.name} on those columns exists but is ${sameCols.unique ? "UNIQUE" : "not UNIQUE"}${sameCols.partial ? " and partial" : ""})` : "";
        drift.push(`${where}: ${attr} has no ${kind} on ${list(cols)}${hint}`);
        continue;
      }
      matched.add(found);
      const expectedName = index.dbName ?? `${tableName}_${cols.join("_")}_${unique ? "key" : "idx"}`;
      if (found.origin === "c" && found.name !== expectedName) {
        drift.push(`${where}: ${kind} on ${list(cols)} is named "${found.name}", Prisma expects "${expectedName}"`);
      }
    }
    for (const index of dbIndexes) {
      if (!matched.has(index)) {
        drift.push(`${where}: database ${index.unique ? "UNIQUE index" : "index"} "${index.name}" on ${list(index.columns)} is not declared in the schema`);
      }
    }

    // Foreign keys, both directions.
    const matchedFks = new Set<DbForeignKey>();
    for (const field of model.fields.filter((f) => f.kind === "object" && (f.relationFromFields?.length ?? 0) > 0)) {
      const target = modelByName.get(field.type);
      const targetTable = tableOf.get(field.type) ?? field.type;
      const from = field.relationFromFields!.map((f) => columnOf(model, f));
      const to = (field.relationToFields ?? []).map((f) => (target ? columnOf(target, f) : f));
      const label = `${where}: relation ${field.name} → ${field.type}`;
      const fk = table.foreignKeys.find((k) => !matchedFks.has(k) && sameList(k.from, from));
      if (!fk) {
        drift.push(`${label}: no foreign key on ${list(from)} referencing "${targetTable}"${list(to)}`);
        continue;
      }
      matchedFks.add(fk);
      if (fk.table !== targetTable || !sameList(fk.to, to)) {
        drift.push(`${label}: foreign key on ${list(from)} references "${fk.table}"${list(fk.to)}, expected "${targetTable}"${list(to)}`);
      }
      // Prisma's defaults: optional relations SET NULL on delete, required ones RESTRICT; updates CASCADE.
      const onDelete = REFERENTIAL_ACTIONS[field.relationOnDelete ?? (field.isRequired ? "Restrict" : "SetNull")];
      const onUpdate = REFERENTIAL_ACTIONS[field.relationOnUpdate ?? "Cascade"];
      if (fk.onDelete.toUpperCase() !== onDelete) drift.push(`${label}: foreign key ON DELETE ${fk.onDelete}, expected ${onDelete}`);
      if (fk.onUpdate.toUpperCase() !== onUpdate) drift.push(`${label}: foreign key ON UPDATE ${fk.onUpdate}, expected ${onUpdate}`);
    }
    for (const fk of table.foreignKeys) {
      if (!matchedFks.has(fk)) drift.push(`${where}: database foreign key ${list(fk.from)} → "${fk.table}"${list(fk.to)} is not declared in the schema`);
    }
  }
  return drift;
}
