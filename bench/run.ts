/**
 * `npm run bench`: builds the production app into .next-bench, serves it on a temporary SQLite
 * file seeded with a large project (bench/seed-large.ts) and measures what issue 7 asks for.
 * Writes bench/results.json and prints a table with the goals.
 *
 * Environment:
 *   BENCH_SKIP_BUILD=1      reuse the existing build in .next-bench (or RUNSHEET_BENCH_DIST_DIR)
 *   BENCH_CPU_PROF=1        run next start with --cpu-prof; profiles go to bench/.tmp/profiles
 *   BENCH_KEEP_DB=1         keep the temporary database for inspection
 *   BENCH_SCALE=0.5         fewer sign-off requests per level (quick runs)
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "@playwright/test";
import { build, cpuTimeMs, distDir, hasBuild, peakRssMb, repoRoot, seed, startServer, type SeedResult, type ServerHandle } from "./lib/server";
import { percentile, postJson, round1, signIn, timedGet } from "./lib/http";
import { measureXlsxPreview } from "./import-xlsx";
import { fanoutJson, measureFanout } from "./fanout";
import { describeSignoffDuringPdf, measureSignoffDuringPdf, SIGNOFF_DURING_PDF_PAIRS } from "./pdf-during-signoff";
import { measureWebhooks } from "./webhooks";
import { describeNotificationPasses, measureNotificationPassesInChild, type NotificationPassesResult } from "./notification-passes";
import { describeLargeAuditLog, measureLargeAuditLogInChild, type LargeAuditLogResult } from "./large-audit-log";
import type { PostgresStoreResult } from "./postgres-store";
import { measurePostgresApp, type PostgresAppResult } from "./postgres-app";
import { load, summarizeLoad, type LoadOutcome, type Stats } from "./lib/load";

const LEVELS = [1, 10, 50] as const;
type Level = (typeof LEVELS)[number];
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
/** Sign-offs (and floor requests) per concurrency level. */
const AMOUNT: Record<Level, number> = { 1: Math.round(200 * SCALE), 10: Math.round(500 * SCALE), 50: Math.round(1000 * SCALE) };
const WARMUP_SIGNOFFS = 40;
const PROPAGATION_TICKS = 50;
const PAGE_SAMPLES = 15;
const STEADY_SIGNOFFS = Math.round(300 * Math.max(SCALE, 0.2));

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

