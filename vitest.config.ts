import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@": repoRoot,
      "server-only": path.join(repoRoot, "tests/setup/server-only.ts"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    // The zone-dependent tests pass an explicit zone; pin the process zone so nothing depends on the host's.
    env: { TZ: "UTC" },
    // Vitest's default on 2 cores is one file at a time. Each file has its own database (and its
    // own PDF workers), so two at a time are safe, and cut CI's run by about a minute.
    maxWorkers: 2,
  },
});
