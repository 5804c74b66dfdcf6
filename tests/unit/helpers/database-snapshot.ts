import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

/** A hash of every row of every table: equal before and after means nothing was written. */
export function databaseHash(raw: Database.Database): string {
  const hash = createHash("sha256");
  const tables = raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[];
  for (const { name } of tables) {
    hash.update(`\u0001${name}\u0001`);
    for (const row of raw.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).iterate()) hash.update(JSON.stringify(row, (_, v) => (typeof v === "bigint" ? String(v) : Buffer.isBuffer(v) ? v.toString("base64") : v)));
  }
  return hash.digest("hex");
}

/**
 * The database's state as seen from a separate raw connection. SQLite's data_version changes on
 * that connection whenever another one commits, so an unchanged version proves nothing was
 * written; the full hash is computed only when it moved.
 */
export function databaseSnapshotter(raw: Database.Database): () => { version: number; hash: string } {
  let snapshot: { version: number; hash: string } | null = null;
  return () => {
    const version = raw.pragma("data_version", { simple: true }) as number;
    if (!snapshot || snapshot.version !== version) snapshot = { version, hash: databaseHash(raw) };
    return snapshot;
  };
}