async function main() {
  const totalStarted = Date.now();

  // --- build --------------------------------------------------------------------------------
  let buildMs: number | null = null;
  if (process.env.BENCH_SKIP_BUILD === "1" && hasBuild()) {
    log(`Reusing the build in ${distDir()} (BENCH_SKIP_BUILD=1).`);
  } else {
    log(`Building the production app into ${distDir()} …`);
    buildMs = build();
    log(`Built in ${(buildMs / 1000).toFixed(1)} s.`);
  }

  // --- seed -----------------------------------------------------------------------------------
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bench-"));
  const databasePath = path.join(tmp, "bench.db");
  log(`Seeding ${databasePath}: 300 steps in 8 phases, 5,000 fleet clients, 50 operators …`);
  const seeded = seed({ databasePath, args: ["--steps", "300", "--phases", "8", "--clients", "5000", "--operators", "50", "--progress", "80"] });
  log(`Seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeded.counts)}`);
  // The PostgreSQL measurement starts from the same seed: a copy, before the SQLite run changes it.
  const postgresSource = path.join(tmp, "postgres-source.db");
  copyDatabaseFile(databasePath, postgresSource);

  // --- server ---------------------------------------------------------------------------------
  const profileDir = path.join(repoRoot, "bench", ".tmp", "profiles");
  const nodeArgs = process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  const server = await startServer({ databasePath, env: { RUNSHEET_BENCH: "1" }, nodeArgs });
  log(`Server ${server.baseUrl} (pid ${server.pid}).`);

  let results;
  try {
    try {
      results = await measure(server, seeded, databasePath);
    } catch (error) {
      console.error(server.output().slice(-5000));
      throw error;
    }
    // Issue 16: the same sign-off levels on PostgreSQL with two instances (bench/postgres-app.ts),
    // once SQLite's server is stopped, so the two never share the machine.
    await server.stop();
    // The notification passes on this database, with its active runs (bench/notification-passes.ts).
    results.json.notificationPasses = measureNotificationPassesInChild({ databasePath, log });
    if (results.json.notificationPasses) log(`Notification passes: ${describeNotificationPasses(results.json.notificationPasses)}.`);
    // What a large audit log costs an export and the audit page (bench/large-audit-log.ts).
    results.json.largeAuditLog = measureLargeAuditLogInChild({ log });
    if (results.json.largeAuditLog) log(`Large audit log: ${describeLargeAuditLog(results.json.largeAuditLog)}.`);
    log("PostgreSQL with two app instances …");
    results.json.postgres = await measurePostgresApp({
      sourceDatabasePath: postgresSource,
      seeded,
      sqliteSignoff: results.json.signoff,
      amount: AMOUNT,
      warmup: WARMUP_SIGNOFFS,
      load: (o) => load(o.baseUrl, { kind: "signoff", connections: o.connections, amount: o.amount, pairs: o.pairs, cookies: o.cookies, serverPid: o.serverPid }),
      log,
    });
  } finally {
    await server.stop();
    if (process.env.BENCH_KEEP_DB === "1") log(`Kept ${databasePath}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }

  const file = path.join(repoRoot, "bench", "results.json");
  fs.writeFileSync(file, JSON.stringify(results.json, null, 2) + "\n");
  printTable(results.json, results.extra);
  log(`Wrote ${path.relative(repoRoot, file)}. Total ${((Date.now() - totalStarted) / 1000).toFixed(0)} s${buildMs !== null ? ` (build ${(buildMs / 1000).toFixed(0)} s)` : ""}.`);
  if (nodeArgs.length > 0) log(`CPU profiles: ${profileDir}`);
}

async function measure(server: ServerHandle, seeded: SeedResult, databasePath: string) {
  const { baseUrl } = server;
  const adminCookie = await signIn(baseUrl, seeded.admin.email, seeded.password);
  const operatorCookies: string[] = [];
  for (const op of seeded.operators) operatorCookies.push(await signIn(baseUrl, op.email, seeded.password));
  log(`Signed in ${operatorCookies.length} operators and the admin.`);

  // Every sign-off request needs a step that is still pending and not blocked: fresh rehearsal
  // runs, each with ~250 independent steps, created the way the UI does it.
  const needed = WARMUP_SIGNOFFS + LEVELS.reduce((sum, c) => sum + AMOUNT[c] + c, 0) + STEADY_SIGNOFFS + SIGNOFF_DURING_PDF_PAIRS + 100;
  const perRun = seeded.signableStepIds.length;
  const runCount = Math.ceil(needed / perRun);
  const runIds: string[] = [];
  const runCreateMs: number[] = [];
  for (let i = 0; i < runCount; i++) {
    const response = await postJson(baseUrl, `/api/projects/${seeded.projectId}/runs`, adminCookie, { kind: "REHEARSAL", name: `Bench rehearsal ${i + 1}` });
    if (response.status !== 200) throw new Error(`creating a run failed: ${response.status} ${response.text}`);
    runIds.push((response.body as { id: string }).id);
    runCreateMs.push(response.ms);
  }
  const sortedStarts = [...runCreateMs].sort((a, b) => a - b);
  const runStart = { runs: runCount, p50Ms: round1(percentile(sortedStarts, 50)), maxMs: round1(sortedStarts[sortedStarts.length - 1]) };
  log(`Created ${runCount} rehearsal runs (${perRun} signable steps each; ${Math.round(percentile([...runCreateMs].sort((a, b) => a - b), 50))} ms median to start a run with ${seeded.counts.clients} fleet rows).`);
  const pairs: { runId: string; stepId: string }[] = runIds.flatMap((runId) => seeded.signableStepIds.map((stepId) => ({ runId, stepId })));

  // Warm-up (JIT, prepared statements, route modules), not measured.
  const serverPid = server.pid;
  await load(baseUrl, { kind: "signoff", connections: 5, amount: WARMUP_SIGNOFFS, pairs, cookies: operatorCookies, serverPid });
  await load(baseUrl, { kind: "floor", connections: 5, amount: 100, pairs, cookies: operatorCookies, serverPid });

  const signoff = {} as Record<`c${Level}`, Stats>;
  const floor = {} as Record<`c${Level}`, Stats>;
  const ratio = {} as Record<`c${Level}`, number>;
  const signoffDetails = {} as Record<`c${Level}`, LoadOutcome>;
  const floorDetails = {} as Record<`c${Level}`, LoadOutcome>;
  for (const c of LEVELS) {
    const s = await load(baseUrl, { kind: "signoff", connections: c, amount: AMOUNT[c], pairs, cookies: operatorCookies.slice(0, c), serverPid });
    const f = await load(baseUrl, { kind: "floor", connections: c, amount: AMOUNT[c], pairs, cookies: operatorCookies.slice(0, c), serverPid });
    signoff[`c${c}`] = s.stats;
    floor[`c${c}`] = f.stats;
    signoffDetails[`c${c}`] = s;
    floorDetails[`c${c}`] = f;
    ratio[`c${c}`] = round1(s.stats.p95 / f.stats.p95);
    log(`c${c}: sign-off p95 ${s.stats.p95} ms, ${s.stats.rps} req/s, ${s.cpuMsPerRequest} CPU-ms/req, non-2xx ${s.non2xx}${s.non2xx ? " " + JSON.stringify(s.statusCounts) : ""} | floor p95 ${f.stats.p95} ms, ${f.stats.rps} req/s, ${f.cpuMsPerRequest} CPU-ms/req | ratio ${ratio[`c${c}`]} | load avg ${os.loadavg()[0].toFixed(1)}`);
  }
  // Not a goal, context: sign-offs arriving evenly at 20/s from the 50 operators (open loop),
  // i.e. latency when the server is not saturated by back-to-back requests.
  const steady = await steadyLoad(baseUrl, { rate: 20, amount: STEADY_SIGNOFFS, pairs, cookies: operatorCookies, serverPid });
  log(`steady 20/s: sign-off p50 ${steady.stats.p50} ms, p95 ${steady.stats.p95} ms, non-2xx ${steady.non2xx}`);

  // --- pages ----------------------------------------------------------------------------------
  const runUrl = `${baseUrl}/projects/${seeded.projectId}/runs/${seeded.liveRunId}`;
  const runbook = await pageTiming(runUrl, operatorCookies[0]);
  log(`Runbook page: TTFB p50 ${runbook?.ttfb50} ms, p95 ${runbook?.ttfb95} ms; full document p50 ${runbook?.total50} ms (${runbook?.kb} KB).`);
  const dashboard = await pageTiming(`${runUrl}/dashboard`, operatorCookies[0]);
  log(dashboard ? `Dashboard: TTFB p50 ${dashboard.ttfb50} ms, full p50 ${dashboard.total50} ms.` : "Dashboard: not available (non-200).");

  // --- propagation -----------------------------------------------------------------------------
  const propagation = await measurePropagation(baseUrl, seeded, runUrl, server.pid);
  log(`Propagation: p50 ${propagation.p50} ms, p95 ${propagation.p95} ms over ${propagation.samples.length} ticks; medians: tick→SSE event ${propagation.breakdown.toEvent} ms, event→refresh request ${propagation.breakdown.toFetch} ms, refresh request ${propagation.breakdown.fetch} ms, response→DOM ${propagation.breakdown.render} ms (${propagation.breakdown.n} split); server ${propagation.serverCpuMsPerTick} CPU-ms per tick.`);

  // --- live fan-out (bench/fanout.ts) ----------------------------------------------------------
  const fanout = fanoutJson(await measureFanout({ baseUrl, serverPid: server.pid, seeded, adminCookie, cookies: operatorCookies }));

  // --- PDF and memory ------------------------------------------------------------------------
  const rssBeforePdf = peakRssMb(server.pid);
  const pdf = await measurePdf(baseUrl, seeded.liveRunId!, adminCookie);
  log(pdf.status === 200 ? `PDF: ${pdf.ms} ms (first export ${pdf.coldMs} ms, then ${pdf.warmMs} ms; ${pdf.kb} KB).` : `PDF: not available (HTTP ${pdf.status}).`);
  // Issue 16: sign-offs idle, then while 5 clients export the PDF back to back (bench/pdf-during-signoff.ts).
  const signoffDuringPdf = await measureSignoffDuringPdf({ baseUrl, pdfRunId: seeded.liveRunId!, pairs, signoffCookies: operatorCookies.slice(0, 5), exportCookies: [adminCookie, ...operatorCookies.slice(5, 9)] });
  log(`Sign-off during PDF exports: ${describeSignoffDuringPdf(signoffDuringPdf)}`);

  // --- client import -----------------------------------------------------------------------------
  const fleetImport = await measureImport(baseUrl, adminCookie);
  log(fleetImport.status === 200 ? `Import of ${fleetImport.clients} clients: ${fleetImport.ms} ms (preview ${fleetImport.previewMs} ms, ${fleetImport.runRows} run rows).` : `Import: not available (HTTP ${fleetImport.status}).`);

  // --- plan import preview (.xlsx) ---------------------------------------------------------------
  // Pure CPU, in this process: what the browser does on upload and the server again on import.
  const xlsxPreview = await measureXlsxPreview();
  log(`Import preview of a ${xlsxPreview.rows}-row .xlsx: median ${xlsxPreview.medianMs} ms (cold ${xlsxPreview.coldMs} ms).`);

  // --- webhooks: sign-off p95 with 1,000 deliveries in flight (bench/webhooks.ts) -----------------
  const webhooks = await measureWebhooks({ baseUrl, databasePath, seeded, adminCookie, operatorCookies, serverPid: server.pid, log });

  // --- PostgreSQL, store level (bench/postgres-store.ts) -------------------------------------------
  const postgresStore = measurePostgresStoreInChild(log);

  const peak = peakRssMb(server.pid);
  log(`Server peak RSS (VmHWM): ${peak} MB (before the PDF: ${rssBeforePdf} MB).`);

  let commit = "unknown";
  let dirty = false;
  try {
    commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    dirty = execFileSync("git", ["status", "--porcelain"], { cwd: repoRoot, encoding: "utf8" }).trim() !== "";
  } catch {
    // not a git checkout
  }

  const json = {
    date: new Date().toISOString(),
    commit,
    signoff,
    floor,
    ratio,
    page: { runbookTtfbMs: runbook?.ttfb50 ?? null, dashboardTtfbMs: dashboard?.ttfb50 ?? null },
    propagation: { p95Ms: propagation.p95 },
    pdf: { ms: pdf.status === 200 ? pdf.ms : null, peakRssMb: peak },
    import: { clients: fleetImport.status === 200 ? fleetImport.clients : null, ms: fleetImport.status === 200 ? fleetImport.ms : null },
    planImport: { xlsxRows: xlsxPreview.rows, previewMs: xlsxPreview.medianMs, coldMs: xlsxPreview.coldMs },
    runStart: runStart,
    fanout,
    signoffDuringPdf,
    webhooks: { signoffIdleP95: webhooks.signoffIdleP95, signoffInFlightP95: webhooks.signoffInFlightP95, ratio: webhooks.ratio, cpuMsPerSignoffIdle: webhooks.cpuMsPerSignoffIdle, cpuMsPerSignoffInFlight: webhooks.cpuMsPerSignoffInFlight },
    postgresStore,
    /** Filled in by main() once this server has stopped (bench/notification-passes.ts). */
    notificationPasses: null as NotificationPassesResult | null,
    /** Filled in by main() once this server has stopped (bench/large-audit-log.ts). */
    largeAuditLog: null as LargeAuditLogResult | null,
    /** Filled in by main() once this server has stopped (bench/postgres-app.ts). */
    postgres: null as PostgresAppResult | null,
  };
  return { json, extra: { fleetImport, steady, signoffDetails, floorDetails, runbook, dashboard, propagation, pdf, rssBeforePdf, dirty, seeded } };
}

/**
 * The store-level PostgreSQL comparison, in a child process: the stores are server-only modules,
 * which load only under the react-server condition. Null (with the reason logged) when PostgreSQL
 * isn't installed here.
 */
function measurePostgresStoreInChild(log: (message: string) => void): PostgresStoreResult | null {
  const child = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(repoRoot, "bench", "postgres-store.ts")], { cwd: repoRoot, encoding: "utf8", timeout: 300_000 });
  for (const line of child.stderr.split("\n").filter(Boolean)) log(line.replace(/^\[bench postgres-store\] /, "PostgreSQL store: "));
  if (child.status !== 0) {
    log(`PostgreSQL store level: not measured (exit ${child.status}).`);
    return null;
  }
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as PostgresStoreResult;
}

/** Copies a closed SQLite database with its WAL, if any. */
function copyDatabaseFile(from: string, to: string): void {
  for (const suffix of ["", "-wal", "-shm"]) if (fs.existsSync(from + suffix)) fs.copyFileSync(from + suffix, to + suffix);
}

/** Open loop: one sign-off every 1000/rate ms, whatever the previous ones are doing. */
async function steadyLoad(baseUrl: string, options: { rate: number; amount: number; pairs: { runId: string; stepId: string }[]; cookies: string[]; serverPid: number }): Promise<LoadOutcome> {
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  const cpuBefore = cpuTimeMs(options.serverPid);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < options.amount; i++) {
    const due = started + (i * 1000) / options.rate;
    if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now())); // pacing
    const pair = options.pairs.shift();
    if (!pair) throw new Error("Ran out of fresh steps to sign off; create more runs.");
    const sentAt = performance.now();
    inFlight.push(
      postJson(baseUrl, `/api/runs/${pair.runId}/steps/${pair.stepId}/actions`, options.cookies[i % options.cookies.length], { action: "done" }).then(
        (response) => {
          latencies.push(performance.now() - sentAt);
          statusCounts[response.status] = (statusCounts[response.status] ?? 0) + 1;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  const wallMs = performance.now() - started;
  return summarizeLoad({ latencies, statusCounts, errors, timeouts: 0, wallMs, cpuBefore, cpuAfter: cpuTimeMs(options.serverPid) });
}

async function pageTiming(url: string, cookie: string) {
  const first = await timedGet(url, cookie);
  if (first.status !== 200) return null;
  for (let i = 0; i < 2; i++) await timedGet(url, cookie); // warm-up
  const samples = [];
  for (let i = 0; i < PAGE_SAMPLES; i++) samples.push(await timedGet(url, cookie));
  const ttfb = samples.map((s) => s.ttfbMs).sort((a, b) => a - b);
  const total = samples.map((s) => s.totalMs).sort((a, b) => a - b);
  return {
    ttfb50: round1(percentile(ttfb, 50)),
    ttfb95: round1(percentile(ttfb, 95)),
    total50: round1(percentile(total, 50)),
    total95: round1(percentile(total, 95)),
    coldTtfb: round1(first.ttfbMs),
    kb: Math.round(samples[0].bytes / 1024),
  };
}

/**
 * POST /api/projects/:id/fleet/import with 5,000 bpplclients lines, the way the import dialog
 * sends it: into a fresh project from the built-in template with one active rehearsal, so the
 * import also expands the clients into that run's fleet step. Preview (dryRun) timed separately.
 */
async function measureImport(baseUrl: string, adminCookie: string) {
  const clients = 5000;
  const now = Date.now();
  const project = await postJson(baseUrl, "/api/projects", adminCookie, {
    name: "Bench: client import",
    sourceHost: "nbu-import-old",
    targetHost: "nbu-import-new",
    hostnameStrategy: "KEEP",
    timezone: "Europe/Berlin",
    windowStart: new Date(now + 86_400_000).toISOString(),
    windowEnd: new Date(now + 86_400_000 + 8 * 3_600_000).toISOString(),
    template: "netbackup-keep-hostname",
  });
  if (project.status !== 200) return { status: project.status, clients, ms: null, previewMs: null, runRows: null };
  const projectId = (project.body as { id: string }).id;
  const run = await postJson(baseUrl, `/api/projects/${projectId}/runs`, adminCookie, { kind: "REHEARSAL" });
  if (run.status !== 200) return { status: run.status, clients, ms: null, previewMs: null, runRows: null };
  const platforms = [["Solaris", "Solaris10"], ["Linux", "RedHat8"], ["PC-x64", "Windows2019"], ["RS6000", "AIX7"]];
  const text = Array.from({ length: clients }, (_, i) => `${platforms[i % 4][0]}  ${platforms[i % 4][1]}  imp-${String(i + 1).padStart(5, "0")}.bench.local`).join("\n") + "\n";
  const preview = await postJson(baseUrl, `/api/projects/${projectId}/fleet/import`, adminCookie, { text, format: "bpplclients", dryRun: true }, 120_000);
  if (preview.status !== 200) return { status: preview.status, clients, ms: null, previewMs: null, runRows: null };
  const imported = await postJson(baseUrl, `/api/projects/${projectId}/fleet/import`, adminCookie, { text, format: "bpplclients" }, 120_000);
  if (imported.status !== 200) return { status: imported.status, clients, ms: null, previewMs: null, runRows: null, error: imported.text.slice(0, 300) };
  const body = imported.body as { imported: number; runRowsCreated: number };
  if (body.imported !== clients) throw new Error(`import reported ${body.imported} clients, expected ${clients}`);
  return { status: 200, clients, ms: round1(imported.ms), previewMs: round1(preview.ms), runRows: body.runRowsCreated };
}

async function measurePdf(baseUrl: string, runId: string, cookie: string) {
  const get = async () => {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/api/runs/${runId}/export/pdf`, { headers: { cookie }, signal: AbortSignal.timeout(120_000) });
    const bytes = (await response.arrayBuffer()).byteLength;
    return { status: response.status, ms: round1(performance.now() - started), bytes };
  };
  const cold = await get();
  if (cold.status !== 200) return { status: cold.status, ms: null, coldMs: null, warmMs: null, kb: null };
  const warm = [await get(), await get()].map((r) => r.ms).sort((a, b) => a - b);
  // The figure is the slowest of the three: the first export after a start (module loading and
  // all) is what most operators get, since a run is exported rarely.
  return { status: 200, ms: Math.max(cold.ms, ...warm), coldMs: cold.ms, warmMs: warm[warm.length - 1], kb: Math.round(cold.bytes / 1024) };
}

