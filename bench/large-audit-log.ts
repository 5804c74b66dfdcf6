/**
 * What a large audit log costs the server's one thread (issue 16: nothing may hold up sign-offs).
 * The chain only grows (every change is an event), and so does the signed checkpoint log (a line
 * every few seconds of activity): EVENTS events with a checkpoint every 5th is what months of use
 * leave (10,000 checkpoints is some 14 hours of busy use, about 3 MB).
 *
 * In a child process (the modules are server-only: `node --conditions=react-server --import tsx`),
 * on a new SQLite database filled with that log:
 * - `signedHead`: the signed head an export prints. `firstMs` is the process's first read of the
 *   log (at the server's start), `repeatMs` an export's read after that (median of REPEATS),
 *   `afterAppendMs` one after another process appended a checkpoint (median). Reading and checking
 *   the whole log for every export took ~1.4 s at 10,000; now only what was appended is read.
 * - `auditCheck`: the audit page's full check (chain, checkpoints, replay). `totalMs` and
 *   `longestBlockMs` (the longest stretch the event loop was held, when sign-offs would wait) for
 *   the first check and for a later one (median). It was one block of ~2 s; now it reads in pieces.
 *
 * From bench/run.ts, or alone: `npx tsx bench/large-audit-log.ts`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile, round1 } from "./lib/http";
import { mergeIntoResults, runIfMain } from "./lib/results";

export interface LargeAuditLogResult {
  events: number;
  checkpoints: number;
  checkpointFileMb: number;
  signedHead: { firstMs: number; repeatMs: number; afterAppendMs: number };
  auditCheck: { firstMs: number; firstLongestBlockMs: number; repeatMs: number; repeatLongestBlockMs: number };
}

const EVENTS = 50_000;
const CHECKPOINT_EVERY = 5;
const REPEATS = 5;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** Runs `work` and measures it and the longest gap between turns of the event loop meanwhile. */
async function timedWithLongestBlock<T>(work: () => Promise<T>): Promise<{ ms: number; longestBlockMs: number; value: T }> {
  let longest = 0;
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  running = false;
  tick();
  return { ms, longestBlockMs: longest, value };
}

/** In the child: DATABASE_URL points at a new database. Prints the result as JSON on stdout. */
async function measureHere(): Promise<LargeAuditLogResult> {
  const { prisma, sqlite } = await import("../lib/platform/db/client");
  const { runSqlTransaction } = await import("../lib/platform/db/transaction");
  const { auditAnchorPaths, loadOrCreateSigningKey, signCheckpoint, appendCheckpoint } = await import("../lib/audit/checkpoint");
  const { appendAuditEventSql, getSignedAuditHead, verifyAuditTrailNow } = await import("../lib/audit/service");
  await prisma.$connect();
  const paths = auditAnchorPaths();
  const { key } = loadOrCreateSigningKey(paths);

  // The log: sign-ins (events without a run, so the replay has nothing to disagree with), and a
  // checkpoint of every 5th event's real hash, as the checkpointer would have signed them.
  const lines: string[] = [];
  for (let written = 0; written < EVENTS; ) {
    await runSqlTransaction((tx) => {
      for (let i = 0; i < 1000 && written < EVENTS; i++, written++) {
        const { seq, hash } = appendAuditEventSql(tx, { actor: null, projectId: null, action: "auth.sign_in", entityType: "user", entityId: `user-${written % 40}`, before: null, after: { email: `operator${written % 40}@example.test` } });
        if (seq % CHECKPOINT_EVERY === 0) lines.push(JSON.stringify(signCheckpoint(key, { seq, headHash: hash, at: new Date(Date.UTC(2026, 0, 1) + seq * 1000) })));
      }
    });
  }
  fs.writeFileSync(paths.checkpoints, lines.join("\n") + "\n");
  const head = sqlite().prepare(`SELECT "seq", "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1`).get() as { seq: number; hash: string };

  const signedHeadMs = async () => {
    const started = performance.now();
    const signed = await getSignedAuditHead();
    if (signed?.seq !== head.seq) throw new Error(`The signed head is ${signed?.seq}, not the chain's head ${head.seq}.`);
    return performance.now() - started;
  };
  const firstMs = await signedHeadMs();
  const repeats: number[] = [];
  for (let i = 0; i < REPEATS; i++) repeats.push(await signedHeadMs());
  const afterAppend: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await appendCheckpoint(paths.checkpoints, signCheckpoint(key, { seq: head.seq, headHash: head.hash }));
    afterAppend.push(await signedHeadMs());
  }

  const check = async () => {
    const timed = await timedWithLongestBlock(() => verifyAuditTrailNow());
    if (!timed.value.ok) throw new Error(`The audit check found: ${timed.value.findings.map((f) => f.message).join(" ")}`);
    return timed;
  };
  const first = await check();
  const later = [];
  for (let i = 0; i < REPEATS; i++) later.push(await check());
  return {
    events: head.seq,
    checkpoints: lines.length,
    checkpointFileMb: round1(fs.statSync(paths.checkpoints).size / 1e6),
    signedHead: { firstMs: round1(firstMs), repeatMs: round1(median(repeats)), afterAppendMs: round1(median(afterAppend)) },
    auditCheck: {
      firstMs: round1(first.ms),
      firstLongestBlockMs: round1(first.longestBlockMs),
      repeatMs: round1(median(later.map((t) => t.ms))),
      repeatLongestBlockMs: round1(median(later.map((t) => t.longestBlockMs))),
    },
  };
}

/** Measures in a child process on a database of its own; null on failure. */
export function measureLargeAuditLogInChild(options: { log: (message: string) => void }): LargeAuditLogResult | null {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-audit-log-"));
  try {
    const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url)], {
      cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
      env: { ...process.env, DATABASE_URL: `file:${path.join(tmp, "bench.db")}`, RUNSHEET_DATA_DIR: tmp, RUNSHEET_AUDIT_SIGNING_KEY: "", RUNSHEET_SEED: "none", NODE_ENV: "production", BENCH_AUDIT_LOG_CHILD: "1" },
      encoding: "utf8",
      timeout: 300_000,
    });
    if (child.status !== 0) {
      options.log(`Large audit log: not measured (exit ${child.status}): ${child.stderr.slice(-2000)}`);
      return null;
    }
    return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as LargeAuditLogResult;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

export function describeLargeAuditLog(r: LargeAuditLogResult): string {
  const h = r.signedHead;
  const c = r.auditCheck;
  return (
    `${r.events} events, ${r.checkpoints} checkpoints (${r.checkpointFileMb} MB): signed head for an export ${h.repeatMs} ms (${h.afterAppendMs} ms after one more checkpoint; ${h.firstMs} ms the first time); ` +
    `audit check ${c.repeatMs} ms, longest block ${c.repeatLongestBlockMs} ms (the first: ${c.firstMs} ms, longest block ${c.firstLongestBlockMs} ms)`
  );
}

async function main() {
  if (process.env.BENCH_AUDIT_LOG_CHILD === "1") {
    console.log(JSON.stringify(await measureHere()));
    process.exit(0);
  }
  const log = (message: string) => console.log(`[bench-audit-log ${new Date().toISOString().slice(11, 19)}] ${message}`);
  log(`Filling a database with ${EVENTS} audit events …`);
  const result = measureLargeAuditLogInChild({ log });
  if (!result) process.exit(1);
  log(`Large audit log: ${describeLargeAuditLog(result)}.`);
  log(`Wrote largeAuditLog into ${mergeIntoResults("largeAuditLog", result)}.`);
}

runIfMain(import.meta.url, main);
