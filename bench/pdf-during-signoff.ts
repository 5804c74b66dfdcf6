/**
 * Issue 16: does a PDF export stall sign-offs? Sign-offs arrive evenly (one every PACE_MS, open
 * loop, one at a time as an operator ticks them) first with the server otherwise idle, then while
 * EXPORTERS clients export the live run's PDF back to back, in the same run of the same server.
 * Goal: the p95 during the exports under 2× the idle p95.
 *
 * Called by bench/run.ts (section `signoffDuringPdf` of bench/results.json). Also runs alone:
 *
 *   tsx bench/pdf-during-signoff.ts     (BENCH_SKIP_BUILD=1 reuses the build; see bench/run.ts)
 *
 * BENCH_CPU_PROF=1 writes a V8 CPU profile of the server into bench/.tmp/profiles: its main
 * thread's samples show what a sign-off waited behind.
 *
 * which builds or reuses the benchmark build, seeds the benchmark's project, measures only this
 * and merges the section into bench/results.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile, postJson, round1, signIn, signOff } from "./lib/http";
import { mergeIntoResults, runIfMain } from "./lib/results";
import { build, distDir, hasBuild, repoRoot, seed, startServer } from "./lib/server";

/** Clients exporting the PDF continuously during the second half. */
export const EXPORTERS = 5;
/**
 * Sign-offs per half. A p95 of 80 was the 4th slowest sign-off, and one 30 s notification sweep
 * landing in a half moved it (idle p95 from 14 to 38 ms between two runs of the same build); of
 * 200 it is the 10th.
 */
export const SIGNOFFS_PER_PHASE = 200;
/** One sign-off every PACE_MS: 200 × 100 ms = 20 s per half, several PDF renders' worth. */
const PACE_MS = 100;
/** Fresh (run, step) pairs the measurement uses up. */
export const SIGNOFF_DURING_PDF_PAIRS = 2 * SIGNOFFS_PER_PHASE;

export interface SignoffDuringPdf {
  /** Sign-off p95 while EXPORTERS clients export the PDF (ms). */
  p95: number;
  /** Sign-off p95 with no export running, same server, same run (ms). */
  idleP95: number;
  /** p95 ÷ idleP95; the goal is < 2. */
  ratio: number;
  p50: number;
  idleP50: number;
  max: number;
  exporters: number;
  signoffs: number;
  signoffNon2xx: number;
  /** Exports that finished during (and just after) the measurement, by HTTP status. */
  pdfStatusCounts: Record<string, number>;
  /** Median time of a 200 export while 5 were asked for at once (ms). */
  pdfP50Ms: number | null;
}

type Pair = { runId: string; stepId: string };

/** Paced sign-offs (open loop); latencies sorted. */
async function pacedSignoffs(baseUrl: string, pairs: Pair[], cookies: string[], count: number) {
  const latencies: number[] = [];
  let non2xx = 0;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + i * PACE_MS;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now())); // pacing
    const pair = pairs.shift();
    if (!pair) throw new Error("Ran out of fresh steps to sign off; create more runs.");
    const sentAt = performance.now();
    inFlight.push(
      signOff(baseUrl, cookies[i % cookies.length], pair.runId, pair.stepId, 120_000).then(
        (response) => {
          latencies.push(performance.now() - sentAt);
          if (response.status < 200 || response.status > 299) non2xx++;
        },
        () => {
          latencies.push(performance.now() - sentAt);
          non2xx++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latencies: latencies.sort((a, b) => a - b), non2xx };
}

/**
 * Measures idle first, then with the exports running. `pairs` is used up from the front (as in
 * bench/run.ts); `exportCookies` are the people exporting (round-robin over EXPORTERS clients).
 */
export async function measureSignoffDuringPdf(options: { baseUrl: string; pdfRunId: string; pairs: Pair[]; signoffCookies: string[]; exportCookies: string[] }): Promise<SignoffDuringPdf> {
  const { baseUrl, pairs, signoffCookies } = options;
  const idle = await pacedSignoffs(baseUrl, pairs, signoffCookies, SIGNOFFS_PER_PHASE);

  let exporting = true;
  const pdfStatusCounts: Record<string, number> = {};
  const pdfMs: number[] = [];
  const exporter = async (cookie: string) => {
    while (exporting) {
      const started = performance.now();
      try {
        const response = await fetch(`${baseUrl}/api/runs/${options.pdfRunId}/export/pdf`, { headers: { cookie }, signal: AbortSignal.timeout(180_000) });
        await response.arrayBuffer();
        pdfStatusCounts[response.status] = (pdfStatusCounts[response.status] ?? 0) + 1;
        if (response.status === 200) pdfMs.push(performance.now() - started);
        // A 503 says to come back later; a real client would, so this one does too (and stops
        // asking at once rather than spinning).
        else if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, 1000));
      } catch {
        pdfStatusCounts.error = (pdfStatusCounts.error ?? 0) + 1;
      }
    }
  };
  const exporters = Array.from({ length: EXPORTERS }, (_, i) => exporter(options.exportCookies[i % options.exportCookies.length]));
  let during;
  try {
    during = await pacedSignoffs(baseUrl, pairs, signoffCookies, SIGNOFFS_PER_PHASE);
  } finally {
    // Exports already asked for run to their end, so nothing is left rendering for the next section.
    exporting = false;
    await Promise.all(exporters);
  }

  const idleP95 = round1(percentile(idle.latencies, 95));
  const p95 = round1(percentile(during.latencies, 95));
  pdfMs.sort((a, b) => a - b);
  return {
    p95,
    idleP95,
    ratio: round1(p95 / idleP95),
    p50: round1(percentile(during.latencies, 50)),
    idleP50: round1(percentile(idle.latencies, 50)),
    max: round1(during.latencies[during.latencies.length - 1]),
    exporters: EXPORTERS,
    signoffs: SIGNOFFS_PER_PHASE,
    signoffNon2xx: idle.non2xx + during.non2xx,
    pdfStatusCounts,
    pdfP50Ms: pdfMs.length ? round1(percentile(pdfMs, 50)) : null,
  };
}

