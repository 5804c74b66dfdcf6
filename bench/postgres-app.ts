/**
 * Issue 16: the sign-off levels on PostgreSQL with two app instances, against the same seed the
 * SQLite measurement starts from (copied row for row into a throw-away PostgreSQL server on
 * loopback). Both instances share one data folder, as behind a load balancer; at concurrency c,
 * c/2 operators send to each (c1: one instance). Everything runs on this machine: the two
 * instances, PostgreSQL and the load generator share its cores, as SQLite's one instance and the
 * load generator do in the main measurement.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { applyPostgresMigrations } from "../lib/platform/db/migrate-postgres";
import { createPostgresPool } from "../lib/platform/db/postgres-pool";
import { copySqliteToPostgres } from "../tests/unit/helpers/copy-to-postgres";
import { findPostgresBin, startPostgres } from "../tests/unit/helpers/postgres-server";
import { percentile, postJson, round1, signIn } from "./lib/http";
import { startServer, type SeedResult, type ServerHandle } from "./lib/server";

export interface LevelStats {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
}

/** One load run against one instance (bench/run.ts `load`), with its raw latencies. */
export type LoadOne = (options: { baseUrl: string; serverPid: number; connections: number; amount: number; pairs: { runId: string; stepId: string }[]; cookies: string[] }) => Promise<{
  latencies: number[];
  non2xx: number;
  statusCounts: Record<string, number>;
  /** From the first request to the last response. */
  wallMs: number;
  cpuMsPerRequest: number | null;
}>;

export interface PostgresAppResult {
  instances: 2;
  signoff: Record<"c1" | "c10" | "c50", LevelStats>;
  cpuMsPerSignoff: Record<"c1" | "c10" | "c50", number | null>;
  non2xx: number;
  /** PostgreSQL with two instances over SQLite with one, sign-off p95 at the same level. */
  ratioToSqlite: Record<"c1" | "c10" | "c50", number>;
}

export async function measurePostgresApp(options: {
  sourceDatabasePath: string;
  seeded: SeedResult;
  sqliteSignoff: Record<"c1" | "c10" | "c50", LevelStats>;
  amount: Record<1 | 10 | 50, number>;
  warmup: number;
  load: LoadOne;
  log: (message: string) => void;
}): Promise<PostgresAppResult | null> {
  const { seeded, log } = options;
  try {
    findPostgresBin();
  } catch (error) {
    log(`PostgreSQL app level: not measured (${(error as Error).message})`);
    return null;
  }
  const postgres = await startPostgres();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-pg-data-"));
  const servers: ServerHandle[] = [];
  try {
    const url = await postgres.createDatabase("runsheet_bench");
    await applyPostgresMigrations({ connectionString: url });
    const pool = createPostgresPool({ connectionString: url });
    const source = new Database(options.sourceDatabasePath, { readonly: true });
    const copyStarted = performance.now();
    try {
      const copied = await copySqliteToPostgres(source, pool);
      log(`PostgreSQL: copied the seed (${copied.rows} rows in ${copied.tables} tables) in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s.`);
    } finally {
      source.close();
      await pool.end();
    }
    const env = { DATABASE_URL: url, RUNSHEET_DATA_DIR: dataDir, RUNSHEET_BENCH: "1" };
    const [a, b] = await Promise.all([startServer({ databasePath: "unused", env }), startServer({ databasePath: "unused", env })]);
    servers.push(a, b);
    log(`PostgreSQL: two instances, ${a.baseUrl} (pid ${a.pid}) and ${b.baseUrl} (pid ${b.pid}).`);

    const adminCookie = await signIn(a.baseUrl, seeded.admin.email, seeded.password);
    const cookies: string[] = [];
    for (const op of seeded.operators) cookies.push(await signIn(a.baseUrl, op.email, seeded.password));
    const needed = options.warmup * 2 + options.amount[1] + options.amount[10] + options.amount[50] + 200;
    const runCount = Math.ceil(needed / seeded.signableStepIds.length);
    const pairs: { runId: string; stepId: string }[] = [];
    for (let i = 0; i < runCount; i++) {
      const response = await postJson(a.baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `Bench rehearsal on PostgreSQL ${i + 1}` });
      if (response.status !== 200) throw new Error(`creating a run on PostgreSQL failed: ${response.status} ${response.text}`);
      const runId = (response.body as { id: string }).id;
      for (const stepId of seeded.signableStepIds) pairs.push({ runId, stepId });
    }

    const both = async (connections: number, amount: number) => {
      // c operators in all: half on each instance (one instance at c1).
      const split = connections === 1 ? [{ server: a, connections: 1, amount, cookies: cookies.slice(0, 1) }] : [
        { server: a, connections: Math.ceil(connections / 2), amount: Math.ceil(amount / 2), cookies: cookies.slice(0, Math.ceil(connections / 2)) },
        { server: b, connections: Math.floor(connections / 2), amount: Math.floor(amount / 2), cookies: cookies.slice(Math.ceil(connections / 2), connections) },
      ];
      const outcomes = await Promise.all(split.map((part) => options.load({ baseUrl: part.server.baseUrl, serverPid: part.server.pid, connections: part.connections, amount: part.amount, pairs, cookies: part.cookies })));
      const latencies = outcomes.flatMap((o) => o.latencies).sort((x, y) => x - y);
      const cpu = outcomes.every((o) => o.cpuMsPerRequest !== null) ? round1(outcomes.reduce((sum, o) => sum + o.cpuMsPerRequest! * o.latencies.length, 0) / latencies.length) : null;
      // Both loads start together; the level lasts until the later one's last response.
      const wallMs = Math.max(...outcomes.map((o) => o.wallMs));
      return { latencies, non2xx: outcomes.reduce((sum, o) => sum + o.non2xx, 0), statusCounts: outcomes.map((o) => o.statusCounts), cpu, wallMs };
    };

    await both(10, options.warmup * 2);
    const signoff = {} as PostgresAppResult["signoff"];
    const cpuMsPerSignoff = {} as PostgresAppResult["cpuMsPerSignoff"];
    const ratioToSqlite = {} as PostgresAppResult["ratioToSqlite"];
    let non2xx = 0;
    for (const c of [1, 10, 50] as const) {
      const outcome = await both(c, options.amount[c]);
      const l = outcome.latencies;
      signoff[`c${c}`] = { p50: round1(percentile(l, 50)), p95: round1(percentile(l, 95)), p99: round1(percentile(l, 99)), rps: round1((l.length / outcome.wallMs) * 1000) };
      cpuMsPerSignoff[`c${c}`] = outcome.cpu;
      ratioToSqlite[`c${c}`] = round1(signoff[`c${c}`].p95 / options.sqliteSignoff[`c${c}`].p95);
      non2xx += outcome.non2xx;
      log(`PostgreSQL, two instances, c${c}: sign-off p95 ${signoff[`c${c}`].p95} ms, ${signoff[`c${c}`].rps} req/s, ${outcome.cpu} CPU-ms/req, non-2xx ${outcome.non2xx}${outcome.non2xx ? " " + JSON.stringify(outcome.statusCounts) : ""} | ${ratioToSqlite[`c${c}`]}× SQLite's p95`);
    }
    return { instances: 2, signoff, cpuMsPerSignoff, non2xx, ratioToSqlite };
  } finally {
    for (const server of servers) await server.stop();
    await postgres.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
