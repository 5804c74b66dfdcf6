/**
 * The notification passes' cost on a run of the benchmark's size (issue 16). Both passes run in
 * the server's process, and each run's writes in a write transaction: every sign-off that arrives
 * meanwhile waits for it. The clock-based sweep visits every active run every 30 s; the
 * follow pass, after each burst of sign-offs (at most once a second), visits the runs that changed.
 *
 * Measured on a database that has the benchmark's active runs (the live run and the rehearsals the
 * sign-off levels used), in this process, with the app's own modules:
 * - `sweepMs`: one sweep over all active runs, median of 5 (after one that creates what is due);
 * - `followPassMs`: a follow pass after one step was started in one rehearsal run, median of 5;
 * - `signoffDuringSweep`: sign-offs (step starts, the same path) one after another, alone and then
 *   while sweeps run back to back. The sweep looks at each run before it takes a write lock, and
 *   nearly always nothing is due: a sign-off then waits for no lock, only for its turn on the thread.
 *
 * Called by bench/run.ts once its server has stopped, on its database, in a child process (the
 * modules are server-only: `node --conditions=react-server --import tsx`), with DATABASE_URL set.
 * Alone: `npx tsx bench/notification-passes.ts` seeds a database with 300 steps and 10 rehearsals.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { percentile, round1 } from "./lib/http";
import { mergeIntoResults, runIfMain } from "./lib/results";

export interface NotificationPassesResult {
  activeRuns: number;
  stepsPerRun: number;
  sweepMs: number;
  sweepMsPerRun: number;
  followPassMs: number;
  /** A sign-off's time in this process, alone and while sweeps run back to back (ms). */
  signoffDuringSweep: { signoffs: number; sweeps: number; idleP95: number; p95: number; maxMs: number };
}

const REPEATS = 5;
/** Sign-offs alone, then as many during sweeps. */
const SIGNOFFS_PER_HALF = 150;
/** Sweeps the second half runs through at least (its sign-offs go on until then). */
const MIN_SWEEPS = 3;
const SIGNOFF_GAP_MS = 2;
/** Rehearsals the standalone run starts next to the seeded live run (the full bench has 10). */
const STANDALONE_REHEARSALS = 10;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/** In the child: DATABASE_URL points at a seeded database. Prints the result as JSON on stdout. */
async function measureHere(options: { startRehearsals: number }): Promise<NotificationPassesResult> {
  const { prisma } = await import("../lib/platform/db/client");
  const { startRun, performStepAction } = await import("../lib/runs/service");
  const { sweepNotifications, processAuditEvents } = await import("../lib/notifications/service");
  const admin = await prisma.user.findFirstOrThrow({ where: { role: "ADMIN", deactivatedAt: null } });
  const actor = { id: admin.id, name: admin.name, role: "ADMIN" as const };
  const project = await prisma.project.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  for (let i = 0; i < options.startRehearsals; i++) await startRun({ actor, projectId: project.id, input: { kind: "REHEARSAL", name: `Notification bench ${i + 1}` } });

  const active = await prisma.run.findMany({ where: { status: "ACTIVE" }, select: { id: true, kind: true, _count: { select: { stepRuns: true } } } });
  // Catch up first: what is due the first time is created once, not measured.
  await processAuditEvents();
  await sweepNotifications();

  const sweeps: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await sweepNotifications();
    sweeps.push(performance.now() - started);
  }

  // The rehearsal with the most steps left to start (the sign-off levels used up the others').
  const startableWhere = { runId: { in: active.filter((r) => r.kind === "REHEARSAL").map((r) => r.id) }, status: "PENDING" as const, kind: "TASK" as const, predecessorIds: "[]" };
  const [fullest] = await prisma.stepRun.groupBy({ by: ["runId"], where: startableWhere, _count: { _all: true }, orderBy: { _count: { runId: "desc" } }, take: 1 });
  if (!fullest) throw new Error("No active rehearsal run with a step to start.");
  const rehearsal = { id: fullest.runId };
  const startable = await prisma.stepRun.findMany({ where: { ...startableWhere, runId: rehearsal.id }, select: { stepId: true }, take: REPEATS });
  if (startable.length < REPEATS) throw new Error(`Only ${startable.length} startable steps in run ${rehearsal.id}.`);
  const follows: number[] = [];
  for (const { stepId } of startable) {
    await performStepAction({ actor, runId: rehearsal.id, stepId, input: { action: "start", note: "", reason: "" } });
    const started = performance.now();
    await processAuditEvents();
    follows.push(performance.now() - started);
  }

  // Sign-offs (step starts, the same path) one after another, alone and while sweeps run back
  // to back: what an operator waits while the sweep visits every active run.
  const runs = active.filter((r) => r.kind === "REHEARSAL").map((r) => r.id);
  const toStart = await prisma.stepRun.findMany({ where: { ...startableWhere, runId: { in: runs } }, select: { runId: true, stepId: true }, take: 5 * SIGNOFFS_PER_HALF });
  if (toStart.length < 5 * SIGNOFFS_PER_HALF) throw new Error(`Only ${toStart.length} startable steps for the sign-offs during sweeps.`);
  const startOne = async () => {
    // Sign-offs arrive as requests do, a few ms apart, each on a later turn of the event loop, and
    // are timed from when they arrive: the wait for a thread that is busy with a sweep counts.
    const arrives = performance.now() + SIGNOFF_GAP_MS;
    await new Promise((resolve) => setTimeout(resolve, SIGNOFF_GAP_MS));
    const { runId, stepId } = toStart.pop()!;
    await performStepAction({ actor, runId, stepId, input: { action: "start", note: "", reason: "" } });
    return performance.now() - arrives;
  };
  const idle: number[] = [];
  while (idle.length < SIGNOFFS_PER_HALF) idle.push(await startOne());
  const duringSweeps: number[] = [];
  let sweeping: Promise<void> | null = null;
  let sweepsRun = 0;
  while (duringSweeps.length < SIGNOFFS_PER_HALF || sweepsRun < MIN_SWEEPS) {
    sweeping ??= sweepNotifications().finally(() => {
      sweeping = null;
      sweepsRun++;
    });
    duringSweeps.push(await startOne());
  }
  await sweeping;

  const sweepMs = median(sweeps);
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  return {
    activeRuns: active.length,
    stepsPerRun: Math.max(...active.map((r) => r._count.stepRuns)),
    sweepMs: round1(sweepMs),
    sweepMsPerRun: round1(sweepMs / active.length),
    followPassMs: round1(median(follows)),
    signoffDuringSweep: {
      signoffs: duringSweeps.length,
      sweeps: sweepsRun,
      idleP95: round1(percentile(sorted(idle), 95)),
      p95: round1(percentile(sorted(duringSweeps), 95)),
      maxMs: round1(Math.max(...duringSweeps)),
    },
  };
}

