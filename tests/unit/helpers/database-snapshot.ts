import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { TESTS_ON_POSTGRES } from "./db-setup";

/** Columns left out of the hash: bookkeeping a refused request may still write (an API token's last use). */
export type IgnoredColumns = Record<string, readonly string[]>;

/**
 * Tables left out of the hash: the shared rate limits' counters (PostgreSQL), which count every
 * request with an API token or at an approval link, refused ones too, by design.
 */
const COUNTER_TABLES = new Set(["rate_limit_window"]);

/** A hash of every row of every table: equal before and after means nothing was written. */
export function databaseHash(raw: Database.Database, ignore: IgnoredColumns = {}): string {
  const hash = createHash("sha256");
  const tables = (
    TESTS_ON_POSTGRES
      ? raw.prepare(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE "C"`).all()
      : raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all()
  ) as { name: string }[];
  for (const { name } of tables) {
    if (COUNTER_TABLES.has(name)) continue;
    hash.update(`\u0001${name}\u0001`);
    const ignored = new Set(ignore[name] ?? []);
    const kept = (row: unknown) => {
      const shown = ignored.size ? Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([column]) => !ignored.has(column))) : row;
      return JSON.stringify(shown, (_, v) => (typeof v === "bigint" ? String(v) : Buffer.isBuffer(v) ? v.toString("base64") : v));
    };
    if (TESTS_ON_POSTGRES) {
      // No rowid: rows in the order of their content (an update of an ignored column moves a row's ctid).
      for (const line of raw.prepare(`SELECT * FROM "${name}"`).all().map(kept).sort()) hash.update(line);
    } else {
      for (const row of raw.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).iterate()) hash.update(kept(row));
    }
  }
  return hash.digest("hex");
}

/**
 * The database's state as seen from a separate raw connection. SQLite's data_version changes on
 * that connection whenever another one commits, so an unchanged version proves nothing was
 * written; the full hash is computed only when it moved. On PostgreSQL the write-ahead log's
 * position plays that part: no write, no new WAL.
 */
export function databaseSnapshotter(raw: Database.Database, ignore: IgnoredColumns = {}): () => { version: number | string; hash: string } {
  let snapshot: { version: number | string; hash: string } | null = null;
  return () => {
    const version = TESTS_ON_POSTGRES
      ? (raw.prepare(`SELECT pg_current_wal_insert_lsn()::text AS lsn`).get() as { lsn: string }).lsn
      : (raw.pragma("data_version", { simple: true }) as number);
    if (!snapshot || snapshot.version !== version) snapshot = { version, hash: databaseHash(raw, ignore) };
    return snapshot;
  };
}
