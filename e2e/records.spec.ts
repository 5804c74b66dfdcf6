/**
 * Run records: an ended run's record is final (plan edits and renames don't rewrite it), plan
 * changes reach an active run only when an admin applies them, and the run lifecycle (live-start
 * confirmation, abort, end rehearsal). Also: the auth library's unused endpoints answer 404.
 */
import fs from "node:fs";
import path from "node:path";
import type { E2eDatabase } from "./support/e2e-database";
import type { APIRequestContext, Page } from "@playwright/test";
import { formatInZone, formatWindow } from "../lib/platform/time";
import { auditCount, BASE_URL, expect, loadPlan, RunBoard, stepRunRow, test, TIME_ZONE, uniqueName, waitUntilLive, type PlanStep, type RunsheetApi } from "./fixtures";

const SCREENSHOTS = path.join(process.cwd(), "screenshots");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

// ---------------------------------------------------------------- helpers (this spec only)

interface SmallPlan {
  projectId: string;
  name: string;
  phases: { id: string; title: string }[];
  steps: PlanStep[];
  step: (number: string) => PlanStep;
}

/** Adds phases and steps (no predecessors, so every step can start at once) to an empty project through the admin API. */
async function buildSmallPlan(api: RunsheetApi, db: E2eDatabase, projectId: string, name: string, layout: { phase: string; steps: [string, number][] }[]): Promise<SmallPlan> {
  const phases: { id: string; title: string }[] = [];
  for (const { phase, steps } of layout) {
    const title = uniqueName(phase);
    const created = await api.post<{ id: string }>(`/api/projects/${projectId}/phases`, { title });
    expect(created.status, `add phase: ${JSON.stringify(created.body)}`).toBe(200);
    phases.push({ id: created.body.id, title });
    for (const [stepTitle, plannedMinutes] of steps) {
      const step = await api.post<{ id: string }>(`/api/projects/${projectId}/steps`, { phaseId: created.body.id, title: uniqueName(stepTitle), plannedMinutes, kind: "TASK" });
      expect(step.status, `add step: ${JSON.stringify(step.body)}`).toBe(200);
    }
  }
  const steps = loadPlan(db, projectId);
  return {
    projectId,
    name,
    phases,
    steps,
    step: (number) => {
      const found = steps.find((s) => s.number === number);
      if (!found) throw new Error(`No step ${number}`);
      return found;
    },
  };
}

/** DELETE through the signed-in client (RunsheetApi only has POST and PATCH). */
async function apiDelete(api: RunsheetApi, url: string): Promise<void> {
  const response = await api.request.fetch(`${BASE_URL}${url}`, { method: "DELETE", headers: { origin: BASE_URL } });
  expect(response.status(), `DELETE ${url}: ${await response.text()}`).toBe(200);
}

async function apiGet(request: APIRequestContext, url: string): Promise<{ status: number; body: Buffer }> {
  const response = await request.get(`${BASE_URL}${url}`);
  return { status: response.status(), body: await response.body() };
}

const latestPlanVersion = (db: E2eDatabase, projectId: string) =>
  (db.prepare(`SELECT max(version) AS v FROM plan_version WHERE projectId = ?`).get(projectId) as { v: number }).v;

/**
 * The page's <main> text without the live indicator ("Live", "Viewing now: …"): who else has the
 * page open is presence, not the record. Read until two reads agree, so charts and client-rendered
 * parts have settled.
 */
async function mainText(page: Page): Promise<string> {
  const read = () =>
    page.evaluate(() => {
      const indicators = [...document.querySelectorAll<HTMLElement>('main [role="status"][aria-label$="live updates"], main [aria-label="Live updates connected"]')].map((el) => el.parentElement!);
      const saved = indicators.map((el) => el.style.display);
      indicators.forEach((el) => (el.style.display = "none"));
      const text = document.querySelector("main")!.innerText;
      indicators.forEach((el, i) => (el.style.display = saved[i]));
      return text;
    });
  let last: string | null = null;
  await expect
    .poll(
      async () => {
        const now = await read();
        const same = now === last;
        last = now;
        return same;
      },
      { message: "the page's text settles", intervals: [300] },
    )
    .toBe(true);
  return last!;
}

/** The PDF's text, page by page, with whitespace collapsed. */
async function pdfText(pdf: Buffer): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, " ").trim()).join("\n");
}

/**
 * The PDF's text minus what depends on the moment of export (lib/exports/pdf/run-document.tsx):
 * the footer "Generated <date> by <name>" on every page, and the installation-wide audit chain
 * head ("Chain head at export #N … <hash>", "chain head at export #N.") and its signed checkpoint
 * ("Signed head #N, signed … <hash>", "Signature …"), which move with every event anywhere. Everything else is the run's record.
 */