export function describeSignoffDuringPdf(r: SignoffDuringPdf): string {
  return `sign-off p95 idle ${r.idleP95} ms, during ${r.exporters} PDF exports ${r.p95} ms (${r.ratio}×; p50 ${r.idleP50} → ${r.p50} ms, max ${r.max} ms, non-2xx ${r.signoffNon2xx}); PDFs ${JSON.stringify(r.pdfStatusCounts)}, median ${r.pdfP50Ms} ms each`;
}

/** Standalone: build or reuse, seed the benchmark's project, measure, merge into results.json. */
async function main() {
  const log = (message: string) => console.log(`[bench-pdf ${new Date().toISOString().slice(11, 19)}] ${message}`);
  if (!(process.env.BENCH_SKIP_BUILD === "1" && hasBuild())) {
    log(`Building into ${distDir()} …`);
    build();
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-pdf-"));
  const databasePath = path.join(tmp, "bench.db");
  try {
    log("Seeding 300 steps, 5,000 clients, 50 operators …");
    const seeded = seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "5000", "--operators", "50", "--progress", "80"] });
    const profileDir = path.join(repoRoot, "bench", ".tmp", "profiles");
    const nodeArgs = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
    const server = await startServer({ databasePath, env: { RUNSHEET_BENCH: "1" }, nodeArgs });
    if (nodeArgs.length > 0) log(`CPU profile: ${profileDir}`);
    try {
      const { baseUrl } = server;
      const adminCookie = await signIn(baseUrl, seeded.admin.email, seeded.password);
      const cookies: string[] = [];
      for (const op of seeded.operators.slice(0, 10)) cookies.push(await signIn(baseUrl, op.email, seeded.password));
      const pairs: Pair[] = [];
      while (pairs.length < SIGNOFF_DURING_PDF_PAIRS + 40) {
        const response = await postJson(baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `PDF bench ${pairs.length}` });
        if (response.status !== 200) throw new Error(`creating a run failed: ${response.status} ${response.text}`);
        const runId = (response.body as { id: string }).id;
        pairs.push(...seeded.signableStepIds.map((stepId) => ({ runId, stepId })));
      }
      // Warm-up, not measured: JIT, prepared statements, the route modules, one PDF.
      for (let i = 0; i < 40; i++) {
        const pair = pairs.shift()!;
        await signOff(baseUrl, cookies[i % cookies.length], pair.runId, pair.stepId);
      }
      const warm = await fetch(`${baseUrl}/api/runs/${seeded.liveRunId}/export/pdf`, { headers: { cookie: adminCookie } });
      await warm.arrayBuffer();
      log(`Warm-up PDF: HTTP ${warm.status}.`);
      const result = await measureSignoffDuringPdf({ baseUrl, pdfRunId: seeded.liveRunId!, pairs, signoffCookies: cookies.slice(0, 5), exportCookies: [adminCookie, ...cookies.slice(5)] });
      log(describeSignoffDuringPdf(result));
      log(`Wrote signoffDuringPdf into ${mergeIntoResults("signoffDuringPdf", result)}. Goal p95 < 2× idle: ${result.ratio < 2 ? "PASS" : "FAIL"} (${result.ratio}×).`);
    } catch (error) {
      console.error(server.output().slice(-5000));
      throw error;
    } finally {
      await server.stop();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, main);
