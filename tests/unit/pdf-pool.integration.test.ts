/**
 * Issue 16: PDF exports render in worker threads (lib/exports/pdf-pool.ts), so an export never
 * holds up a sign-off. Real worker threads, a real SQLite file, the real route handlers. The
 * fault cases use tests/unit/fixtures/pdf-test-worker.mjs: the real worker with a way to hold a
 * task, to throw, or to kill its thread.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { seedLargeRun } from "./helpers/exports-fixture";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

const PASSWORD = "correct horse battery";
const TEST_WORKER = path.resolve(__dirname, "fixtures", "pdf-test-worker.mjs");
const BUSY_MESSAGE = "Too many PDF exports at once; try again in a minute.";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;
let pool: typeof import("@/lib/exports/pdf-pool");
let routes: ApiRoute[];
let pdfRoute: ApiRoute;
let actionRoute: ApiRoute;
let runId: string;
/** Pending steps of the run, for sign-offs during the tests. */
let pendingStepIds: string[];
let viewerCookie: string;
let operatorCookie: string;
let tmp: string;

/** A real 24×16 RGB PNG (a two-colour pattern), built by hand: signature, IHDR, IDAT, IEND. */
function pngBytes(): Uint8Array<ArrayBuffer> {
  const width = 24;
  const height = 16;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = Array.from({ length: height }, (_, y) => Buffer.concat([Buffer.from([0]), ...Array.from({ length: width }, (_, x) => Buffer.from((x + y) % 2 ? [67, 56, 202] : [241, 245, 249]))]));
  return new Uint8Array(Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]));
}

async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, " ").trim());
}

const exportPdf = (cookie: string, options: { signal?: AbortSignal } = {}) => callRoute(pdfRoute, "GET", { runId }, { cookie, signal: options.signal });

async function expectPdf(response: Response) {
  expect(response.status, await response.clone().text().then((t) => t.slice(0, 300))).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/pdf");
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  expect((await pdfPages(bytes)).join(" ")).toContain("Pool record rehearsal");
}

async function signOffNext() {
  const stepId = pendingStepIds.shift()!;
  const response = await callRoute(actionRoute, "POST", { runId, stepId }, { cookie: operatorCookie, body: JSON.stringify({ action: "done" }) });
  expect(response.status, await response.clone().text()).toBe(200);
  const row = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId } } });
  expect(row.status).toBe("DONE");
}

beforeAll(async () => {
  db = await openTestDatabase("pdf-pool");
  team = await createTeam(db.lib);
  pool = await import("@/lib/exports/pdf-pool");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-pdf-pool-"));

  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name: "PDF pool", template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Cutover" }) });
  const steps = [];
  for (const title of ["Catalog backup", "Stop the daemons", "Copy the catalog", "Start the daemons", "Verify the policies", "Check the clients", "Hand over"]) {
    steps.push(await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title, kind: "TASK", plannedMinutes: 15 }) }));
  }
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Pool record rehearsal" } });
  runId = run.id;
  await lib.runs.performStepAction({ actor: team.operator, runId, stepId: steps[0].id, input: { action: "start", note: "", reason: "" } });
  const { attachEvidence } = await import("@/lib/runs/evidence");
  await attachEvidence({ actor: team.operator, runId, stepId: steps[0].id, file: new File([pngBytes()], "catalog-backup-screen.png", { type: "image/png" }) });
  await lib.runs.performStepAction({ actor: team.operator, runId, stepId: steps[0].id, input: { action: "done", note: "status 0", reason: "" } });
  pendingStepIds = steps.slice(1).map((s) => s.id);

  routes = await loadApiRoutes();
  pdfRoute = routes.find((r) => r.pattern === "/api/runs/[runId]/export/pdf")!;
  actionRoute = routes.find((r) => r.pattern === "/api/runs/[runId]/steps/[stepId]/actions")!;
  viewerCookie = await signIn(routes, { email: "vera@example.test", password: PASSWORD });
  operatorCookie = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
}, 120_000);

