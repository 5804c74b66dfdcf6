/**
 * What the standalone bench scripts share: merging their section into bench/results.json (the
 * full run, bench/run.ts, writes the whole file), and running only when started as a script.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./server";

/** Writes `value` under `key` in bench/results.json, keeping the other sections; returns the file's path. */
export function mergeIntoResults(key: string, value: unknown): string {
  const file = path.join(repoRoot, "bench", "results.json");
  const existing = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
  fs.writeFileSync(file, JSON.stringify({ ...existing, [key]: value }, null, 2) + "\n");
  return path.relative(repoRoot, file);
}

/** Runs `main` when the module at `moduleUrl` is the script node was started with (not when imported). */
export function runIfMain(moduleUrl: string, main: () => Promise<void>): void {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
