/**
 * What an export pays for the signed audit head it prints, once the checkpoint file is large.
 * The server appends a signed checkpoint every few seconds of activity, so the file only grows
 * (10,000 checkpoints is some 14 hours of busy use, about 3 MB). Each export asks for the newest
 * valid checkpoint, on the server's main thread: reading and checking the whole file each time
 * took ~1.3 s at 10,000; the server now reads only what was appended since its last read.
 *
 * In a child process (the modules are server-only: `node --conditions=react-server --import tsx`),
 * on a new SQLite database whose checkpoint file gets CHECKPOINTS lines signed with its key:
 * - `firstMs`: the process's first read of the file (at the server's start: the whole file);
 * - `repeatMs`: an export's read after that, nothing new (median of REPEATS);
 * - `afterAppendMs`: an export's read after another process appended one checkpoint (median).
 *
 * From bench/run.ts, or alone: `npx tsx bench/signed-head.ts`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile, round1 } from "./lib/http";
import { mergeIntoResults, runIfMain } from "./lib/results";

export interface SignedHeadResult {
  checkpoints: number;
  fileMb: number;
  firstMs: number;
  repeatMs: number;
  afterAppendMs: number;
}

const CHECKPOINTS = 10_000;
const REPEATS = 9;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** In the child: DATABASE_URL points at a new database. Prints the result as JSON on stdout. */
async function measureHere(): Promise<SignedHeadResult> {
  const { prisma } = await import("../lib/platform/db/client");
  const { auditAnchorPaths, loadOrCreateSigningKey, signCheckpoint, appendCheckpoint } = await import("../lib/audit/checkpoint");
  const { getSignedAuditHead } = await import("../lib/audit/service");
  const { GENESIS_HASH } = await import("../lib/audit/chain");
  await prisma.$connect();
  const paths = auditAnchorPaths();
  const { key } = loadOrCreateSigningKey(paths);
  // Checkpoints of events long gone by (the chain's real head is the empty one): what a year of
  // use leaves in the file, each with a valid signature the server must check once.
  const lines: string[] = [];
  for (let i = 0; i < CHECKPOINTS - 1; i++) lines.push(JSON.stringify(signCheckpoint(key, { seq: 0, headHash: createHash("sha256").update(`old ${i}`).digest("hex"), at: new Date(Date.UTC(2026, 0, 1) + i * 60_000) })));
  lines.push(JSON.stringify(signCheckpoint(key, { seq: 0, headHash: GENESIS_HASH })));
  fs.writeFileSync(paths.checkpoints, lines.join("\n") + "\n");

  const timed = async () => {
    const started = performance.now();
    const head = await getSignedAuditHead();
    if (!head) throw new Error("No signed head.");
    return performance.now() - started;
  };
  const firstMs = await timed();
  const repeats: number[] = [];
  for (let i = 0; i < REPEATS; i++) repeats.push(await timed());
  const afterAppend: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await appendCheckpoint(paths.checkpoints, signCheckpoint(key, { seq: 0, headHash: GENESIS_HASH }));
    afterAppend.push(await timed());
  }
  return {
    checkpoints: CHECKPOINTS,
    fileMb: round1(fs.statSync(paths.checkpoints).size / 1e6),
    firstMs: round1(firstMs),
    repeatMs: round1(median(repeats)),
    afterAppendMs: round1(median(afterAppend)),
  };
}

/** Measures in a child process on a database of its own; null on failure. */
export function measureSignedHeadInChild(options: { log: (message: string) => void }): SignedHeadResult | null {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-signed-head-"));
  try {
    const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url)], {
      cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
      env: { ...process.env, DATABASE_URL: `file:${path.join(tmp, "bench.db")}`, RUNSHEET_DATA_DIR: tmp, RUNSHEET_AUDIT_SIGNING_KEY: "", RUNSHEET_SEED: "none", NODE_ENV: "production", BENCH_SIGNED_HEAD_CHILD: "1" },
      encoding: "utf8",
      timeout: 120_000,
    });
    if (child.status !== 0) {
      options.log(`Signed head: not measured (exit ${child.status}): ${child.stderr.slice(-2000)}`);
      return null;
    }
    return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as SignedHeadResult;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function describeSignedHead(r: SignedHeadResult): string {
  return `with ${r.checkpoints} checkpoints (${r.fileMb} MB): first read ${r.firstMs} ms, an export's ${r.repeatMs} ms, after one more checkpoint ${r.afterAppendMs} ms`;
}

async function main() {
  if (process.env.BENCH_SIGNED_HEAD_CHILD === "1") {
    console.log(JSON.stringify(await measureHere()));
    process.exit(0);
  }
  const log = (message: string) => console.log(`[bench-signed-head ${new Date().toISOString().slice(11, 19)}] ${message}`);
  const result = measureSignedHeadInChild({ log });
  if (!result) process.exit(1);
  log(`Signed audit head ${describeSignedHead(result)}.`);
  log(`Wrote auditSignedHead into ${mergeIntoResults("auditSignedHead", result)}.`);
}

runIfMain(import.meta.url, main);