/** From bench/run.ts: measures on `databasePath` (its server stopped) in a child process; null on failure. */
export function measureNotificationPassesInChild(options: { databasePath: string; startRehearsals?: number; log: (message: string) => void }): NotificationPassesResult | null {
  const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", fileURLToPath(import.meta.url)], {
    cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), ".."),
    env: { ...process.env, DATABASE_URL: `file:${options.databasePath}`, RUNSHEET_SEED: "none", NODE_ENV: "production", BENCH_NOTIFICATION_CHILD: String(options.startRehearsals ?? 0) },
    encoding: "utf8",
    timeout: 300_000,
  });
  if (child.status !== 0) {
    options.log(`Notification passes: not measured (exit ${child.status}): ${child.stderr.slice(-2000)}`);
    return null;
  }
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as NotificationPassesResult;
}

export function describeNotificationPasses(r: NotificationPassesResult): string {
  const d = r.signoffDuringSweep;
  return `sweep of ${r.activeRuns} active runs (${r.stepsPerRun} steps) ${r.sweepMs} ms (${r.sweepMsPerRun} ms a run); follow pass after a sign-off ${r.followPassMs} ms; sign-off p95 during ${d.sweeps} sweeps ${d.p95} ms (max ${d.maxMs}) against ${d.idleP95} ms alone`;
}

async function main() {
  if (process.env.BENCH_NOTIFICATION_CHILD !== undefined) {
    const result = await measureHere({ startRehearsals: Number(process.env.BENCH_NOTIFICATION_CHILD) });
    console.log(JSON.stringify(result));
    process.exit(0);
  }
  // Standalone: seed, measure in a child, merge into bench/results.json.
  const { seed } = await import("./lib/server");
  const log = (message: string) => console.log(`[bench-notifications ${new Date().toISOString().slice(11, 19)}] ${message}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-notify-"));
  try {
    const databasePath = path.join(tmp, "bench.db");
    log("Seeding 300 steps, 500 clients, 10 operators …");
    seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "500", "--operators", "10", "--progress", "80"] });
    const result = measureNotificationPassesInChild({ databasePath, startRehearsals: STANDALONE_REHEARSALS, log });
    if (!result) process.exit(1);
    log(describeNotificationPasses(result));
    log(`Wrote notificationPasses into ${mergeIntoResults("notificationPasses", result)}.`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, main);
