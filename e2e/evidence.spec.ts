/**
 * Evidence on a step of an active run: a file attached through the step card is stored under its
 * SHA-256 (evidence/<sha[0:2]>/<sha> next to the database), recorded with an audit event that
 * holds the hash, served back unchanged (nosniff), and listed in the PDF and JSON with its hash.
 * Refused files (empty, wrong kind, too large) leave nothing behind; viewers read but don't
 * attach; an ended run takes no more evidence.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { APIRequestContext, Locator, Page } from "@playwright/test";
import { e2eDatabaseUrl, type E2eDatabase } from "./support/e2e-database";
import { auditCount, BASE_URL, expect, pdfText, RunBoard, test, uniqueHost, uniqueName, type PlanStep, type RunsheetApi } from "./fixtures";

const SCREENSHOTS = path.join(process.cwd(), "screenshots");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const MB = 1024 * 1024;
const KIND_MESSAGE = "isn't a kind of file kept as evidence. Attach a screenshot (PNG, JPEG, GIF, WebP), a text file or log (TXT, LOG, OUT, CSV, JSON) or a PDF.";

// Refused uploads are checked by counting every file in the evidence folder and every attachment
// row: the tests of this file run one after another so none of them attaches while another counts.
test.describe.configure({ mode: "default" });

// ---------------------------------------------------------------- helpers (this spec only)

interface UploadFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

interface AttachmentRow {
  id: string;
  runId: string;
  stepId: string;
  clientId: string | null;
  sha256: string;
  name: string;
  size: number;
  contentType: string;
  uploadedById: string | null;
  uploadedByName: string;
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** The e2e server keeps evidence in its data folder (lib/platform/storage/evidence.ts): its SQLite file's, or the run's own on PostgreSQL (playwright.config.ts). */
function evidenceRoot(): string {
  if (e2eDatabaseUrl()) return path.join(`${process.env.E2E_DATABASE_PATH!}.files`, "evidence");
  return path.join(path.dirname(process.env.E2E_DATABASE_PATH!), "evidence");
}

const evidenceFile = (sha: string) => path.join(evidenceRoot(), sha.slice(0, 2), sha);

/** Every file under the evidence folder (0 before the first attachment ever). */
function evidenceFiles(): string[] {
  const root = evidenceRoot();
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((name) => fs.statSync(path.join(root, name)).isFile());
}

const attachmentCount = (db: E2eDatabase) => (db.prepare(`SELECT count(*) AS n FROM attachment`).get() as { n: number }).n;
const attachmentsOf = (db: E2eDatabase, runId: string, stepId: string) => db.prepare(`SELECT * FROM attachment WHERE runId = ? AND stepId = ? ORDER BY createdAt, rowid`).all(runId, stepId) as AttachmentRow[];

/** A unique plain-text log, as an operator would save command output. */
function logFile(prefix = "bpdbjobs-report"): UploadFile {
  const name = `${uniqueHost(prefix)}.log`;
  const buffer = Buffer.from(`$ bpdbjobs -report -most_columns\n${uniqueName("job")} 0 Backup Done 0 nbu-master\nexit status 0\n`, "utf8");
  return { name, mimeType: "text/plain", buffer };
}

/** A valid `size`×`size` RGB PNG, its pixels seeded by `seed` so every image has its own hash. */
function pngFile(name: string, seed: string, size = 8): UploadFile {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const typed = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const noise = createHash("sha256").update(seed).digest();
  const raw = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    raw[y * (1 + size * 3)] = 0; // filter: none
    for (let x = 0; x < size * 3; x++) raw[y * (1 + size * 3) + 1 + x] = (noise[(y * size * 3 + x) % noise.length] + x * 13 + y * 29) & 0xff;
  }
  const buffer = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", header), chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
  return { name, mimeType: "image/png", buffer };
}

/** POST /api/runs/:runId/steps/:stepId/evidence as a multipart form, the way the page sends it. */
async function attachThroughApi(api: RunsheetApi, runId: string, stepId: string, file: UploadFile): Promise<{ status: number; body: { id?: string; sha256?: string; error?: { code: string; message: string } } }> {
  const response = await api.request.post(`${BASE_URL}/api/runs/${runId}/steps/${stepId}/evidence`, { multipart: { file }, headers: { origin: BASE_URL } });
  const text = await response.text();
  try {
    return { status: response.status(), body: JSON.parse(text) };
  } catch {
    throw new Error(`evidence POST answered ${response.status()} with non-JSON: ${text.slice(0, 300)}`);
  }
}

