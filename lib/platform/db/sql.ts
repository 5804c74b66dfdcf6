import "server-only";
import type Database from "better-sqlite3";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection and reused (preparing is the costly part). */
export function prepared<Row = unknown>(db: Database.Database, sql: string): Database.Statement<unknown[], Row> {
  let statements = cache.get(db);
  if (!statements) cache.set(db, (statements = new Map()));
  let statement = statements.get(sql);
  if (!statement) statements.set(sql, (statement = db.prepare(sql)));
  return statement as Database.Statement<unknown[], Row>;
}

/**
 * A DateTime as Prisma's SQLite adapter stores it ("2026-11-25T03:05:19.953+00:00"). Rows written
 * by the direct connection must read back through Prisma exactly like its own, and sort the same.
 */
export function toSqlTime(date: Date): string;
export function toSqlTime(date: Date | null): string | null;
export function toSqlTime(date: Date | null): string | null {
  return date === null ? null : date.toISOString().replace("Z", "+00:00");
}

export function fromSqlTime(text: string): Date;
export function fromSqlTime(text: string | null): Date | null;
export function fromSqlTime(text: string | null): Date | null {
  return text === null ? null : new Date(text);
}
