/**
 * Issue 5: the run exports (PDF record, CSV, JSON), end to end against a real SQLite file.
 * The database is chosen before any lib module loads, so lib modules are imported dynamically.
 * Set EXPORTS_PDF_DIR=/some/dir to keep the generated PDFs for a look.
 */
import fs from "node:fs";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LONG_COMMAND, UNBROKEN_TOKEN, seedExportFixture, seedLargeRun, useTempDatabase, type Fixture } from "./helpers/exports-fixture";

const db = useTempDatabase();

let fx: Fixture;
const lib = {
  prisma: async () => (await import("@/lib/platform/db/client")).prisma,
  pdf: () => import("@/lib/exports/run-pdf"),
  csv: () => import("@/lib/exports/run-csv"),
  json: () => import("@/lib/exports/run-json"),
  schema: () => import("@/lib/exports/run-export-schema"),
  format: () => import("@/lib/exports/format"),
};

beforeAll(async () => {
  fx = await seedExportFixture();
}, 120_000);

afterAll(async () => {
  await (await import("@/lib/platform/db/client")).disconnectDatabase();
  db.cleanup();
});

/** Text per page, whitespace collapsed; plus a whitespace-free copy for matching wrapped text. */
async function readPdf(pdf: Buffer) {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { totalPages, text } = await extractText(doc, { mergePages: false });
  const pages = text.map((p) => p.replace(/\s+/g, " ").trim());
  const all = pages.join(" ");
  return { totalPages, pages, all, squashed: all.replace(/\s+/g, "") };
}
const squash = (s: string) => s.replace(/\s+/g, "");

/** With EXPORTS_PDF_DIR set, keeps the PDF (and the data it was made from) for a look. */
async function keep(name: string, pdf: Buffer, runId: string) {
  const dir = process.env.EXPORTS_PDF_DIR;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), pdf);
  const { loadRunExportData } = await import("@/lib/exports/run-export-data");
  fs.writeFileSync(path.join(dir, name.replace(/\.pdf$/, ".data.json")), JSON.stringify(await loadRunExportData({ runId })));
}

