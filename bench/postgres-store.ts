/**
 * The sign-off transaction's database work on SQLite and on PostgreSQL, store level: the
 * statements performStepAction runs (idempotency lookup, load the step run, its blocking steps,
 * the conditional update, the audit append, run progress, remember the result) through
 * lib/runs/step-store.ts, in this process, without HTTP, auth or rendering. SQLite runs them as the
 * app does, one synchronous BEGIN IMMEDIATE transaction; PostgreSQL through runPgTransaction on a
 * pool of 10 connections to a throw-away server on loopback (fsync off: it measures round trips
 * and locking, not the disk).
 *
 * It answers one planning question before the app runs on PostgreSQL (README, "PostgreSQL"): is
 * the database layer fast enough that two app instances on PostgreSQL can stay within 2x of SQLite
 * at 50 operators? The app-level numbers (`postgres.ratioToSqlite.c50`) come once it does.
 *
 * Alone: `node --conditions=react-server --import tsx bench/postgres-store.ts` (prints JSON last).
 * bench/run.ts runs it that way and stores the result as `postgresStore`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqlitePrisma } from "../lib/generated/prisma/client";
import { PrismaClient as PostgresPrisma } from "../lib/generated/prisma-postgres/client";
import { applyMigrations } from "../lib/platform/db/migrate";
import { applyPostgresMigrations } from "../lib/platform/db/migrate-postgres";
import { createPostgresPool } from "../lib/platform/db/postgres-pool";
import { runPgTransaction } from "../lib/platform/db/transaction-postgres";
import type { StepFlow } from "../lib/runs/step-flow";
import { startPostgres } from "../tests/unit/helpers/postgres-server";

/**
 * The step store reaches the auth and audit modules, which open the process's SQLite client
 * (DATABASE_URL) on import: they are loaded only once DATABASE_URL points at the bench's own
 * file, never at ./data.
 */
async function loadStores(databaseFile: string) {
  process.env.DATABASE_URL = `file:${databaseFile}`;
  const [{ postgresStepStore, sqliteStepStore }, { runStepFlowAsync, runStepFlowSync, use }, { onAuditCommitted }] = await Promise.all([
    import("../lib/runs/step-store"),
    import("../lib/runs/step-flow"),
    import("../lib/platform/db/commits"),
  ]);
  // The audit module signs the chain of the process's one database (here the SQLite file); this
  // bench appends to a second chain on PostgreSQL in the same process, which it must not sign.
  onAuditCommitted("audit-checkpoints", () => undefined);
  return { postgresStepStore, sqliteStepStore, runStepFlowAsync, runStepFlowSync, use };
}

const LEVELS = [1, 10, 50] as const;
const PER_LEVEL = { 1: 300, 10: 1000, 50: 2000 } as const;
const WARMUP = 100;
const STEPS = WARMUP * 2 + Object.values(PER_LEVEL).reduce((a, b) => a + b, 0) * 2;

