import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

/** Columns left out of the hash: bookkeeping a refused request may still write (an API token's last use). */
export type IgnoredColumns = Record<string, readonly string[]>;

/** A hash of every row of every table: equal before and after means nothing was written. */
export function databaseHash(raw: Database.Database, ignore: IgnoredColumns = {}): string {
  const hash = createHash("sha256");
  const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
  for (const { name } of tables) {
    hash.update(`\u0001${name}\u0001`);
    const ignored = new Set(ignore[name] ?? []);
    for (const row of raw.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).iterate()) {
      const kept = ignored.size ? Object.fromEntries(Object.entries(row as Record<string, unknown>).filter(([column]) => !ignored.has(column))) : row;
      hash.update(JSON.stringify(kept, (_, v) => (typeof v === "bigint" ? String(v) : Buffer.isBuffer(v) ? v.toString("base64") : v)));
    }
  }
  return hash.digest("hex");
}

/**
 * The database's state as seen from a separate raw connection. SQLite's data_version changes on
 * that connection whenever another one commits, so an unchanged version proves nothing was
 * written; the full hash is computed only when it moved.
 */
export function databaseSnapshotter(raw: Database.Database, ignore: IgnoredColumns = {}): () => { version: number; hash: string } {
  let snapshot: { version: number; hash: string } | null = null;
  return () => {
    const version = raw.pragma("data_version", { simple: true }) as number;
    if (!snapshot || snapshot.version !== version) snapshot = { version, hash: databaseHash(raw, ignore) };
    return snapshot;
  };
}
