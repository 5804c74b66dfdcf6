/**
 * The sign-off levels of `npm run bench` alone, for profiling: the same seed, server and load as
 * bench/run.ts, without the pages, PDFs, fan-out and PostgreSQL parts. Prints a line per level
 * and the server's CPU while idle (what a background loop would cost every request).
 *
 *   npx tsx bench/signoff.ts                 (builds .next-bench when there is no build)
 *   BENCH_CPU_PROF=1 npx tsx bench/signoff.ts    V8 CPU profiles in bench/.tmp/profiles (sign-offs only, no floor)
 *   BENCH_LEVELS=50 BENCH_SCALE=2            other levels, more requests per level
 *   BENCH_DATABASE=postgres                  one instance on PostgreSQL (a throw-away server, the same seed copied in)
 *   BENCH_DATABASE=postgres BENCH_INSTANCES=2    two instances on it, half the operators on each (no floor)
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { applyPostgresMigrations } from "../lib/platform/db/migrate-postgres";
import { createPostgresPool } from "../lib/platform/db/postgres-pool";
import { copySqliteToPostgres } from "../tests/unit/helpers/copy-to-postgres";
import { startPostgres, type PostgresServer } from "../tests/unit/helpers/postgres-server";
import { cpuTimeMs, ensureBuild, repoRoot, seed, startServer } from "./lib/server";
import { percentile, postJson, round1, signIn } from "./lib/http";
import { load } from "./lib/load";

const log = (message: string) => console.log(`[signoff ${new Date().toISOString().slice(11, 19)}] ${message}`);
const LEVELS = (process.env.BENCH_LEVELS ?? "1,10,50").split(",").map(Number);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const amountFor = (c: number) => Math.round((c === 1 ? 200 : c <= 10 ? 500 : 1000) * SCALE);
const WARMUP = 40;

async function main() {
  ensureBuild();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-signoff-"));
  const databasePath = path.join(tmp, "bench.db");
  const seeded = seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "5000", "--operators", "50", "--progress", "80"] });
  log(`Seeded in ${(seeded.ms / 1000).toFixed(1)} s.`);
  const profileDir = path.join(repoRoot, "bench", ".tmp", "profiles");
  const profiling = process.env.BENCH_CPU_PROF === "1";
  const nodeArgs = profiling ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  let postgres: PostgresServer | null = null;
  const env: Record<string, string> = { RUNSHEET_BENCH: "1" };
  if (process.env.BENCH_DATABASE === "postgres") {
    postgres = await startPostgres();
    const url = await postgres.createDatabase("runsheet_signoff");
    await applyPostgresMigrations({ connectionString: url });
    const pool = createPostgresPool({ connectionString: url });
    const source = new Database(databasePath, { readonly: true });
    try {
      await copySqliteToPostgres(source, pool);
    } finally {
      source.close();
      await pool.end();
    }
    Object.assign(env, { DATABASE_URL: url, RUNSHEET_DATA_DIR: tmp });
    log("On PostgreSQL: the seed copied in.");
  }
  const instances = postgres && process.env.BENCH_INSTANCES === "2" ? 2 : 1;
  const servers = await Promise.all(Array.from({ length: instances }, () => startServer({ databasePath, env, nodeArgs })));
  const server = servers[0];
  try {
    const adminCookie = await signIn(server.baseUrl, seeded.admin.email, seeded.password);
    const cookies: string[] = [];
    for (const op of seeded.operators) cookies.push(await signIn(server.baseUrl, op.email, seeded.password));
    const needed = WARMUP * 2 + LEVELS.reduce((sum, c) => sum + amountFor(c) + c, 0) + 100;
    const pairs: { runId: string; stepId: string }[] = [];
    for (let i = 0; pairs.length < needed; i++) {
      const response = await postJson(server.baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `Sign-off bench ${i + 1}` });
      if (response.status !== 200) throw new Error(`creating a run failed: ${response.status} ${response.text}`);
      const runId = (response.body as { id: string }).id;
      pairs.push(...seeded.signableStepIds.map((stepId) => ({ runId, stepId })));
    }
    const serverPid = server.pid;
    await load(server.baseUrl, { kind: "signoff", connections: 5, amount: WARMUP, pairs, cookies, serverPid });
    await load(server.baseUrl, { kind: "floor", connections: 5, amount: 100, pairs, cookies, serverPid });

    // Idle CPU: a loop that runs whether or not anyone signs off is paid by every request.
    const idleBefore = cpuTimeMs(serverPid);
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a measuring window, not a wait for a condition
    const idleCpu = cpuTimeMs(serverPid);
    if (idleBefore !== null && idleCpu !== null) log(`idle: ${round1(((idleCpu - idleBefore) / (performance.now() - idleStarted)) * 1000)} CPU-ms per second`);

    for (const c of LEVELS) {
      if (instances === 2) {
        // As bench/postgres-app.ts: c operators in all, half on each instance (one at c1).
        const parts = c === 1 ? [{ server: servers[0], from: 0, to: 1 }] : [{ server: servers[0], from: 0, to: Math.ceil(c / 2) }, { server: servers[1], from: Math.ceil(c / 2), to: c }];
        const outcomes = await Promise.all(
          parts.map((part) => load(part.server.baseUrl, { kind: "signoff", connections: part.to - part.from, amount: Math.round((amountFor(c) * (part.to - part.from)) / c), pairs, cookies: cookies.slice(part.from, part.to), serverPid: part.server.pid })),
        );
        const latencies = outcomes.flatMap((o) => o.latencies).sort((x, y) => x - y);
        const wallMs = Math.max(...outcomes.map((o) => o.wallMs));
        const cpu = outcomes.map((o) => o.cpuMsPerRequest).join(" / ");
        log(`c${c}, two instances: sign-off p50 ${round1(percentile(latencies, 50))} p95 ${round1(percentile(latencies, 95))} ms, ${round1((latencies.length / wallMs) * 1000)} req/s, ${cpu} CPU-ms/req, non-2xx ${outcomes.reduce((sum, o) => sum + o.non2xx, 0)}`);
        continue;
      }
      const s = await load(server.baseUrl, { kind: "signoff", connections: c, amount: amountFor(c), pairs, cookies: cookies.slice(0, c), serverPid });
      const signoffLine = `c${c}: sign-off p50 ${s.stats.p50} p95 ${s.stats.p95} ms, ${s.stats.rps} req/s, ${s.cpuMsPerRequest} CPU-ms/req, non-2xx ${s.non2xx}`;
      // Profiling: sign-offs only, so the profile's last seconds (wallMs) are theirs alone.
      if (profiling) {
        log(`${signoffLine} | ${Math.round(s.wallMs)} ms of load`);
        continue;
      }
      const f = await load(server.baseUrl, { kind: "floor", connections: c, amount: amountFor(c), pairs, cookies: cookies.slice(0, c), serverPid });
      log(`${signoffLine} | floor p50 ${f.stats.p50} p95 ${f.stats.p95} ms, ${f.stats.rps} req/s, ${f.cpuMsPerRequest} CPU-ms/req | ratio ${round1(s.stats.p95 / f.stats.p95)}`);
    }
  } finally {
    for (const each of servers) await each.stop();
    await postgres?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (nodeArgs.length > 0) log(`CPU profiles: ${profileDir}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