export interface StoreLevel {
  p50: number;
  p95: number;
  opsPerSecond: number;
}
export interface PostgresStoreResult {
  sqlite: Record<`c${(typeof LEVELS)[number]}`, StoreLevel>;
  postgres: Record<`c${(typeof LEVELS)[number]}`, StoreLevel>;
  /** PostgreSQL's p95 over SQLite's, and SQLite's throughput over PostgreSQL's, at 50 concurrent. */
  ratioP95c50: number;
  ratioThroughputC50: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** Runs of the benchmark plan's size (300 steps), as many as the sign-offs need. */
const STEPS_PER_RUN = 300;
const runOf = (n: number) => `run-${Math.floor(n / STEPS_PER_RUN)}`;

async function seed(prisma: SqlitePrisma) {
  const t0 = new Date("2026-12-05T21:00:00.000Z");
  const windowEnd = new Date(t0.getTime() + 8 * 3600_000);
  await prisma.user.create({ data: { id: "u-op", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
  await prisma.project.create({ data: { id: "p-1", name: "Bench", sourceHost: "a", targetHost: "b", timezone: "UTC", windowStart: t0, windowEnd, status: "LIVE" } });
  for (let r = 0; r * STEPS_PER_RUN < STEPS; r++) {
    const runId = `run-${r}`;
    await prisma.run.create({ data: { id: runId, projectId: "p-1", kind: "REHEARSAL", name: `Bench ${r}`, windowStart: t0, windowEnd, startedAt: t0 } });
    await prisma.runPhase.create({ data: { id: `${runId}-ph`, runId, phaseId: "phase-1", position: 1, title: "Move" } });
    // Each step waits for the one before it in its chain of ten, as plans do. Steps are signed off
    // in order, so a step's predecessor is done by then and the blocked-step read finds real rows.
    await prisma.stepRun.createMany({
      data: Array.from({ length: STEPS_PER_RUN }, (_, i) => {
        const n = r * STEPS_PER_RUN + i;
        return { id: `sr-${n}`, runId, stepId: `s-${n}`, runPhaseId: `${runId}-ph`, position: i, title: `Step ${n}`, plannedMinutes: 5, predecessorIds: JSON.stringify(n % 10 === 0 ? [] : [`s-${n - 1}`]) };
      }),
    });
  }
}

/**
 * The sign-off's statements, as performStepAction's flow issues them (the rules in between are
 * pure and left out), written once and run by each database's runner (lib/runs/step-flow.ts).
 */
function signOffFlow(use: Awaited<ReturnType<typeof loadStores>>["use"], n: number): () => StepFlow<void> {
  return function* () {
    const key = `bench-${n}`;
    if (yield* use((store) => store.replayIfSeen(key, "u-op"))) return;
    const current = yield* use((store) => store.loadStepRun(runOf(n), `s-${n}`));
    yield* use((store) => store.loadBlockingSteps(current));
    const now = new Date();
    const next = { ...current, status: "DONE" as const, startedAt: now, finishedAt: now, signedOffById: "u-op", signedOffByName: "Olivia Chen", signedOffAt: now, startedById: "u-op", startedByName: "Olivia Chen" };
    const after = yield* use((store) => store.updateStepRun(current, next));
    if (!after) throw new Error(`step ${n} changed under the bench`);
    yield* use((store) => store.appendAuditEvent({ actor: { id: "u-op", name: "Olivia Chen" }, projectId: "p-1", runId: current.runId, action: "step.done", entityType: "step_run", entityId: current.id, before: { status: "PENDING" }, after: { status: "DONE" } }));
    yield* use((store) => store.loadRunProgress(current.runId));
    yield* use((store) => store.rememberResult({ key, userId: "u-op", runId: current.runId, result: { stepId: current.stepId, status: "DONE", version: after.version } }));
  };
}

/** `amount` sign-offs, `concurrency` at a time (closed loop), each on the next fresh step. */
async function level(run: (n: number) => Promise<void>, next: () => number, concurrency: number, amount: number): Promise<StoreLevel> {
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < amount) {
        issued++;
        const n = next();
        const t = performance.now();
        await run(n);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { p50: round1(percentile(latencies, 50)), p95: round1(percentile(latencies, 95)), opsPerSecond: Math.round((amount / wall) * 1000) };
}

export async function measurePostgresStore(log: (message: string) => void = (m) => console.error(`[bench postgres-store] ${m}`)): Promise<PostgresStoreResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-store-"));
  const file = path.join(dir, "bench.db");
  applyMigrations({ databasePath: file });
  const sqlitePrisma = new SqlitePrisma({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  const server = await startPostgres();
  try {
    const url = await server.createDatabase("bench");
    await applyPostgresMigrations({ connectionString: url });
    const postgresPrisma = new PostgresPrisma({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as SqlitePrisma;
    log(`seeding ${STEPS} steps on each database`);
    await seed(sqlitePrisma);
    await seed(postgresPrisma);
    await sqlitePrisma.$disconnect();
    await postgresPrisma.$disconnect();

    const { postgresStepStore, sqliteStepStore, runStepFlowAsync, runStepFlowSync, use } = await loadStores(file);
    const db = new Database(file, { timeout: 0 });
    db.pragma("foreign_keys = ON");
    // As in the app: on SQLite the whole flow runs synchronously inside BEGIN IMMEDIATE.
    const sqliteRun = async (n: number) => {
      db.transaction(() => {
        const tx = { db, touchedProjects: new Set<string>() };
        runStepFlowSync(signOffFlow(use, n)(), sqliteStepStore(tx), tx);
      }).immediate();
    };
    const pool = createPostgresPool({ connectionString: url, max: 10 });
    const postgresRun = (n: number) => runPgTransaction(pool, (tx) => runStepFlowAsync(signOffFlow(use, n)(), postgresStepStore(tx), tx));

    const result = { sqlite: {}, postgres: {} } as PostgresStoreResult;
    for (const [name, run] of [["sqlite", sqliteRun], ["postgres", postgresRun]] as const) {
      let cursor = 0;
      const next = () => cursor++;
      await level(run, next, 10, WARMUP);
      for (const c of LEVELS) {
        const measured = await level(run, next, c, PER_LEVEL[c]);
        result[name][`c${c}`] = measured;
        log(`${name} c${c}: p50 ${measured.p50} ms, p95 ${measured.p95} ms, ${measured.opsPerSecond}/s`);
      }
    }
    result.ratioP95c50 = round1(result.postgres.c50.p95 / result.sqlite.c50.p95);
    result.ratioThroughputC50 = round1(result.sqlite.c50.opsPerSecond / result.postgres.c50.opsPerSecond);
    db.close();
    await pool.end();
    return result;
  } finally {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename ?? "")) {
  measurePostgresStore()
    .then((result) => console.log(JSON.stringify(result)))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
