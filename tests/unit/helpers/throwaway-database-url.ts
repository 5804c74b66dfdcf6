/**
 * Points DATABASE_URL at a new SQLite file in a temporary folder and returns its path. For test
 * files whose modules open this process's SQLite client on import (lib/platform/db/client.ts):
 * call it from `vi.hoisted`, which runs before the imports, or the client would open ./data.
 *
 *   const file = await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("label"));
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function useThrowawayDatabaseUrl(label: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `runsheet-${label}-`)), "sqlite.db");
  process.env.DATABASE_URL = `file:${file}`;
  return file;
}
