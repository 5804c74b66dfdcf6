import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import base from "../../vitest.config";

/**
 * `npm run test:unit:postgres`: the integration tests that take their database from
 * openTestDatabase (tests/unit/helpers/db-setup.ts) run again, each on a new PostgreSQL database
 * of one throw-away server (postgres-global-setup.ts). A new such test runs on both by itself.
 * Left out, with why:
 */
const SQLITE_ONLY: Record<string, string> = {
  "audit-anchor.integration.test.ts": "tampers with copies made by SQLite's VACUUM INTO and checks them with the SQLite verifier; audit-verify-postgres runs the same checks on both",
  "audit-verify-cli.test.ts": "tampers with SQLite copies (VACUUM INTO); the CLI on a PostgreSQL database is tested in audit-verify-postgres",
  "audit-verify-postgres.integration.test.ts": "runs every scenario on both databases by itself",
  "pdf-pool.integration.test.ts": "the worker threads' queue, limits and failures are the same on both; a PDF export on PostgreSQL runs in openapi-responses",
  "token-access-matrix.integration.test.ts": "a token acts as its owner's session, decided by the same code on both; the token reads and the shared token limit are in store-contract and postgres-process on PostgreSQL, and the session matrix (route-access-matrix, with its no-write check) runs there. 25 s of CI",
  "backup.integration.test.ts": "the SQLite file's backup and restore; PostgreSQL is backed up with its own tools",
  "sqlite-write-lock.integration.test.ts": "SQLite's one write lock held by another connection; on PostgreSQL, rows and the chain's lock are held instead (notifications, postgres-prisma-transaction)",
};

const here = path.dirname(fileURLToPath(import.meta.url));
const onBoth = fs
  .readdirSync(here)
  .filter((name) => name.endsWith(".test.ts") && !(name in SQLITE_ONLY) && fs.readFileSync(path.join(here, name), "utf8").includes("openTestDatabase("))
  .map((name) => `tests/unit/${name}`);

// Spread, not mergeConfig: that would append this include list to the base one instead of replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: onBoth,
    globalSetup: ["tests/unit/postgres-global-setup.ts"],
    env: { ...base.test?.env, RUNSHEET_TEST_DATABASE: "postgresql" },
    hookTimeout: 60_000,
    // Vitest's default on 2 cores is one file at a time; these files spend most of their time
    // waiting on the server, so two at a time nearly halve the run. Each file has its own database.
    maxWorkers: 2,
  },
});