afterAll(async () => {
  await pool?.closePdfPool();
  await db?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe("PDF worker pool", () => {
  it("renders the same PDF in a worker as in-process, evidence thumbnail included", async () => {
    await pool.configurePdfPool({ workers: 1, queue: 20 });
    const { loadRunExportData } = await import("@/lib/exports/run-export-data");
    const { renderRunDocument } = await import("@/lib/exports/pdf/render");
    const { runPdfBuffer } = await import("@/lib/exports/run-pdf");
    const data = await loadRunExportData({ runId, now: new Date("2026-06-01T10:00:00Z") });
    expect(data.steps[0].evidence[0].image?.format).toBe("png");

    const inProcess = await renderRunDocument(data, "Vera Viewer");
    const pooled = await runPdfBuffer(data, "Vera Viewer");
    const [inProcessPages, pooledPages] = [await pdfPages(inProcess), await pdfPages(pooled)];
    expect(pooledPages).toEqual(inProcessPages);
    expect(pooledPages.join(" ")).toContain("catalog-backup-screen.png");
    // The thumbnail made it through the thread boundary as an image, not just its name.
    expect(pooled.includes("/Subtype /Image")).toBe(true);
    expect(pooled.length).toBe(inProcess.length);
  }, 120_000);

  it("answers 503 with Retry-After when every worker and the queue are taken; the others finish and sign-offs go on", async () => {
    const holdFile = path.join(tmp, "hold");
    fs.writeFileSync(holdFile, "");
    await pool.configurePdfPool({ workers: 1, queue: 1, workerFile: TEST_WORKER, workerData: { holdFile } });
    try {
      const first = exportPdf(viewerCookie);
      // The worker has the first export and holds it; the second waits its turn.
      await expect.poll(() => fs.existsSync(`${holdFile}.seen`), { timeout: 30_000 }).toBe(true);
      const second = exportPdf(viewerCookie);
      await expect.poll(() => pool.getPdfPoolLoad()).toMatchObject({ running: 1, waiting: 1 });

      const refused = await exportPdf(viewerCookie);
      expect(refused.status).toBe(503);
      expect(refused.headers.get("retry-after")).toBe("60");
      expect(await refused.json()).toMatchObject({ error: { code: "pdf_busy", message: BUSY_MESSAGE } });
      // The refusal took nothing: still one rendering, one waiting.
      expect(pool.getPdfPoolLoad()).toMatchObject({ running: 1, waiting: 1 });

      // Meanwhile the main thread is free: a sign-off goes through and is in the database.
      await signOffNext();

      fs.rmSync(holdFile);
      await expectPdf(await first);
      await expectPdf(await second);
      expect(pool.getPdfPoolLoad()).toMatchObject({ running: 0, waiting: 0 });
      await expectPdf(await exportPdf(viewerCookie));
    } finally {
      fs.rmSync(holdFile, { force: true });
    }
  }, 120_000);

  it("lets an export that gave up while waiting leave the queue", async () => {
    const holdFile = path.join(tmp, "hold-abort");
    fs.writeFileSync(holdFile, "");
    await pool.configurePdfPool({ workers: 1, queue: 1, workerFile: TEST_WORKER, workerData: { holdFile } });
    try {
      const first = exportPdf(viewerCookie);
      await expect.poll(() => fs.existsSync(`${holdFile}.seen`), { timeout: 30_000 }).toBe(true);
      const controller = new AbortController();
      const gaveUp = exportPdf(viewerCookie, { signal: controller.signal });
      await expect.poll(() => pool.getPdfPoolLoad().waiting).toBe(1);
      controller.abort();
      await expect.poll(() => pool.getPdfPoolLoad().waiting).toBe(0);
      // Its place is free again: the next one queues instead of being refused.
      const next = exportPdf(viewerCookie);
      await expect.poll(() => pool.getPdfPoolLoad().waiting).toBe(1);
      fs.rmSync(holdFile);
      await expectPdf(await first);
      await expectPdf(await next);
      // The one that gave up got an error, not a PDF (nobody is listening for it anyway).
      expect((await gaveUp).status).toBe(499);
    } finally {
      fs.rmSync(holdFile, { force: true });
    }
  }, 120_000);

  it("answers 500 with a clear message when the render throws or its thread dies, and the pool serves the next export", async () => {
    await pool.configurePdfPool({ workers: 1, queue: 5, workerFile: TEST_WORKER });
    for (const [fault, email] of [
      ["[throws]", "throws@example.test"],
      ["[exits]", "exits@example.test"],
    ] as const) {
      await db.lib.users.createUser({ actor: team.admin, input: { name: `Tess ${fault} Tester`, email, password: PASSWORD, role: "VIEWER" } });
      const cookie = await signIn(routes, { email, password: PASSWORD });
      const eventsBefore = await db.lib.prisma.auditEvent.count();
      const failed = await exportPdf(cookie);
      expect(failed.status, fault).toBe(500);
      const body = (await failed.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("pdf_failed");
      expect(body.error.message).toContain("The PDF could not be made");
      expect(body.error.message).toContain("export the run as CSV or JSON");
      expect(await db.lib.prisma.auditEvent.count()).toBe(eventsBefore);
      expect(pool.getPdfPoolLoad()).toMatchObject({ running: 0, waiting: 0 });
      // Same pool, next export: fine.
      await expectPdf(await exportPdf(viewerCookie));
    }
    await signOffNext();
  }, 120_000);

  it.runIf(process.platform === "linux")("renders at a lower CPU priority than the main thread's, which keeps its own", async () => {
    const niceOfThreads = () =>
      new Map(
        fs.readdirSync("/proc/self/task").map((tid) => {
          const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
          // Fields after "(comm) ": state is the 1st, nice the 17th.
          return [Number(tid), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16])];
        }),
      );
    await pool.closePdfPool();
    const main = niceOfThreads().get(process.pid)!;
    const lowered = () => [...niceOfThreads().values()].filter((nice) => nice === Math.min(19, main + 10)).length;
    const before = lowered();
    await pool.configurePdfPool({ workers: 1, queue: 20, nice: 10 });
    const { runPdfBuffer } = await import("@/lib/exports/run-pdf");
    const { loadRunExportData } = await import("@/lib/exports/run-export-data");
    await runPdfBuffer(await loadRunExportData({ runId }), "Vera Viewer");
    expect(lowered()).toBe(before + 1);
    expect(niceOfThreads().get(process.pid)).toBe(main);
  }, 120_000);

  it("loads a large run's record in pieces, letting waiting requests in between, with every client in order", async () => {
    const { loadRunExportData } = await import("@/lib/exports/run-export-data");
    const large = await seedLargeRun({ actor: { id: team.admin.id, name: team.admin.name, role: "ADMIN" }, steps: 60, clients: 2500 });
    // Times the event loop's turns while the record loads: the longest stretch without one is the
    // longest a request arriving meanwhile would wait.
    const loadOnce = async () => {
      let last = performance.now();
      let longest = 0;
      let loading = true;
      const spin = () => {
        if (!loading) return;
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        setImmediate(spin);
      };
      setImmediate(spin);
      const started = performance.now();
      const data = await loadRunExportData({ runId: large.runId });
      loading = false;
      longest = Math.max(longest, performance.now() - last);
      return { data, longest, total: performance.now() - started };
    };
    await loadOnce(); // warm: modules, statements, JIT
    const { data, longest, total } = await loadOnce();
    // In one block (as it was) the longest stretch is the whole load; in pages it is a fraction.
    expect(longest, `longest stretch ${Math.round(longest)} ms of a ${Math.round(total)} ms load`).toBeLessThan(total * 0.6);
    const hostnames = data.fleet!.rows.map((row) => row.hostname);
    expect(hostnames).toHaveLength(2500);
    expect(new Set(hostnames).size).toBe(2500);
    expect(hostnames).toEqual([...hostnames].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(data.fleet!.steps.reduce((sum, step) => sum + step.total, 0)).toBe(await db.lib.prisma.fleetClientRun.count({ where: { runId: large.runId } }));
  }, 180_000);

  it("reads its settings from the environment and refuses nonsense with the variable's name", () => {
    const saved = { ...process.env };
    try {
      process.env.RUNSHEET_PDF_WORKERS = "3";
      process.env.RUNSHEET_PDF_QUEUE = "0";
      process.env.RUNSHEET_PDF_IDLE_SECONDS = "5";
      process.env.RUNSHEET_PDF_NICE = "0";
      expect(pool.pdfPoolSettingsFromEnv()).toEqual({ workers: 3, queue: 0, idleSeconds: 5, nice: 0 });
      delete process.env.RUNSHEET_PDF_WORKERS;
      delete process.env.RUNSHEET_PDF_QUEUE;
      delete process.env.RUNSHEET_PDF_IDLE_SECONDS;
      delete process.env.RUNSHEET_PDF_NICE;
      expect(pool.pdfPoolSettingsFromEnv()).toEqual({ workers: Math.max(1, os.availableParallelism() - 1), queue: 20, idleSeconds: 60, nice: 10 });
      process.env.RUNSHEET_PDF_WORKERS = "0";
      expect(() => pool.pdfPoolSettingsFromEnv()).toThrow('RUNSHEET_PDF_WORKERS must be a whole number of at least 1 (it is "0").');
      process.env.RUNSHEET_PDF_WORKERS = "two";
      expect(() => pool.pdfPoolSettingsFromEnv()).toThrow("RUNSHEET_PDF_WORKERS");
    } finally {
      process.env = saved;
    }
  });
});