/**
 * Two browser contexts (two operators) on the live run's page. A ticks a step through the API;
 * B's MutationObserver records the moment that step's card changes its data-status. Each tick
 * starts once B has been quiet for longer than the page's 250 ms refresh coalescing, so every
 * sample is one isolated tick rather than a queue behind the previous one.
 *
 * B also timestamps SSE "change" events and the page's RSC refresh fetch, which splits each
 * sample into: tick → event in B, event → refresh request, refresh request, response → DOM.
 */
async function measurePropagation(baseUrl: string, seeded: SeedResult, runUrl: string, serverPid: number) {
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const open = async (email: string, instrument: boolean): Promise<{ context: BrowserContext; page: Page }> => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 } });
      const response = await context.request.post("/api/auth/sign-in/email", { data: { email, password: seeded.password }, headers: { origin: baseUrl } });
      if (!response.ok()) throw new Error(`browser sign-in failed: ${response.status()}`);
      if (instrument) {
        await context.addInitScript(() => {
          const events: number[] = [];
          (window as unknown as { __benchSse: number[] }).__benchSse = events;
          const Original = window.EventSource;
          window.EventSource = class extends Original {
            constructor(url: string | URL, init?: EventSourceInit) {
              super(url, init);
              this.addEventListener("change", () => events.push(Date.now()));
            }
          };
        });
      }
      const page = await context.newPage();
      await page.goto(runUrl, { waitUntil: "load" });
      await page.locator("article[data-step-id]").first().waitFor();
      // The SSE stream starts at the newest event when it connects; wait for it, or a tick sent
      // between render and connect is never delivered (see the report).
      await page.getByRole("status", { name: "Live updates connected" }).first().waitFor({ timeout: 30_000 });
      return { context, page };
    };
    const a = await open(seeded.operators[0].email, false);
    const b = await open(seeded.operators[1].email, true);
    await b.page.evaluate(() => {
      const state = { watch: null as string | null, seenAt: null as number | null, lastSeenAt: 0 };
      (window as unknown as { __bench: typeof state }).__bench = state;
      new MutationObserver(() => {
        if (!state.watch || state.seenAt !== null) return;
        // A step can have two cards (the "Now" strip and its phase); any of them changing counts.
        const cards = document.querySelectorAll(`article[data-step-id="${state.watch}"]`);
        if ([...cards].some((card) => card.getAttribute("data-status") !== "PENDING")) {
          state.seenAt = Date.now();
          state.lastSeenAt = state.seenAt;
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
    });

    const steps = seeded.pendingInLiveRun.slice(0, PROPAGATION_TICKS + 3);
    if (steps.length < PROPAGATION_TICKS + 3) throw new Error("Not enough pending steps in the live run for the propagation test.");
    const samples: number[] = [];
    const parts = { toEvent: [] as number[], toFetch: [] as number[], fetch: [] as number[], render: [] as number[] };
    const cpuBefore = cpuTimeMs(serverPid);
    for (const [i, stepId] of steps.entries()) {
      // B has not refreshed for longer than its coalescing window (see use-live-updates.ts).
      await b.page.waitForFunction(() => Date.now() - (window as unknown as { __bench: { lastSeenAt: number } }).__bench.lastSeenAt > 300);
      await b.page.evaluate((id) => {
        const state = (window as unknown as { __bench: { watch: string | null; seenAt: number | null } }).__bench;
        state.watch = id;
        state.seenAt = null;
      }, stepId);
      const sentAt = Date.now();
      const response = await a.context.request.post(`/api/runs/${seeded.liveRunId}/steps/${stepId}/actions`, { data: { action: "done" }, headers: { origin: baseUrl } });
      if (!response.ok()) throw new Error(`tick failed: ${response.status()} ${await response.text()}`);
      await b.page.waitForFunction(() => (window as unknown as { __bench: { seenAt: number | null } }).__bench.seenAt, undefined, { timeout: 30_000 });
      const timing = await b.page.evaluate((since) => {
        const seenAt = (window as unknown as { __bench: { seenAt: number } }).__bench.seenAt;
        const eventAt = (window as unknown as { __benchSse: number[] }).__benchSse.find((t) => t >= since) ?? null;
        const refresh = performance
          .getEntriesByType("resource")
          .map((e) => e as PerformanceResourceTiming)
          .filter((e) => e.name.includes("_rsc") && new URL(e.name).pathname === location.pathname)
          .map((e) => ({ start: performance.timeOrigin + e.startTime, end: performance.timeOrigin + e.responseEnd }))
          .find((e) => e.start >= since && e.end <= seenAt + 1);
        return { seenAt, eventAt, refresh: refresh ?? null };
      }, sentAt);
      if (i < 3) continue; // the first three warm the SSE stream and the RSC path
      samples.push(timing.seenAt - sentAt);
      if (timing.eventAt !== null && timing.refresh) {
        parts.toEvent.push(timing.eventAt - sentAt);
        parts.toFetch.push(timing.refresh.start - timing.eventAt);
        parts.fetch.push(timing.refresh.end - timing.refresh.start);
        parts.render.push(timing.seenAt - timing.refresh.end);
      }
    }
    const cpuAfter = cpuTimeMs(serverPid);
    const median = (values: number[]) => (values.length ? round1(percentile([...values].sort((x, y) => x - y), 50)) : null);
    const sorted = [...samples].sort((x, y) => x - y);
    return {
      samples,
      p50: round1(percentile(sorted, 50)),
      p95: round1(percentile(sorted, 95)),
      max: round1(sorted[sorted.length - 1]),
      breakdown: { toEvent: median(parts.toEvent), toFetch: median(parts.toFetch), fetch: median(parts.fetch), render: median(parts.render), n: parts.fetch.length },
      serverCpuMsPerTick: cpuBefore !== null && cpuAfter !== null ? Math.round((cpuAfter - cpuBefore) / steps.length) : null,
    };
  } finally {
    await browser.close();
  }
}

type Results = Awaited<ReturnType<typeof measure>>;

function printTable(json: Results["json"], extra: Results["extra"]) {
  const fmt = (n: number | null | undefined, unit = "") => (n === null || n === undefined || Number.isNaN(n) ? "—" : `${n}${unit}`);
  const rows: string[][] = [["Measure", "c1", "c10", "c50"]];
  for (const [label, source] of [["sign-off", json.signoff], ["floor", json.floor]] as const) {
    for (const key of ["p50", "p95", "p99", "rps"] as const) {
      rows.push([`${label} ${key}${key === "rps" ? " (req/s)" : " (ms)"}`, ...LEVELS.map((c) => fmt(source[`c${c}`][key]))]);
    }
  }
  rows.push(["ratio sign-off p95 ÷ floor p95", ...LEVELS.map((c) => fmt(json.ratio[`c${c}`], "×"))]);
  rows.push(["sign-off non-2xx", ...LEVELS.map((c) => {
    const d = extra.signoffDetails[`c${c}`];
    return d.non2xx === 0 && d.errors === 0 && d.timeouts === 0 ? "0" : `${d.non2xx} ${JSON.stringify(d.statusCounts)} err ${d.errors} to ${d.timeouts}`;
  })]);
  rows.push(["floor non-2xx", ...LEVELS.map((c) => String(extra.floorDetails[`c${c}`].non2xx + extra.floorDetails[`c${c}`].errors))]);
  rows.push(["server CPU-ms per sign-off", ...LEVELS.map((c) => fmt(extra.signoffDetails[`c${c}`].cpuMsPerRequest))]);
  rows.push(["server CPU-ms per floor request", ...LEVELS.map((c) => fmt(extra.floorDetails[`c${c}`].cpuMsPerRequest))]);
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => "| " + r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ") + " |";
  console.log("\n" + line(rows[0]));
  console.log("|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|");
  for (const r of rows.slice(1)) console.log(line(r));

  const other: [string, string][] = [
    ["Sign-off arriving evenly at 20/s, p50 / p95 (ms)", `${extra.steady.stats.p50} / ${extra.steady.stats.p95} (non-2xx ${extra.steady.non2xx})`],
    ["Runbook page TTFB p50 / p95 (ms)", extra.runbook ? `${extra.runbook.ttfb50} / ${extra.runbook.ttfb95}` : "—"],
    ["Runbook page full document p50 / p95 (ms)", extra.runbook ? `${extra.runbook.total50} / ${extra.runbook.total95} (${extra.runbook.kb} KB)` : "—"],
    ["Dashboard TTFB p50 (ms)", fmt(json.page.dashboardTtfbMs)],
    ["Propagation p50 / p95 / max (ms)", `${extra.propagation.p50} / ${extra.propagation.p95} / ${extra.propagation.max}`],
    [
      "  median split: tick→SSE, →refresh req, refresh req, →DOM",
      `${extra.propagation.breakdown.toEvent} / ${extra.propagation.breakdown.toFetch} / ${extra.propagation.breakdown.fetch} / ${extra.propagation.breakdown.render} ms; server ${extra.propagation.serverCpuMsPerTick} CPU-ms per tick`,
    ],
    ["PDF export of the live run (ms: first; slower of next 2)", extra.pdf.status === 200 ? `${extra.pdf.coldMs}; ${extra.pdf.warmMs} (${extra.pdf.kb} KB)` : `— (HTTP ${extra.pdf.status})`],
    ["Server peak RSS VmHWM (MB; before PDF)", `${fmt(json.pdf.peakRssMb)}; ${fmt(extra.rssBeforePdf)}`],
    ["Start a run: freeze 300 steps, 5,000 fleet rows (ms: median; slowest)", `${json.runStart.p50Ms}; ${json.runStart.maxMs} (${json.runStart.runs} runs)`],
    ["Import 5,000 clients (ms; preview)", extra.fleetImport.status === 200 ? `${extra.fleetImport.ms}; preview ${extra.fleetImport.previewMs} (${extra.fleetImport.runRows} run rows)` : `— (HTTP ${extra.fleetImport.status})`],
  ];
  const pgStore = json.postgresStore;
  if (pgStore) {
    other.push([
      "Sign-off transaction, store level, SQLite | PostgreSQL p95 (ms) c1/c10/c50",
      `${LEVELS.map((c) => pgStore.sqlite[`c${c}`].p95).join("/")} | ${LEVELS.map((c) => pgStore.postgres[`c${c}`].p95).join("/")} (${pgStore.sqlite.c50.opsPerSecond} vs ${pgStore.postgres.c50.opsPerSecond}/s at c50)`,
    ]);
  }
  const pgApp = json.postgres;
  if (pgApp) {
    other.push([
      "Sign-off on PostgreSQL, two instances, p95 (ms) c1/c10/c50",
      `${LEVELS.map((c) => pgApp.signoff[`c${c}`].p95).join("/")}; ${LEVELS.map((c) => pgApp.signoff[`c${c}`].rps).join("/")} req/s; ${LEVELS.map((c) => fmt(pgApp.cpuMsPerSignoff[`c${c}`])).join("/")} CPU-ms each (non-2xx ${pgApp.non2xx})`,
    ]);
  }
  const passes = json.notificationPasses;
  if (passes) other.push([`Notification sweep of ${passes.activeRuns} active runs; follow pass after a sign-off (ms)`, `${passes.sweepMs} (${passes.sweepMsPerRun} a run); ${passes.followPassMs}`]);
  const auditLog = json.largeAuditLog;
  if (auditLog) {
    other.push([`Signed head for an export, ${auditLog.events} events / ${auditLog.checkpoints} checkpoints (ms)`, `${auditLog.signedHead.repeatMs} (${auditLog.signedHead.afterAppendMs} after one more; ${auditLog.signedHead.firstMs} at start)`]);
    other.push(["Audit page's check: total; longest block (ms)", `${auditLog.auditCheck.repeatMs}; ${auditLog.auditCheck.repeatLongestBlockMs} (first: ${auditLog.auditCheck.firstMs}; ${auditLog.auditCheck.firstLongestBlockMs})`]);
  }
  const w = Math.max(...other.map(([k]) => k.length));
  console.log("");
  for (const [k, v] of other) console.log(`${k.padEnd(w)}  ${v}`);

  const goals: [string, number | null, (n: number) => boolean, string][] = [
    ["Sign-off p95 at 50 operators < 50 ms", json.signoff.c50.p95, (n) => n < 50, `${json.signoff.c50.p95} ms`],
    ["Sign-off p95 within 3× of the floor (c50)", json.ratio.c50, (n) => n <= 3, `${json.ratio.c50}×`],
    ["Propagation p95 < 500 ms", json.propagation.p95Ms, (n) => n < 500, `${json.propagation.p95Ms} ms`],
    ["Fan-out p95 at 100 watchers < 500 ms", json.fanout.n100?.p95 ?? null, (n) => n < 500, `${json.fanout.n100?.p95} ms`],
    ["Fan-out p95 at 500 watchers < 500 ms", json.fanout.n500?.p95 ?? null, (n) => n < 500, `${json.fanout.n500?.p95} ms`],
    ["Fan-out server CPU per tick per watcher (n500) < 1 ms", json.fanout.n500?.cpuMsPerTickPerWatcher ?? null, (n) => n < 1, `${json.fanout.n500?.cpuMsPerTickPerWatcher} ms`],
    ["Runbook TTFB < 300 ms", json.page.runbookTtfbMs, (n) => n < 300, `${json.page.runbookTtfbMs} ms`],
    ["PDF < 3 s", json.pdf.ms, (n) => n < 3000, `${json.pdf.ms} ms`],
    ["Import of 5,000 clients < 3 s", json.import.ms, (n) => n < 3000, `${json.import.ms} ms`],
    ["Preview of a 1,000-row .xlsx plan < 2 s (median)", json.planImport.previewMs, (n) => n < 2000, `${json.planImport.previewMs} ms`],
    ["Starting a run (300 steps, 5,000 clients) < 500 ms, median", json.runStart.p50Ms, (n) => n < 500, `${json.runStart.p50Ms} ms`],
    ["Sign-off p95 at c50 on PostgreSQL, two instances, within 2× of SQLite on one", json.postgres?.ratioToSqlite.c50 ?? null, (n) => n <= 2, `${json.postgres?.signoff.c50.p95} ms vs ${json.signoff.c50.p95} ms (${json.postgres?.ratioToSqlite.c50}×)`],
    ["Sign-off p95 during 5 PDF exports < 2× the idle p95", json.signoffDuringPdf.ratio, (n) => n < 2, `${json.signoffDuringPdf.p95} ms vs ${json.signoffDuringPdf.idleP95} ms idle (${json.signoffDuringPdf.ratio}×)`],
  ];
  console.log("\nGoals:");
  for (const [label, value, ok, shown] of goals) {
    const verdict = value === null || value === undefined ? "N/A " : ok(value) ? "PASS" : "FAIL";
    console.log(`  ${verdict}  ${label}${value === null ? "" : ` — ${shown}`}`);
  }
  console.log(`\nCommit ${json.commit}${extra.dirty ? " (working tree has uncommitted changes)" : ""}, ${json.date}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