describe("PDF record", () => {
  it("renders a finished live run with its cover, every step, the signers and the audit head", async () => {
    const { renderRunPdf } = await lib.pdf();
    const { longDateTime, windowRange } = await lib.format();
    const prisma = await lib.prisma();
    const { pdf, filename, final } = await renderRunPdf({ runId: fx.liveRunId, generatedBy: "Victor Viewer" });
    await keep("finished.pdf", pdf, fx.liveRunId);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(filename).toBe("runsheet-netbackup-master-rehost-nbu-master1-live-cutover.pdf");
    expect(final).toBe(true);

    const run = await prisma.run.findUniqueOrThrow({ where: { id: fx.liveRunId } });
    expect(run.status).toBe("COMPLETED");
    const text = await readPdf(pdf);
    const cover = text.pages[0];

    // Cover fields.
    expect(cover).toContain("RUNBOOK RECORD");
    expect(cover).toContain(fx.projectName);
    expect(cover).toContain("nbu-master1");
    expect(cover).toContain("nbu-master1-new");
    expect(cover).toContain("Keep hostname");
    expect(cover).toContain("Live cutover (Live)");
    expect(cover).toContain("Completed — the forward plan finished");
    expect(cover).toContain(windowRange(run.windowStart, run.windowEnd, "Europe/Berlin"));
    expect(cover).toContain("Europe/Berlin");
    expect(cover).toContain(`${longDateTime(run.startedAt, "Europe/Berlin")} by Alex Admin`);
    expect(cover).toContain(longDateTime(run.endedAt, "Europe/Berlin"));
    // Gates: decision, who, note.
    expect(cover).toContain("GO");
    for (const note of fx.gateNotes) expect(text.squashed).toContain(squash(note));

    // The audit hashes: the run's last event and the chain head, equal to the database.
    const head = await prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    const runHead = await prisma.auditEvent.findFirstOrThrow({ where: { runId: fx.liveRunId }, orderBy: { seq: "desc" } });
    expect(cover).toContain(head.hash);
    expect(cover).toContain(`#${head.seq}`);
    expect(cover).toContain(runHead.hash);
    expect(cover).toContain("How to verify");
    expect(cover).toMatch(/re-hashed when this PDF was generated: all match/);

    // Every step title, the signers, the skip and failure reasons.
    for (const title of fx.stepTitles) expect(text.squashed, title).toContain(squash(title));
    expect(text.all).toContain("Olivia Operator");
    expect(text.all).toContain("Alex Admin");
    expect(text.squashed).toContain(squash("Window was agreed in the CAB meeting last week; approval already on file."));
    expect(text.squashed).toContain(squash("Hot catalog backup OK, media ID \"A00417\"."));
    // A failure that was re-run still shows on its step (from the audit trail).
    expect(text.squashed).toContain(squash("Installer refused: wrong patch level on the media. (re-run afterwards)"));

    // Summary and the chart's phase labels.
    expect(text.all).toContain("Largest overruns");
    expect(text.all).toContain("Planned vs actual by phase");
    // Fleet table: the failed client with its (long) host name and reason.
    expect(text.all).toContain("Fleet: client status");
    expect(text.squashed).toContain(squash("legacy-nis.very-long-subdomain.example.internal"));
    expect(text.squashed).toContain(squash("bpclntcmd -pn timed out"));
    // Audit appendix: every event of the run, with its hash.
    const events = await prisma.auditEvent.findMany({ where: { runId: fx.liveRunId } });
    for (const event of events) expect(text.all).toContain(event.hash);

    // Long commands wrap instead of being cut off (continuation lines carry a » marker).
    const commands = text.squashed.replace(/»/g, "");
    expect(commands).toContain(squash(LONG_COMMAND));
    expect(commands).toContain(squash(UNBROKEN_TOKEN));

    // Page X of Y on every page, and Y is the real page count. Not marked in progress.
    expect(text.totalPages).toBeGreaterThanOrEqual(6);
    text.pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${text.totalPages}`);
      expect(page).toContain(fx.projectName);
      expect(page).toMatch(/Generated .* by Victor Viewer/);
      expect(page).not.toContain("IN PROGRESS");
    });
  }, 60_000);

  it("marks every page of an unfinished run as not a final record", async () => {
    const { renderRunPdf, IN_PROGRESS_MARK } = await lib.pdf();
    const { pdf, final } = await renderRunPdf({ runId: fx.rehearsalRunId, generatedBy: "Olivia Operator" });
    await keep("in-progress.pdf", pdf, fx.rehearsalRunId);
    expect(final).toBe(false);
    const text = await readPdf(pdf);
    expect(text.totalPages).toBeGreaterThanOrEqual(3);
    text.pages.forEach((page, i) => {
      expect(page, `page ${i + 1}`).toContain(IN_PROGRESS_MARK);
      expect(page).toContain(`Page ${i + 1} of ${text.totalPages}`);
    });
    expect(text.pages[0]).toContain("Dress rehearsal (Rehearsal)");
    expect(text.pages[0]).toContain("Not yet — the run is still active");
    expect(text.all).toContain("IN PROGRESS");
  }, 60_000);
});

describe("PDF record of a rolled-back run", () => {
  it("shows the No-Go, the rollback outcome and the rollback steps' record", async () => {
    const { renderRunPdf } = await lib.pdf();
    const { pdf, final } = await renderRunPdf({ runId: fx.rolledBackRunId, generatedBy: "Alex Admin" });
    await keep("rolled-back.pdf", pdf, fx.rolledBackRunId);
    expect(final).toBe(true);
    const text = await readPdf(pdf);
    expect(text.pages[0]).toContain("Rolled back — the rollback steps finished after a No-Go");
    expect(text.pages[0]).toContain("NO-GO");
    expect(text.squashed).toContain(squash("Catalog backup failed twice; rolling back."));
    expect(text.all).toContain("Decision: NO-GO — the run switched to its rollback steps");
    expect(text.all).not.toContain("IN PROGRESS");
  }, 60_000);
});

describe("CSV", () => {
  it("has a BOM, CRLF rows, the expected columns and one properly quoted row per step", async () => {
    const { buildRunCsv, RUN_CSV_COLUMNS } = await lib.csv();
    const { csv, filename } = await buildRunCsv({ runId: fx.liveRunId });
    expect(filename).toBe("runsheet-netbackup-master-rehost-nbu-master1-live-cutover.csv");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    // Header plus one CRLF-terminated record per step (no field in the fixture holds a newline).
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toHaveLength(fx.stepTitles.length + 2);
    expect(csv.replace(/\r\n/g, "")).not.toContain("\n");

    const parsed = Papa.parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.meta.fields).toEqual([...RUN_CSV_COLUMNS]);
    expect(parsed.data).toHaveLength(fx.stepTitles.length);
    expect(parsed.data.map((r) => r.Title)).toEqual(fx.stepTitles);
    expect(parsed.data.map((r) => r.Number).slice(0, 3)).toEqual(["1", "2", "3"]);
    expect(parsed.data.at(-1)!.Number).toBe("R5");

    const skipped = parsed.data.find((r) => r.Title === fx.skippedStepTitle)!;
    expect(skipped.Status).toBe("Skipped");
    expect(skipped.Reason).toBe("Window was agreed in the CAB meeting last week; approval already on file.");
    const noted = parsed.data.find((r) => r.Note.includes("A00417"))!;
    expect(noted.Note).toBe('Hot catalog backup OK, media ID "A00417".');
    expect(noted["Signed off by"]).toBe("Olivia Operator");
    expect(noted.Started).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/);
    expect(noted["Signed off at"]).toBe(noted.Finished);
    expect(Number(noted["Actual minutes"]) - Number(noted["Planned minutes"])).toBe(Number(noted["Variance minutes"]));
    const gate = parsed.data.find((r) => r.Kind === "Go/No-Go gate")!;
    expect(gate.Status).toBe("Go");
    const rollback = parsed.data.find((r) => r.Number === "R1")!;
    expect(rollback.Status).toBe("Not run");
    expect(rollback["Actual minutes"]).toBe("");
  });
});

describe("JSON", () => {
  it("validates against its schema; its plan is a runbook document that imports again", async () => {
    const { buildRunJson } = await lib.json();
    const { runExportSchema } = await lib.schema();
    const { runbookDocumentSchema } = await import("@/lib/templates/runbook-document");
    const { hashAuditEvent } = await import("@/lib/audit/chain");
    const prisma = await lib.prisma();
    const { json, filename } = await buildRunJson({ runId: fx.liveRunId, exportedBy: "Alex Admin" });
    expect(filename).toBe("runsheet-netbackup-master-rehost-nbu-master1-live-cutover.json");

    const roundTripped = JSON.parse(JSON.stringify(json));
    expect(runExportSchema.safeParse(roundTripped).error).toBeUndefined();
    expect(runbookDocumentSchema.safeParse(roundTripped.plan).error).toBeUndefined();
    expect(json.format).toBe("runsheet.run-export");
    expect(json.version).toBe(1);
    expect(json.run.final).toBe(true);

    // State per step, keyed by the plan's keys.
    const keys = json.plan.phases.flatMap((p) => p.steps.map((s) => s.key));
    expect(Object.keys(json.run.steps).sort()).toEqual([...keys].sort());
    expect(keys).toHaveLength(fx.stepTitles.length);
    const fleetStep = Object.values(json.run.steps).find((s) => s.fleet)!;
    expect(fleetStep.fleet).toHaveLength(10);
    expect(fleetStep.fleet!.filter((c) => c.status === "FAILED").map((c) => c.hostname)).toEqual(["legacy-nis.very-long-subdomain.example.internal"]);

    // Audit: the head is the chain's, and each event's hash recomputes from the export alone.
    const head = await prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(json.audit.head).toEqual({ seq: head.seq, hash: head.hash });
    expect(json.audit.events).toHaveLength(await prisma.auditEvent.count({ where: { runId: fx.liveRunId } }));
    for (const e of json.audit.events) expect(hashAuditEvent(e.prevHash, { ...e, at: new Date(e.at) })).toBe(e.hash);

    // The plan imports as a new project's runbook.
    const { instantiateRunbook } = await import("@/lib/projects/service");
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    const copy = await prisma.project.create({
      data: { name: "Imported", sourceHost: "a", targetHost: "b", timezone: "UTC", windowStart: new Date(), windowEnd: new Date(Date.now() + 3_600_000) },
    });
    await runTransaction((tx) => instantiateRunbook(tx, { projectId: copy.id, document: runbookDocumentSchema.parse(roundTripped.plan) }));
    expect(await prisma.step.count({ where: { projectId: copy.id } })).toBe(fx.stepTitles.length);
    expect(await prisma.stepDependency.count({ where: { step: { projectId: copy.id } } })).toBe(await prisma.stepDependency.count({ where: { step: { projectId: fx.projectId } } }));
  });

  it("refuses a document that doesn't match the schema", async () => {
    const { buildRunJson } = await lib.json();
    const { runExportSchema } = await lib.schema();
    const { json } = await buildRunJson({ runId: fx.rehearsalRunId, exportedBy: "Alex Admin" });
    expect(json.run.final).toBe(false);
    const broken = JSON.parse(JSON.stringify(json));
    delete broken.run.steps[Object.keys(broken.run.steps)[0]];
    expect(runExportSchema.safeParse(broken).success).toBe(false);
    expect(runExportSchema.safeParse({ ...json, version: 2 }).success).toBe(false);
  });
});

describe("not found", () => {
  it("throws NotFoundError for an unknown run", async () => {
    const { renderRunPdf } = await lib.pdf();
    const { NotFoundError } = await import("@/lib/platform/errors");
    await expect(renderRunPdf({ runId: "nope", generatedBy: "x" })).rejects.toBeInstanceOf(NotFoundError);
  });
});

// Speed is measured by `npm run bench`, not asserted here: this checks the large run renders completely.
describe("large runs", () => {
  it("renders a 300-step run with 5,000 fleet clients, every client listed", async () => {
    const { loadRunExportData } = await import("@/lib/exports/run-export-data");
    const { runPdfBuffer, renderRunPdf } = await lib.pdf();
    const { warmUpPdfRenderer } = await lib.pdf();
    const { runId } = await seedLargeRun({ actor: fx.admin, steps: 300, clients: 5000 });
    // The server's start-up warm-up: it reads the newest run (this one) and must change nothing.
    const prisma = await lib.prisma();
    const before = { events: await prisma.auditEvent.count(), runs: await prisma.run.count() };
    await warmUpPdfRenderer();
    expect({ events: await prisma.auditEvent.count(), runs: await prisma.run.count() }).toEqual(before);

    const data = await loadRunExportData({ runId });
    const pdf = await runPdfBuffer(data, "Alex Admin");
    await keep("large.pdf", pdf, runId);
    const text = await readPdf(pdf);
    expect(data.steps).toHaveLength(300);
    expect(data.fleet!.rows).toHaveLength(5000);
    // The fleet grid lists every client (without the suffix all of them share).
    expect(text.all).toContain("without their common suffix “.prod.example.internal”");
    for (const n of ["00000", "02500", "04999"]) expect(text.all).toMatch(new RegExp(`client-${n}\\s+verified`));
    expect(text.pages.at(-1)).toContain(`Page ${text.totalPages} of ${text.totalPages}`);
  }, 180_000);
});