function pdfRecordText(text: string, generatedBy: string): string {
  const escaped = generatedBy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text
    .replace(new RegExp(`Generated .+? by ${escaped}`, "g"), "<generated>")
    .replace(/Chain head at export #\d+ \(the newest event of the whole installation when this was generated\) ?[0-9a-f]{64}/g, "<chain head>")
    .replace(/chain head at export #\d+\./g, "<chain head>.")
    // The signed checkpoint at export (lib/audit/checkpoint.ts) moves with the chain head.
    .replace(/Signed head #\d+, signed \S+ \(Ed25519\) ?[0-9a-f]{64}/g, "<signed head>")
    .replace(/Signature [A-Za-z0-9+/]{44} [A-Za-z0-9+/]{42}==/g, "<signature>");
}

/**
 * The JSON export minus its export-time fields (lib/exports/run-json.ts): `exportedAt` (when) and
 * `audit.head` (the installation-wide chain head at that moment). `exportedBy` stays: the same
 * viewer exports both times. The run's own audit head (`audit.runHead`) and events stay too.
 */
function jsonRecord(body: Buffer): Record<string, unknown> {
  const json = JSON.parse(body.toString("utf8")) as { exportedAt?: string; audit: { head?: unknown } };
  expect(json.exportedAt, "the JSON names its export time").toEqual(expect.any(String));
  expect(json.audit.head, "the JSON names the chain head").toBeTruthy();
  delete json.exportedAt;
  delete json.audit.head;
  delete (json.audit as { signedHead?: unknown }).signedHead;
  return json as unknown as Record<string, unknown>;
}

/** A screenshot at `viewport` once `ready` passes: the whole page, or only the viewport (a modal dialog). */
async function screenshotAt(page: Page, name: string, viewport: { width: number; height: number }, ready: () => Promise<void>, options: { fullPage?: boolean } = {}) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.setViewportSize(viewport);
  await ready();
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}.png`), fullPage: options.fullPage ?? true });
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// ---------------------------------------------------------------- tests

test.describe("run records", () => {
  test("an ended run's record doesn't change", async ({ page, loginAs, newSession, apiAs, adminApi, createProject, db }) => {
    test.setTimeout(120_000);
    const project = await createProject({ template: "empty" });
    const plan = await buildSmallPlan(adminApi, db, project.id, project.name, [
      { phase: "Prepare", steps: [["Stop the old master", 20], ["Copy the catalog", 45], ["Check the catalog copy", 15]] },
      { phase: "Cutover", steps: [["Switch DNS", 10], ["Start services", 15]] },
      { phase: "Tidy up", steps: [["Remove the old host", 30]] },
    ]);
    const [done, skipped, running, pending] = ["1", "2", "3", "4"].map(plan.step);
    const moved = plan.step("5");
    const removedWithPhase = plan.step("6");

    // The rehearsal starts from the project page, as an admin does it.
    const admin = await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Start rehearsal", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/runs/[^/]+$`));
    const runId = page.url().split("/").pop()!;
    expect(db.prepare(`SELECT kind, status, startedById FROM run WHERE id = ?`).get(runId)).toEqual({ kind: "REHEARSAL", status: "ACTIVE", startedById: admin.id });
    const runName = (db.prepare(`SELECT name FROM run WHERE id = ?`).get(runId) as { name: string }).name;

    const operator = await apiAs("OPERATOR");
    await operator.act(runId, done, "done", { note: "Catalog quiesced at 02:00." });
    await operator.act(runId, skipped, "skip", { reason: "The catalog was copied during the previous rehearsal." });
    // Left running when the rehearsal ends: its duration must not keep counting on the record.
    await operator.act(runId, running, "start");

    // End the rehearsal early through the UI.
    const board = new RunBoard(page, project.id, runId);
    await board.goto();
    await page.getByRole("button", { name: "End rehearsal…" }).click();
    const dialog = page.getByRole("dialog", { name: `End ${runName} early` });
    await dialog.getByRole("button", { name: "End the rehearsal" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("A reason is required.");
    expect(db.prepare(`SELECT status FROM run WHERE id = ?`).get(runId)).toEqual({ status: "ACTIVE" });
    const reason = "The after-cutover checks are not rehearsed this time.";
    await dialog.getByLabel("Why end it now? (recorded in the audit log and the PDF)").fill(reason);
    await dialog.getByRole("button", { name: "End the rehearsal" }).click();
    await expect(dialog).toBeHidden();

    const ended = db.prepare(`SELECT status, endReason, endedById, endedByName, endedAt FROM run WHERE id = ?`).get(runId) as { status: string; endReason: string; endedById: string; endedByName: string; endedAt: string | null };
    expect(ended).toMatchObject({ status: "COMPLETED", endReason: reason, endedById: admin.id, endedByName: admin.name });
    expect(ended.endedAt).not.toBeNull();
    expect(auditCount(db, { action: "run.end_early", runId })).toBe(1);
    const notice = page.getByRole("status").filter({ hasText: "Ended early" });
    await expect(notice).toHaveText(`Ended early by ${admin.name} at ${formatInZone(ended.endedAt!, TIME_ZONE, "datetime")}: ${reason} Steps that hadn't started are recorded as not run.`);
    await expect(page.getByText("Outcome", { exact: true }).locator("xpath=..")).toContainText("Completed");
    await expect(page.getByText("Ended", { exact: true })).toBeVisible();
    await expect(page.getByText("No clock runs on an ended run")).toBeVisible();
    await expect(page.getByLabel("Time left in the downtime window")).toHaveCount(0);
    for (const name of ["Start", "Done", "Skip", "Fail", "End rehearsal…", "Abort run…"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    const recordedRows = [done, skipped, running, pending].map((s) => stepRunRow(db, runId, s.id));
    const runRow = () => db.prepare(`SELECT * FROM run WHERE id = ?`).get(runId);
    const recordedRun = runRow();
    expect(recordedRows.map((r) => r.status)).toEqual(["DONE", "SKIPPED", "IN_PROGRESS", "PENDING"]);

    // One viewer reads the record before and after: same person, same export names.
    const viewer = await newSession("VIEWER");
    const viewerApi = await apiAs(viewer.user);
    const capture = async () => {
      const runPage = new RunBoard(viewer.page, project.id, runId);
      await runPage.goto();
      await runPage.waitUntilLive();
      await expect(runPage.card(skipped)).toContainText("Reason: The catalog was copied during the previous rehearsal.");
      const run = await mainText(viewer.page);
      await viewer.page.goto(`/projects/${project.id}/runs/${runId}/dashboard`);
      await expect(viewer.page.getByRole("heading", { level: 1 })).toContainText(`Dashboard · ${runName}`);
      await waitUntilLive(viewer.page);
      const dashboard = await mainText(viewer.page);
      const [csv, json, pdf] = await Promise.all(["csv", "json", "pdf"].map((format) => apiGet(viewerApi.request, `/api/runs/${runId}/export/${format}`)));
      for (const response of [csv, json, pdf]) expect(response.status).toBe(200);
      return { run, dashboard, csv: csv.body.toString("utf8"), json: jsonRecord(json.body), pdf: pdfRecordText(await pdfText(pdf.body), viewer.user.name) };
    };
    const before = await capture();
    // The captures hold the record (guards against comparing two empty strings).
    expect(before.run).toContain(done.title);
    expect(before.run).toContain(operator.user.name);
    expect(before.dashboard).toContain(skipped.title);
    expect(before.csv).toContain(`Catalog quiesced at 02:00.`);
    expect(before.pdf).toContain(reason);
    expect(before.pdf).toContain(operator.user.name);
    expect(before.pdf).toContain(admin.name);

    // Now the plan moves on, and people are renamed.
    const stepVersion = (id: string) => (db.prepare(`SELECT version FROM step WHERE id = ?`).get(id) as { version: number }).version;
    const retitled = await adminApi.patch(`/api/steps/${done.id}`, { title: uniqueName("Stop the old master (renamed)"), plannedMinutes: 90, expectedVersion: stepVersion(done.id) });
    expect(retitled.status, JSON.stringify(retitled.body)).toBe(200);
    const move = await adminApi.post(`/api/steps/${moved.id}/move`, { direction: "up" });
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    await apiDelete(adminApi, `/api/steps/${skipped.id}`);
    await apiDelete(adminApi, `/api/phases/${plan.phases[2].id}`);
    const added = await adminApi.post(`/api/projects/${project.id}/steps`, { phaseId: plan.phases[1].id, title: uniqueName("Added after the rehearsal"), plannedMinutes: 5, kind: "TASK" });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    // An admin renames both the operator who ticked the steps and themselves (the admin who
    // started and ended the run); users can't rename themselves (update-user answers 404).
    for (const [id, name] of [
      [operator.user.id, uniqueName("Renamed operator")],
      [admin.id, uniqueName("Renamed admin")],
    ] as const) {
      const renamed = await adminApi.patch(`/api/users/${id}`, { name });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      expect((db.prepare(`SELECT name FROM "user" WHERE id = ?`).get(id) as { name: string }).name).toBe(name);
    }

    // The plan really changed: the step table has the new facts, the run's copy the old ones.
    const planNow = loadPlan(db, project.id);
    expect(planNow.map((s) => s.id)).not.toContain(skipped.id);
    expect(planNow.map((s) => s.id)).not.toContain(removedWithPhase.id);
    expect(planNow.find((s) => s.id === done.id)).toMatchObject({ plannedMinutes: 90 });
    expect(planNow.find((s) => s.id === done.id)!.title).not.toBe(done.title);
    expect(planNow.filter((s) => s.phaseTitle === plan.phases[1].title).map((s) => s.id).slice(0, 2)).toEqual([moved.id, pending.id]);
    expect(stepRunRow(db, runId, done.id)).toMatchObject({ title: done.title, plannedMinutes: done.plannedMinutes });

    const after = await capture();
    expect.soft(after.run, "run page").toBe(before.run);
    expect.soft(after.dashboard, "dashboard").toBe(before.dashboard);
    expect.soft(after.csv, "CSV export").toBe(before.csv);
    expect.soft(after.json, "JSON export (minus exportedAt and audit.head)").toEqual(before.json);
    expect.soft(after.pdf, "PDF text (minus the generation lines)").toBe(before.pdf);
    // And the database rows of the run and its steps are as they were.
    expect(runRow()).toEqual(recordedRun);
    expect([done, skipped, running, pending].map((s) => stepRunRow(db, runId, s.id))).toEqual(recordedRows);
  });

  test("an active run shows plan changes and takes them only when applied", async ({ page, loginAs, newSession, apiAs, adminApi, createProject, startRun, db }) => {
    test.setTimeout(120_000);
    const project = await createProject({ template: "empty" });
    const plan = await buildSmallPlan(adminApi, db, project.id, project.name, [
      { phase: "Prepare", steps: [["Freeze the policies", 10], ["Export the catalog", 40]] },
      { phase: "Cutover", steps: [["Import the catalog", 60], ["Run a test backup", 20]] },
    ]);
    const run = await startRun(project.id, "REHEARSAL");
    const runVersion = (db.prepare(`SELECT planVersion FROM run WHERE id = ?`).get(run.id) as { planVersion: number }).planVersion;
    expect(runVersion).toBe(latestPlanVersion(db, project.id));
    const operatorApi = await apiAs("OPERATOR");
    const started = plan.step("1");
    const pending = plan.step("3");
    await operatorApi.act(run.id, started, "start");

    // Edit the plan: retitle the started step and a pending step, add a step.
    const startedNewTitle = uniqueName("Freeze the policies and SLPs");
    const pendingNewTitle = uniqueName("Import the catalog with nbcatsync");
    const addedTitle = uniqueName("Verify the catalog import");
    for (const [step, title] of [
      [started, startedNewTitle],
      [pending, pendingNewTitle],
    ] as const) {
      const result = await adminApi.patch(`/api/steps/${step.id}`, { title });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
    const added = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: plan.phases[1].id, title: addedTitle, plannedMinutes: 15, kind: "TASK" });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    const planVersion = latestPlanVersion(db, project.id);
    expect(planVersion).toBe(runVersion + 3);
    // Nothing reached the run yet.
    expect(db.prepare(`SELECT planVersion FROM run WHERE id = ?`).get(run.id)).toEqual({ planVersion: runVersion });
    expect(db.prepare(`SELECT count(*) AS n FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, added.body.id)).toEqual({ n: 0 });

    // An operator sees the banner, but no way to apply.
    const operator = await newSession(operatorApi.user);
    const operatorBoard = new RunBoard(operator.page, project.id, run.id);
    await operatorBoard.goto();
    const operatorBanner = operator.page.getByRole("region", { name: "The plan has changed since this run started" });
    await expect(operatorBanner).toBeVisible();
    await expect(operatorBanner.getByRole("button", { name: "Show changes" })).toBeVisible();
    await expect(operator.page.getByRole("button", { name: "Apply to this run…" })).toHaveCount(0);
    // …and the server refuses it from their session too.
    const forged = await operatorApi.post(`/api/runs/${run.id}/plan`, { reason: "operator tries", expectedPlanVersion: planVersion });
    expect(forged.status).toBe(403);
    expect(db.prepare(`SELECT planVersion FROM run WHERE id = ?`).get(run.id)).toEqual({ planVersion: runVersion });

    // The admin's view.
    await loginAs(page, "ADMIN");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const banner = page.getByRole("region", { name: "The plan has changed since this run started" });
    await expect(banner).toContainText(`This run follows plan version ${runVersion}; the plan is at version ${planVersion}. 1 step added, 2 steps changed. Nothing reaches this run until an admin applies it.`);
    // The run still shows its own copy.
    await expect(board.card(started)).toBeVisible();
    await expect(board.card(pending)).toBeVisible();
    await expect(page.getByText(startedNewTitle)).toHaveCount(0);
    await expect(page.getByRole("article", { name: new RegExp(addedTitle) })).toHaveCount(0);

    await banner.getByRole("button", { name: "Show changes" }).click();
    await expect(banner.getByRole("button", { name: "Hide changes" })).toHaveAttribute("aria-expanded", "true");
    const changes = banner.getByRole("listitem");
    await expect(changes).toHaveCount(3);
    const startedChange = changes.filter({ hasText: startedNewTitle });
    await expect(startedChange).toContainText("Step changed");
    await expect(startedChange).toContainText("Started in this run: keeps what it was done against");
    await expect(startedChange.getByRole("deletion")).toHaveText(started.title);
    await expect(startedChange.getByRole("insertion")).toHaveText(startedNewTitle);
    const pendingChange = changes.filter({ hasText: pendingNewTitle });
    await expect(pendingChange).toContainText("Step changed");
    await expect(pendingChange).not.toContainText("Started in this run");
    await expect(pendingChange.getByRole("deletion")).toHaveText(pending.title);
    const addedChange = changes.filter({ hasText: addedTitle });
    await expect(addedChange).toContainText("Step added");
    await expect(addedChange).not.toContainText("Started in this run");

    await screenshotAt(page, "run-plan-changed-banner", DESKTOP, async () => {
      await expect(banner.getByRole("listitem")).toHaveCount(3);
    });
    await screenshotAt(page, "run-plan-changed-banner", PHONE, async () => {
      await expect(banner.getByRole("listitem")).toHaveCount(3);
    });
    expect.soft(await horizontalOverflow(page), "run page with the banner open scrolls sideways at 390 px").toBeLessThanOrEqual(0);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(SCREENSHOTS, "run-plan-changed-banner-390-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(DESKTOP);

    // Apply, with a reason.
    await banner.getByRole("button", { name: "Apply to this run…" }).click();
    const dialog = page.getByRole("dialog", { name: "Apply plan changes to this run" });
    await dialog.getByRole("button", { name: "Apply changes" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("A reason is required.");
    expect(db.prepare(`SELECT planVersion FROM run WHERE id = ?`).get(run.id)).toEqual({ planVersion: runVersion });
    const reason = uniqueName("CAB approved the catalog verification step");
    await dialog.getByLabel("Why now? (recorded in the audit log)").fill(reason);
    await dialog.getByRole("button", { name: "Apply changes" }).click();
    await expect(dialog).toBeHidden();
    await expect(banner).toHaveCount(0);

    const pendingAfter = { ...pending, title: pendingNewTitle };
    const addedStep: PlanStep = { id: added.body.id, number: "5", title: addedTitle, kind: "TASK", plannedMinutes: 15, phaseTitle: plan.phases[1].title };
    await expect(board.card(pendingAfter)).toBeVisible();
    await expect(board.card(started)).toBeVisible();
    await expect(board.statusBadge(started, "In progress")).toBeVisible();
    await expect(board.card(addedStep)).toBeVisible();
    await expect(page.getByText(startedNewTitle)).toHaveCount(0);
    await expect(page.getByRole("article", { name: `Step 3: ${pending.title}`, exact: true })).toHaveCount(0);

    const runRow = db.prepare(`SELECT planVersion, planHash FROM run WHERE id = ?`).get(run.id) as { planVersion: number; planHash: string };
    expect(runRow.planVersion).toBe(latestPlanVersion(db, project.id));
    expect(runRow.planVersion).toBe(planVersion);
    expect(runRow.planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stepRunRow(db, run.id, started.id)).toMatchObject({ title: started.title, status: "IN_PROGRESS" });
    expect(stepRunRow(db, run.id, pending.id)).toMatchObject({ title: pendingNewTitle, status: "PENDING" });
    expect(stepRunRow(db, run.id, added.body.id)).toMatchObject({ title: addedTitle, status: "PENDING", plannedMinutes: 15 });
    const applied = db.prepare(`SELECT actorName, json_extract("after", '$.reason') AS reason, json_extract("after", '$.planVersion') AS planVersion FROM audit_event WHERE action = 'run.plan_applied' AND runId = ?`).all(run.id);
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({ reason, planVersion });

    // Plan history: every version, newest first, and a comparison of the run's version with the newest.
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("link", { name: "Plan history" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/plan-history$`));
    await expect(page.getByRole("heading", { level: 1, name: "Plan history" })).toBeVisible();
    const versions = db.prepare(`SELECT version, actorName, summary FROM plan_version WHERE projectId = ? ORDER BY version DESC`).all(project.id) as { version: number; actorName: string; summary: string }[];
    const rows = page.getByRole("table", { name: "Plan versions, newest first" }).getByRole("row").filter({ has: page.getByRole("cell") });
    await expect(rows).toHaveCount(versions.length);
    for (const [i, v] of versions.entries()) {
      await expect(rows.nth(i).getByRole("cell").nth(0)).toHaveText(String(v.version));
      await expect(rows.nth(i)).toContainText(v.actorName);
      await expect(rows.nth(i)).toContainText(v.summary);
    }
    expect(versions[0].summary).toBe("1 step added");

    const form = page.getByRole("form", { name: "Compare two versions" });
    await form.getByLabel("From version").selectOption(String(runVersion));
    await form.getByLabel("To version").selectOption(String(planVersion));
    await form.getByRole("button", { name: "Compare" }).click();
    await expect(page).toHaveURL(new RegExp(`from=${runVersion}&to=${planVersion}`));
    await expect(page.getByRole("heading", { name: `Version ${runVersion} → ${planVersion}` })).toBeVisible();
    const diff = page.getByRole("listitem").filter({ hasText: /^Step (changed|added|removed)/ });
    await expect(diff).toHaveCount(3);
    await expect(diff.filter({ hasText: startedNewTitle }).getByRole("deletion")).toHaveText(started.title);
    await expect(diff.filter({ hasText: pendingNewTitle }).getByRole("deletion")).toHaveText(pending.title);
    await expect(diff.filter({ hasText: addedTitle })).toContainText("Step added");
    await screenshotAt(page, "plan-history-comparison", DESKTOP, async () => {
      await expect(diff).toHaveCount(3);
    });
    await screenshotAt(page, "plan-history-comparison", PHONE, async () => {
      await expect(diff).toHaveCount(3);
    });
    expect.soft(await horizontalOverflow(page), "plan history scrolls sideways at 390 px").toBeLessThanOrEqual(0);
  });

  test("abort, end-rehearsal and the live-start confirmation", async ({ page, loginAs, newSession, apiAs, adminApi, createProject, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const runCount = () => (db.prepare(`SELECT count(*) AS n FROM run WHERE projectId = ?`).get(project.id) as { n: number }).n;
    const windowRow = db.prepare(`SELECT windowStart, windowEnd, timezone FROM project WHERE id = ?`).get(project.id) as { windowStart: string; windowEnd: string; timezone: string };
    const windowText = `${formatWindow(windowRow.windowStart, windowRow.windowEnd, windowRow.timezone)} (${windowRow.timezone})`;

    const admin = await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Start live run…" }).click();
    const confirm = page.getByRole("dialog", { name: "Start the live cutover?" });
    await expect(confirm).toBeVisible();
    await expect(confirm).toContainText(project.name);
    await expect(confirm.getByTestId("live-window")).toHaveText(windowText);
    await screenshotAt(page, "live-start-dialog", DESKTOP, () => expect(confirm.getByRole("button", { name: "Start the live run now" })).toBeInViewport(), { fullPage: false });
    await screenshotAt(page, "live-start-dialog", PHONE, () => expect(confirm.getByRole("button", { name: "Start the live run now" })).toBeInViewport(), { fullPage: false });
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(SCREENSHOTS, "live-start-dialog-390-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(DESKTOP);

    // Cancel starts nothing.
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect(confirm).toBeHidden();
    expect(runCount()).toBe(0);
    await page.reload();
    await expect(page.getByText("No runs yet. Rehearse the plan, then run it live.")).toBeVisible();
    expect(runCount()).toBe(0);

    await page.getByRole("button", { name: "Start live run…" }).click();
    await confirm.getByRole("button", { name: "Start the live run now" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/${project.id}/runs/[^/]+$`));
    const runId = page.url().split("/").pop()!;
    expect(runCount()).toBe(1);
    expect(db.prepare(`SELECT kind, status, startedById FROM run WHERE id = ?`).get(runId)).toEqual({ kind: "LIVE", status: "ACTIVE", startedById: admin.id });
    const runName = (db.prepare(`SELECT name FROM run WHERE id = ?`).get(runId) as { name: string }).name;

    // A second live run is refused while this one is active.
    const second = await adminApi.post(`/api/projects/${project.id}/runs`, { kind: "LIVE" });
    expect(second.status).toBe(409);
    expect(second.body.error?.message).toBe(`The live run "${runName}" is still active.`);
    expect(runCount()).toBe(1);

    // Some work happens, then the admin aborts.
    const operatorApi = await apiAs("OPERATOR");
    const first = project.step("1");
    const startedStep = project.step("2");
    await operatorApi.act(runId, first, "done");
    await operatorApi.act(runId, startedStep, "start");
    // Only admins end runs, and only a rehearsal can be "ended early"; none of these changes anything.
    expect((await operatorApi.post(`/api/runs/${runId}/abort`, { reason: "operator tries" })).status).toBe(403);
    expect((await operatorApi.post(`/api/runs/${runId}/end`, { reason: "operator tries" })).status).toBe(403);
    const endLive = await adminApi.post(`/api/runs/${runId}/end`, { reason: "not a rehearsal" });
    expect(endLive.status).toBe(400);
    expect(endLive.body.error?.message).toBe("Only a rehearsal can be ended early. A live run is completed, rolled back or aborted.");
    expect((await adminApi.post(`/api/runs/${runId}/abort`, { reason: "   " })).status).toBe(400);
    expect(db.prepare(`SELECT status, endReason, endedById FROM run WHERE id = ?`).get(runId)).toEqual({ status: "ACTIVE", endReason: "", endedById: null });
    expect(auditCount(db, { action: "run.abort", runId }) + auditCount(db, { action: "run.end_early", runId })).toBe(0);

    const board = new RunBoard(page, project.id, runId);
    await board.goto();
    await expect(page.getByRole("button", { name: "End rehearsal…" })).toHaveCount(0); // a live run can't be "ended early"
    await page.getByRole("button", { name: "Abort run…" }).click();
    const abort = page.getByRole("dialog", { name: `Abort ${runName}` });
    const reason = uniqueName("No-Go from the CAB: the new tape library is not zoned");
    await abort.getByLabel("Why is the run aborted? (recorded in the audit log and the PDF)").fill(reason);
    await abort.getByRole("button", { name: "Abort the run" }).click();
    await expect(abort).toBeHidden();

    const aborted = db.prepare(`SELECT status, endReason, endedById, endedByName, endedAt FROM run WHERE id = ?`).get(runId) as { status: string; endReason: string; endedById: string; endedByName: string; endedAt: string };
    expect(aborted).toMatchObject({ status: "ABORTED", endReason: reason, endedById: admin.id, endedByName: admin.name });
    expect(auditCount(db, { action: "run.abort", runId })).toBe(1);
    expect(db.prepare(`SELECT status FROM project WHERE id = ?`).get(project.id)).toEqual({ status: "PLANNING" });

    await expect(page.getByRole("status").filter({ hasText: "Aborted by" })).toHaveText(`Aborted by ${admin.name} at ${formatInZone(aborted.endedAt, TIME_ZONE, "datetime")}: ${reason}`);
    // The status strip's Outcome cell (EndedStrip) names the outcome; no clock runs.
    await expect(page.getByText("Outcome", { exact: true }).locator("xpath=..")).toContainText("Aborted");
    await expect(page.getByText("No clock runs on an ended run")).toBeVisible();
    await expect(page.getByLabel("Time left in the downtime window")).toHaveCount(0);
    await expect(page.getByLabel("Time until the rollback deadline")).toHaveCount(0);
    for (const name of ["Start", "Done", "Skip", "Fail", "Decide Go / No-Go", "Abort run…", "End rehearsal…"]) {
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    }

    // The operator's page offers nothing either, and a forged action is refused and changes nothing.
    const operator = await newSession(operatorApi.user);
    const operatorBoard = new RunBoard(operator.page, project.id, runId);
    await operatorBoard.goto();
    await expect(operatorBoard.statusBadge(startedStep, "In progress")).toBeVisible();
    for (const name of ["Start", "Done", "Skip", "Fail"]) await expect(operator.page.getByRole("button", { name, exact: true })).toHaveCount(0);
    const rowsBefore = [first, startedStep, project.step("3")].map((s) => stepRunRow(db, runId, s.id));
    const eventsBefore = (db.prepare(`SELECT count(*) AS n FROM audit_event WHERE runId = ?`).get(runId) as { n: number }).n;
    const forged = await operator.page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "done", note: "forged after the abort" }) });
      return { status: response.status, body: await response.json() };
    }, `/api/runs/${runId}/steps/${startedStep.id}/actions`);
    expect(forged.status).toBe(409);
    expect(forged.body.error.message).toBe("This run has ended; its record can't be changed.");
    const forgedStart = await operatorApi.post(`/api/runs/${runId}/steps/${project.step("3").id}/actions`, { action: "start" });
    expect(forgedStart.status).toBe(409);
    const forgedAbort = await adminApi.post(`/api/runs/${runId}/abort`, { reason: "again" });
    expect(forgedAbort.status).toBe(409);
    expect([first, startedStep, project.step("3")].map((s) => stepRunRow(db, runId, s.id))).toEqual(rowsBefore);
    expect((db.prepare(`SELECT count(*) AS n FROM audit_event WHERE runId = ?`).get(runId) as { n: number }).n).toBe(eventsBefore);
    expect(db.prepare(`SELECT status, endReason FROM run WHERE id = ?`).get(runId)).toEqual({ status: "ABORTED", endReason: reason });

    // The PDF record says Aborted, with the reason and who.
    const pdf = await apiGet(operatorApi.request, `/api/runs/${runId}/export/pdf`);
    expect(pdf.status).toBe(200);
    const text = await pdfText(pdf.body);
    expect(text).toContain("Outcome Aborted (status ABORTED, mode FORWARD)");
    expect(text).toContain(reason);
    expect(text).toContain(`by ${admin.name}`);
    // A final record: no "IN PROGRESS — not a final record" mark (lib/exports/pdf/run-document.tsx).
    expect(text).not.toContain("not a final record");

    // Screenshots of the aborted run and its dashboard.
    await screenshotAt(page, "run-aborted", DESKTOP, () => expect(page.getByRole("status").filter({ hasText: "Aborted by" })).toBeVisible());
    await screenshotAt(page, "run-aborted", PHONE, () => expect(page.getByRole("status").filter({ hasText: "Aborted by" })).toBeVisible());
    expect.soft(await horizontalOverflow(page), "aborted run page scrolls sideways at 390 px").toBeLessThanOrEqual(0);
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: path.join(SCREENSHOTS, "run-aborted-390-dark.png"), fullPage: true });
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize(DESKTOP);
    await page.goto(`/projects/${project.id}/runs/${runId}/dashboard`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText(`Dashboard · ${runName}`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Aborted");
    await screenshotAt(page, "dashboard-aborted", DESKTOP, () => expect(page.getByRole("region", { name: "Phase progress" })).toBeVisible());
    await screenshotAt(page, "dashboard-aborted", PHONE, () => expect(page.getByRole("region", { name: "Phase progress" })).toBeVisible());
    expect.soft(await horizontalOverflow(page), "aborted run's dashboard scrolls sideways at 390 px").toBeLessThanOrEqual(0);
    await page.setViewportSize(DESKTOP);

    // The portfolio tells the outcome of the project's latest run.
    await page.goto("/projects");
    const card = page.getByRole("list", { name: "Projects" }).getByRole("listitem").filter({ has: page.getByRole("link", { name: project.name, exact: true }) });
    await expect(card).toContainText(runName);
    await expect(card).toContainText("Aborted");
  });

  test("the auth library's unused endpoints are refused", async ({ page, loginAs, db }) => {
    const user = await loginAs(page, "OPERATOR");
    const row = () => db.prepare(`SELECT u.name, u.image, a.password FROM "user" u JOIN account a ON a.userId = u.id WHERE u.id = ?`).get(user.id);
    const before = row();
    // The session works: the endpoints the product uses answer.
    const session = await page.request.get("/api/account/sessions");
    expect(session.status()).toBe(200);
    expect(((await session.json()) as { sessions: { current: boolean }[] }).sessions.filter((s) => s.current)).toHaveLength(1);

    const headers = { origin: BASE_URL };
    const update = await page.request.post("/api/auth/update-user", { data: { name: "Renamed through the auth library", image: "https://example.invalid/x.png" }, headers });
    expect(update.status()).toBe(404);
    const password = await page.request.post("/api/auth/change-password", { data: { currentPassword: user.password, newPassword: "a-new-password-123", revokeOtherSessions: true }, headers });
    expect(password.status()).toBe(404);
    const sessions = await page.request.get("/api/auth/list-sessions", { headers });
    expect(sessions.status()).toBe(404);
    const sessionsPost = await page.request.post("/api/auth/list-sessions", { data: {}, headers });
    expect(sessionsPost.status()).toBe(404);
    // Path tricks land on the same refusal.
    const trailing = await page.request.post("/api/auth//update-user/", { data: { name: "Renamed again" }, headers });
    expect(trailing.status()).toBe(404);

    expect(row()).toEqual(before);
    // Still signed in, under the old name; the library's get-session isn't reachable either.
    expect((await page.request.get("/api/account/sessions")).status()).toBe(200);
    expect((await page.request.get("/api/auth/get-session")).status()).toBe(404);
    expect((db.prepare(`SELECT name FROM "user" WHERE id = ?`).get(user.id) as { name: string }).name).toBe(user.name);
  });
});

