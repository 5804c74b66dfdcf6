import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * `npm run test:faults`: crash, lock, full-disk and backup tests against the production build
 * (.next-bench, built on first use; RUNSHEET_BENCH_DIST_DIR=<dir> reuses another build). Each
 * test has its own SQLite file (or PostgreSQL server) and port, so two files run at a time: their
 * servers load the 2 cores more, which the crash and lock tests must survive anyway.
 */
export default defineConfig({
  root: repoRoot,
  resolve: {
    alias: {
      "@": repoRoot,
      "server-only": path.join(repoRoot, "tests/setup/server-only.ts"),
    },
  },
  test: {
    include: ["tests/faults/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/faults/global-setup.ts"],
    maxWorkers: 2,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    env: { TZ: "UTC" },
  },
});