/** Picks `file` in the step's "Attach file" input and waits for the server's answer. */
async function attachThroughPage(page: Page, section: Locator, step: PlanStep, runId: string, file: UploadFile): Promise<number> {
  const answered = page.waitForResponse((r) => r.url().endsWith(`/api/runs/${runId}/steps/${step.id}/evidence`) && r.request().method() === "POST");
  await section.getByLabel(`Attach a file to step ${step.number}`).setInputFiles(file);
  return (await answered).status();
}

const evidenceSection = (board: RunBoard, step: PlanStep) => board.card(step).getByRole("region", { name: `Evidence for step ${step.number}`, exact: true });

function firstTask(steps: PlanStep[]): PlanStep {
  const step = steps.find((s) => s.kind === "TASK");
  if (!step) throw new Error("The template has no TASK step");
  return step;
}

// ---------------------------------------------------------------- tests

test.describe("evidence", () => {
  test("attach a file, see its hash in the audit log and in the PDF", async ({ page, loginAs, adminApi, createProject, startRun, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const run = await startRun(project.id);
    const step = firstTask(project.steps);
    // The card offers evidence once work on the step has started (components/runs/step-card.tsx).
    await adminApi.act(run.id, step, "start");
    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const section = evidenceSection(board, step);
    await expect(section.getByText("Attach file", { exact: true })).toBeVisible();

    // A command's output, picked in the file input.
    const log = logFile();
    const logSha = sha256(log.buffer);
    expect(await attachThroughPage(page, section, step, run.id, log)).toBe(200);
    const logLink = section.getByRole("link", { name: log.name, exact: true });
    await expect(logLink).toBeVisible();
    await expect(section.getByRole("listitem").filter({ has: page.getByRole("link", { name: log.name, exact: true }) })).toContainText(`${log.buffer.length} B · ${operator.name} · SHA-256 ${logSha.slice(0, 12)}…`);
    await expect(section.getByText(`SHA-256 ${logSha.slice(0, 12)}…`, { exact: true })).toHaveAttribute("title", `SHA-256 ${logSha}`);
    await expect(section.getByRole("alert")).toHaveCount(0);

    // The row, and the bytes under their hash.
    const [row] = attachmentsOf(db, run.id, step.id);
    expect(row).toMatchObject({ runId: run.id, stepId: step.id, clientId: null, sha256: logSha, name: log.name, size: log.buffer.length, contentType: "text/plain", uploadedById: operator.id, uploadedByName: operator.name });
    expect(fs.readFileSync(evidenceFile(logSha)).equals(log.buffer), "the stored file has the uploaded bytes").toBe(true);
    expect(fs.readdirSync(path.dirname(evidenceFile(logSha))).filter((f) => f.endsWith(".partial")), "no temporary file is left").toEqual([]);

    // The audit event holds the hash.
    const event = db.prepare(`SELECT actorId, actorName, projectId, runId, entityType, "before", "after" FROM audit_event WHERE action = 'evidence.attach' AND entityId = ?`).get(row.id) as {
      actorId: string;
      actorName: string;
      projectId: string;
      runId: string;
      entityType: string;
      before: string;
      after: string;
    };
    expect(event).toMatchObject({ actorId: operator.id, actorName: operator.name, projectId: project.id, runId: run.id, entityType: "attachment", before: "null" });
    expect(JSON.parse(event.after)).toEqual({ stepTitle: step.title, name: log.name, size: log.buffer.length, sha256: logSha });

    // Served back byte for byte, as text that the browser must not sniff, as a download.
    const download = await page.request.get(`${BASE_URL}/api/attachments/${row.id}`);
    expect(download.status()).toBe(200);
    expect((await download.body()).equals(log.buffer)).toBe(true);
    expect(download.headers()["content-type"]).toBe("text/plain");
    expect(download.headers()["x-content-type-options"]).toBe("nosniff");
    expect(download.headers()["content-disposition"]).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(log.name)}`);
    await expect(logLink).toHaveAttribute("href", `/api/attachments/${row.id}`);

    // A screenshot, also through the file input.
    const png = pngFile(`${uniqueHost("catalog-check")}.png`, uniqueName("png"));
    const pngSha = sha256(png.buffer);
    expect(await attachThroughPage(page, section, step, run.id, png)).toBe(200);
    await expect(section.getByRole("link", { name: png.name, exact: true })).toBeVisible();
    await expect(section.getByText("Evidence (2)", { exact: true })).toBeVisible();
    const rows = attachmentsOf(db, run.id, step.id);
    expect(rows.map((r) => [r.name, r.sha256, r.contentType])).toEqual([
      [log.name, logSha, "text/plain"],
      [png.name, pngSha, "image/png"],
    ]);
    expect(fs.readFileSync(evidenceFile(pngSha)).equals(png.buffer)).toBe(true);
    const image = await page.request.get(`${BASE_URL}/api/attachments/${rows[1].id}`);
    expect(image.status()).toBe(200);
    expect((await image.body()).equals(png.buffer)).toBe(true);
    expect(image.headers()).toMatchObject({ "content-type": "image/png", "x-content-type-options": "nosniff" });
    expect(image.headers()["content-disposition"]).toMatch(/^inline;/);
    expect(auditCount(db, { action: "evidence.attach", runId: run.id })).toBe(2);

    // The audit page lists both attachments, by the operator, on the step.
    await page.goto(`/projects/${project.id}/audit`);
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    await expect(page.getByTestId("chain-status")).toHaveText(/^✓ Hash chain verified/);
    const attachRows = page.getByRole("row").filter({ hasText: operator.name });
    await expect(attachRows).toHaveCount(2);
    for (let i = 0; i < 2; i++) await expect(attachRows.nth(i)).toContainText(`“${step.title}”`);
    // What an auditor needs from the line: a readable action, which file, and its fingerprint.
    const logRow = attachRows.nth(1); // newest first: the log was attached first
    expect.soft(await logRow.getByRole("cell").nth(3).innerText(), "the action reads as words like every other action, not the raw key").not.toBe("evidence.attach");
    await expect.soft(logRow, "the audit page names the attached file").toContainText(log.name);
    await expect.soft(logRow, "the audit page shows the file's SHA-256 (at least its start)").toContainText(logSha.slice(0, 12));

    // The PDF lists both with name and full SHA-256, and draws the PNG.
    const pdf = await pdfText(page.request, run.id);
    expect(pdf).toContain(log.name);
    expect(pdf).toContain(`SHA-256 ${logSha}`);
    expect(pdf).toContain(`${log.name} · ${log.buffer.length} bytes · by ${operator.name}`);
    expect(pdf).toContain(png.name);
    expect(pdf).toContain(`SHA-256 ${pngSha}`);

    // The JSON export has them under the step.
    const json = await page.request.get(`${BASE_URL}/api/runs/${run.id}/export/json`);
    expect(json.status()).toBe(200);
    const record = (await json.json()) as { run: { steps: Record<string, { evidence?: { name: string; size: number; sha256: string; by: string; at: string }[] }> } };
    expect(record.run.steps[step.number].evidence).toEqual([
      { name: log.name, size: log.buffer.length, sha256: logSha, by: operator.name, at: expect.any(String) },
      { name: png.name, size: png.buffer.length, sha256: pngSha, by: operator.name, at: expect.any(String) },
    ]);
  });

  test("bad files are refused and nothing is stored", async ({ page, loginAs, apiAs, adminApi, createProject, startRun, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const run = await startRun(project.id);
    const step = firstTask(project.steps);
    await adminApi.act(run.id, step, "start");
    await loginAs(page, "OPERATOR");
    const operatorApi = await apiAs("OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const section = evidenceSection(board, step);
    const alert = section.getByRole("alert");

    const rowsBefore = attachmentCount(db);
    const filesBefore = evidenceFiles().length;
    const refused: Buffer[] = [];
    const nothingStored = (what: string) => {
      expect(attachmentCount(db), `${what}: no attachment row`).toBe(rowsBefore);
      expect(evidenceFiles().length, `${what}: no file in the evidence folder`).toBe(filesBefore);
      for (const bytes of refused) expect(fs.existsSync(evidenceFile(sha256(bytes))), `${what}: not stored under its hash`).toBe(false);
      expect(evidenceFiles().filter((f) => f.endsWith(".partial")), `${what}: no temporary file`).toEqual([]);
    };

    // An empty file, picked in the page.
    const empty: UploadFile = { name: `${uniqueHost("empty-output")}.log`, mimeType: "text/plain", buffer: Buffer.alloc(0) };
    expect(await attachThroughPage(page, section, step, run.id, empty)).toBe(400);
    await expect(alert).toHaveText(`"${empty.name}" is empty.`);
    await expect(section.getByRole("listitem")).toHaveCount(0);
    nothingStored("an empty file");

    // A program, picked in the page (the picker's accept list is only a hint).
    const program: UploadFile = { name: `${uniqueHost("nbu-fix")}.exe`, mimeType: "application/x-msdownload", buffer: Buffer.concat([Buffer.from("MZ\x90\x00", "latin1"), Buffer.from(uniqueName("payload"))]) };
    refused.push(program.buffer);
    expect(await attachThroughPage(page, section, step, run.id, program)).toBe(400);
    await expect(alert).toHaveText(`"${program.name}" ${KIND_MESSAGE}`);
    await expect(section.getByRole("listitem")).toHaveCount(0);
    nothingStored("a .exe");

    // A program renamed to .log but still declared as a program: refused through the API.
    const disguised: UploadFile = { name: `${uniqueHost("nbu-fix")}.exe.log`, mimeType: "application/x-msdownload", buffer: Buffer.concat([Buffer.from("MZ\x90\x00", "latin1"), Buffer.from(uniqueName("payload"))]) };
    refused.push(disguised.buffer);
    const disguisedAnswer = await attachThroughApi(operatorApi, run.id, step.id, disguised);
    expect(disguisedAnswer.status, JSON.stringify(disguisedAnswer.body)).toBe(400);
    expect(disguisedAnswer.body.error).toMatchObject({ code: "invalid_input", message: `"${disguised.name}" ${KIND_MESSAGE}` });
    nothingStored("a program declared as such under a .log name");

    // One byte over the default 10 MB, through the API: refused by the file check.
    const justOver: UploadFile = { name: `${uniqueHost("catalog-dump")}.log`, mimeType: "text/plain", buffer: Buffer.alloc(10 * MB + 1, uniqueName("x")) };
    refused.push(justOver.buffer);
    const justOverAnswer = await attachThroughApi(operatorApi, run.id, step.id, justOver);
    expect(justOverAnswer.status, JSON.stringify(justOverAnswer.body)).toBe(400);
    expect(justOverAnswer.body.error).toMatchObject({ code: "invalid_input", message: `"${justOver.name}" is larger than 10 MB.` });
    nothingStored("10 MB + 1 byte");

    // Well over it: refused from the declared length with 413, before the body is read (the route's body cap).
    const farOver: UploadFile = { name: `${uniqueHost("catalog-dump")}.log`, mimeType: "text/plain", buffer: Buffer.alloc(12 * MB, uniqueName("y")) };
    refused.push(farOver.buffer);
    const farOverAnswer = await attachThroughApi(operatorApi, run.id, step.id, farOver);
    expect(farOverAnswer.status, JSON.stringify(farOverAnswer.body)).toBe(413);
    expect(farOverAnswer.body.error).toMatchObject({ code: "too_large", message: "The request is larger than 10 MB. Nothing was changed." });
    nothingStored("12 MB");

    expect(auditCount(db, { action: "evidence.attach", runId: run.id })).toBe(0);
    // The page still offers the picker, and a good file after the refusals clears the message.
    const good = logFile("after-refusals");
    expect(await attachThroughPage(page, section, step, run.id, good)).toBe(200);
    await expect(section.getByRole("link", { name: good.name, exact: true })).toBeVisible();
    await expect(alert).toHaveCount(0);
    expect(attachmentCount(db)).toBe(rowsBefore + 1);
  });

  test("a viewer can read evidence but not attach; an ended run takes none", async ({ page, loginAs, apiAs, adminApi, newSession, createProject, startRun, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const run = await startRun(project.id);
    const step = firstTask(project.steps);
    await adminApi.act(run.id, step, "start");
    const operatorApi = await apiAs("OPERATOR");
    const first = logFile("before-the-end");
    const attached = await attachThroughApi(operatorApi, run.id, step.id, first);
    expect(attached.status, JSON.stringify(attached.body)).toBe(200);
    expect(attached.body.sha256).toBe(sha256(first.buffer));
    const attachmentId = attached.body.id!;

    // The viewer sees the list and can open the file, but gets no way to attach.
    const viewer = await newSession("VIEWER");
    const viewerBoard = new RunBoard(viewer.page, project.id, run.id);
    await viewerBoard.goto();
    const viewerSection = evidenceSection(viewerBoard, step);
    await expect(viewerSection.getByRole("link", { name: first.name, exact: true })).toBeVisible();
    await expect(viewerSection).toContainText(`SHA-256 ${sha256(first.buffer).slice(0, 12)}…`);
    await expect(viewerSection.getByLabel(`Attach a file to step ${step.number}`)).toHaveCount(0);
    await expect(viewer.page.getByText("Attach file", { exact: true })).toHaveCount(0);
    await expect(viewerSection).not.toHaveAttribute("tabindex");
    // A step without evidence has no evidence section at all for a viewer.
    const other = project.steps.find((s) => s.kind === "TASK" && s.id !== step.id)!;
    await expect(viewerBoard.card(other)).toBeVisible();
    await expect(evidenceSection(viewerBoard, other)).toHaveCount(0);
    const opened = await viewer.page.request.get(`${BASE_URL}/api/attachments/${attachmentId}`);
    expect(opened.status()).toBe(200);
    expect((await opened.body()).equals(first.buffer)).toBe(true);

    // …nor through the API.
    const rowsBefore = attachmentCount(db);
    const filesBefore = evidenceFiles().length;
    const viewerApi = await apiAs(viewer.user);
    const byViewer = logFile("viewer-try");
    const forbidden = await attachThroughApi(viewerApi, run.id, step.id, byViewer);
    expect(forbidden.status, JSON.stringify(forbidden.body)).toBe(403);
    expect(forbidden.body.error).toMatchObject({ code: "forbidden", message: "Your role can't attach evidence." });
    expect(attachmentCount(db)).toBe(rowsBefore);
    expect(evidenceFiles().length).toBe(filesBefore);
    expect(fs.existsSync(evidenceFile(sha256(byViewer.buffer)))).toBe(false);

    // The rehearsal is ended: its record takes no more evidence.
    const ended = await adminApi.post(`/api/runs/${run.id}/end`, { reason: uniqueName("Rehearsal ends before the cutover steps") });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(db.prepare(`SELECT status FROM run WHERE id = ?`).get(run.id)).toEqual({ status: "COMPLETED" });
    const late = logFile("after-the-end");
    const conflict = await attachThroughApi(operatorApi, run.id, step.id, late);
    expect(conflict.status, JSON.stringify(conflict.body)).toBe(409);
    expect(conflict.body.error).toMatchObject({ code: "conflict", message: "This run has ended; its record can't be changed." });
    expect(attachmentCount(db)).toBe(rowsBefore);
    expect(evidenceFiles().length).toBe(filesBefore);
    expect(fs.existsSync(evidenceFile(sha256(late.buffer)))).toBe(false);
    expect(auditCount(db, { action: "evidence.attach", runId: run.id })).toBe(1);

    // An operator on the ended run sees the evidence, without an Attach control.
    await loginAs(page, operatorApi.user);
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await expect(page.getByText("No clock runs on an ended run")).toBeVisible();
    const section = evidenceSection(board, step);
    await expect(section.getByRole("link", { name: first.name, exact: true })).toBeVisible();
    await expect(section.getByLabel(`Attach a file to step ${step.number}`)).toHaveCount(0);
    await expect(page.getByText("Attach file", { exact: true })).toHaveCount(0);
  });

  test("screenshots: a step card with two attachments", async ({ page, loginAs, apiAs, adminApi, createProject, startRun }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const run = await startRun(project.id);
    const step = firstTask(project.steps);
    await adminApi.act(run.id, step, "start");
    const operator = await loginAs(page, "OPERATOR");
    const operatorApi = await apiAs(operator);
    // Realistic names: a long log name (must wrap on a phone) and a screenshot.
    const files = [
      { name: `bpdbjobs-report-most-columns-${uniqueHost("nbu-master")}-before-catalog-backup.log`, mimeType: "text/plain", buffer: Buffer.from(`${uniqueName("job list")}\n`.repeat(40)) },
      pngFile(`${uniqueHost("nbu-console")}-activity-monitor.png`, uniqueName("shot"), 32),
    ];
    for (const file of files) {
      const answer = await attachThroughApi(operatorApi, run.id, step.id, file);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const card = board.card(step);
    const section = evidenceSection(board, step);
    await expect(section.getByRole("listitem")).toHaveCount(2);
    await expect(section.getByText("Evidence (2)", { exact: true })).toBeVisible();
    await expect(section.getByText("Attach file", { exact: true })).toBeVisible();

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const shots: [string, { width: number; height: number }, "light" | "dark"][] = [
      ["evidence-step-card-1280.png", DESKTOP, "light"],
      ["evidence-step-card-390.png", PHONE, "light"],
      ["evidence-step-card-390-dark.png", PHONE, "dark"],
    ];
    for (const [file, viewport, scheme] of shots) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      await card.scrollIntoViewIfNeeded();
      await expect(section).toBeInViewport();
      await card.screenshot({ path: path.join(SCREENSHOTS, file) });
      // Nothing of the section sticks out of the card, and the page doesn't scroll sideways.
      const [cardBox, sectionBox] = [await card.boundingBox(), await section.boundingBox()];
      expect.soft(sectionBox!.x + sectionBox!.width, `${file}: the evidence list fits in the card`).toBeLessThanOrEqual(cardBox!.x + cardBox!.width + 0.5);
      expect.soft(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${file}: no sideways scroll`).toBeLessThanOrEqual(0);
    }
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(DESKTOP);
  });
});
