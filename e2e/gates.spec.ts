/**
 * Go/No-Go gates and fleet sign-off: a gate's No-Go outcome (the template's first gate aborts),
 * gates that need more than one approval, and a fleet step signed off "with exceptions".
 */
import fs from "node:fs";
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import type { E2eDatabase } from "./support/e2e-database";
import { formatInZone } from "../lib/platform/time";
import { auditCount, BASE_URL, expect, RunBoard, stepRunRow, test, TEMPLATE_ROLLBACK_COUNT, TIME_ZONE, uniqueHost, uniqueName, type RunsheetApi, type TestProject } from "./fixtures";
import { bpplclientsText, fleetCounts, fleetPanel, fleetStepOf } from "./fleet-helpers";

const SCREENSHOTS = path.join(process.cwd(), "screenshots");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

// ---------------------------------------------------------------- helpers (this spec only)

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Signs off every forward step numbered below `number` (a Go for gates), as the fixtures' admin. */
async function completeStepsBefore(api: RunsheetApi, project: TestProject, runId: string, number: number) {
  await api.completeSteps(runId, project.steps.filter((s) => s.kind !== "ROLLBACK" && Number(s.number) < number));
}

/** The run's PDF record as text, whitespace collapsed (as e2e/records.spec.ts reads it). */
async function runPdfText(api: RunsheetApi, runId: string): Promise<string> {
  const response = await api.request.get(`${BASE_URL}/api/runs/${runId}/export/pdf`);
  expect(response.status(), `PDF export of ${runId}`).toBe(200);
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(await response.body()));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, " ").trim()).join("\n");
}

/**
 * Screenshots of the current state: `name`-1280.png and `name`-390.png (light), plus
 * `name`-390-dark.png with `dark`. `ready` runs at each size before the shot (it can scroll the
 * part that matters into view). A modal dialog is shot as the viewport; a page as a whole.
 */
async function screenshots(page: Page, name: string, ready: () => Promise<void>, options: { fullPage?: boolean; dark?: boolean } = {}) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const fullPage = options.fullPage ?? false;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await ready();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}.png`), fullPage });
  }
  if (options.dark) {
    await page.emulateMedia({ colorScheme: "dark" });
    await ready();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-390-dark.png`), fullPage });
    await page.emulateMedia({ colorScheme: "light" });
  }
  expect.soft(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${name} scrolls sideways at 390 px`).toBeLessThanOrEqual(0);
  await page.setViewportSize(DESKTOP);
}

/** Scrolls `target` into view (a tall modal dialog scrolls inside itself) and waits until it is on screen. */
async function onScreen(target: Locator) {
  await target.scrollIntoViewIfNeeded();
  await expect(target).toBeInViewport();
}

const gateApprovals = (db: E2eDatabase, runId: string, stepId: string) =>
  db.prepare(`SELECT slot, decision, userId, userName, note, revokedAt FROM gate_approval WHERE runId = ? AND stepId = ? ORDER BY "at", rowid`).all(runId, stepId) as {
    slot: number | null;
    decision: string;
    userId: string | null;
    userName: string;
    note: string;
    revokedAt: string | null;
  }[];

// ---------------------------------------------------------------- tests

test.describe("go/no-go gates", () => {
  test("a No-Go at the template's first gate aborts the run; no rollback step starts", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const gate = project.step("12");
    expect(gate.kind).toBe("GATE");
    expect(db.prepare(`SELECT noGoOutcome FROM step WHERE id = ?`).get(gate.id)).toEqual({ noGoOutcome: "ABORT" });
    const run = await startRun(project.id, "LIVE");
    expect(db.prepare(`SELECT noGoOutcome FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, gate.id)).toEqual({ noGoOutcome: "ABORT" });
    await completeStepsBefore(adminApi, project, run.id, 12);
    const admin = await loginAs(page, "ADMIN");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    // The open gate's card says what a No-Go does here.
    await expect(board.card(gate)).toContainText("A No-Go here: abort the run (nothing has changed yet).");

    await board.button(gate, "Decide Go / No-Go").click();
    const dialog = page.getByRole("dialog", { name: gate.title });
    await expect(dialog.getByRole("button", { name: "Go", exact: true })).toBeVisible();
    await expect(dialog.getByRole("button", { name: "No-Go → roll back" })).toHaveCount(0);
    const note = uniqueName("CAB withdrew the change");
    await dialog.getByLabel("Decision note (required)").fill(note);
    let confirmText = "";
    page.once("dialog", (confirm) => {
      confirmText = `${confirm.type()}: ${confirm.message()}`;
      void confirm.accept();
    });
    await dialog.getByRole("button", { name: "No-Go → abort the run" }).click();
    await expect(dialog).toBeHidden();
    expect(confirmText).toBe("confirm: No-Go ends this run as aborted: nothing more is ticked, and no rollback runs. Continue?");

    // The run ended as aborted, with the gate's note as the reason; it never switched to its rollback.
    const ended = db.prepare(`SELECT status, mode, endReason, endedById, endedByName, endedAt FROM run WHERE id = ?`).get(run.id) as {
      status: string;
      mode: string;
      endReason: string;
      endedById: string;
      endedByName: string;
      endedAt: string;
    };
    expect(ended).toMatchObject({ status: "ABORTED", mode: "FORWARD", endedById: admin.id, endedByName: admin.name });
    expect(ended.endReason).toContain(note);
    expect(ended.endReason).toBe(`No-Go at "${gate.title}": ${note}`);
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "DONE", gateDecision: "NO_GO", decidedById: admin.id, note });
    const rollbackRows = db.prepare(`SELECT status, startedAt, signedOffById FROM step_run WHERE runId = ? AND kind = 'ROLLBACK'`).all(run.id) as { status: string; startedAt: string | null }[];
    expect(rollbackRows).toHaveLength(TEMPLATE_ROLLBACK_COUNT);
    expect(rollbackRows.every((r) => r.status === "PENDING" && r.startedAt === null)).toBe(true);
    expect(auditCount(db, { action: "gate.no_go", runId: run.id })).toBe(1);
    expect(auditCount(db, { action: "run.abort", runId: run.id })).toBe(1);
    expect(auditCount(db, { action: "run.rollback_started", runId: run.id })).toBe(0);
    // An aborted live cutover is postponed: the project is back to planning.
    expect(db.prepare(`SELECT status FROM project WHERE id = ?`).get(project.id)).toEqual({ status: "PLANNING" });

    // The page: Aborted, the notice with the reason, no "Rolling back", no buttons on any step.
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Aborted");
    await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Rolling back");
    const notice = page.getByRole("main").getByRole("status").filter({ hasText: "Aborted by" });
    await expect(notice).toHaveText(`Aborted by ${admin.name} at ${formatInZone(ended.endedAt, TIME_ZONE, "datetime")}: No-Go at "${gate.title}": ${note}`);
    await expect(page.getByText("A No-Go was decided. The run has switched to its rollback steps")).toHaveCount(0);
    await expect(board.statusBadge(gate, "No-Go")).toBeVisible();
    for (const step of project.steps.filter((s) => s.kind === "ROLLBACK")) {
      await expect(board.card(step)).toBeVisible();
      await expect(board.card(step).getByRole("button")).toHaveCount(0);
    }
    await expect(board.card(project.step("13")).getByRole("button")).toHaveCount(0);
    for (const name of ["Start", "Done", "Skip", "Fail", "Decide Go / No-Go", "Abort run…"]) await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);

    // The PDF record: aborted in forward mode, the reason, and the gate's decision as it happened.
    const pdf = await runPdfText(adminApi, run.id);
    expect(pdf).toContain("Outcome Aborted (status ABORTED, mode FORWARD)");
    expect(pdf).toContain(note);
    expect.soft(pdf, "the PDF's step row must not claim a rollback that never happened").not.toContain("the run switched to its rollback steps");

    // From the top: the sticky header and filter bar would otherwise be drawn where the page was scrolled to.
    await screenshots(
      page,
      "gates-run-aborted",
      async () => {
        await page.evaluate(() => window.scrollTo(0, 0));
        await expect(notice).toBeInViewport();
      },
      { fullPage: true },
    );
  });

  test("a two-approver gate needs both", async ({ page, loginAs, newSession, createUser, createProject, startRun, adminApi, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const gate = project.step("12");
    const second = await createUser({ role: "OPERATOR" });

    // An admin sets the gate up in the plan editor.
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Edit step 12", exact: true }).click();
    const editor = page.getByRole("dialog", { name: "Edit step 12" });
    const settings = editor.getByRole("group", { name: "Go/No-Go settings" });
    await expect(settings.getByLabel("A No-Go means")).toHaveValue("ABORT");
    await expect(settings.getByText("One decision, by an admin or the assignee.")).toBeVisible();
    await expect(settings.getByRole("button", { name: "Add", exact: true })).toBeDisabled();
    await settings.getByLabel("Add an approval").selectOption({ label: "An operator" });
    await settings.getByRole("button", { name: "Add", exact: true }).click();
    await settings.getByLabel("Add an approval").selectOption({ label: second.name });
    await settings.getByRole("button", { name: "Add", exact: true }).click();
    const approvals = settings.getByRole("list", { name: "Approvals a Go needs" }).getByRole("listitem");
    await expect(approvals).toHaveCount(2);
    await expect(approvals.nth(0)).toContainText("An operator");
    await expect(approvals.nth(1)).toContainText(second.name);
    await expect(settings.getByRole("button", { name: `Remove approval: ${second.name}` })).toBeVisible();
    // A person already chosen isn't offered twice.
    await expect(settings.getByLabel("Add an approval").locator("option", { hasText: second.name })).toHaveCount(0);
    await expect(settings.getByRole("checkbox", { name: /^Four-eyes/ })).not.toBeChecked();
    await screenshots(page, "gates-step-dialog", () => settings.scrollIntoViewIfNeeded(), { dark: true });
    await editor.getByRole("button", { name: "Save step" }).click();
    await expect(editor).toBeHidden();

    const stepRow = db.prepare(`SELECT kind, noGoOutcome, gateApprovers, fourEyes FROM step WHERE id = ?`).get(gate.id) as { kind: string; noGoOutcome: string; gateApprovers: string; fourEyes: number };
    expect(stepRow).toMatchObject({ kind: "GATE", noGoOutcome: "ABORT", fourEyes: 0 });
    expect(JSON.parse(stepRow.gateApprovers)).toEqual([
      { kind: "role", role: "OPERATOR" },
      { kind: "user", userId: second.id, name: second.name },
    ]);
    // Opened again, the editor shows what was saved.
    await page.getByRole("button", { name: "Edit step 12", exact: true }).click();
    await expect(editor.getByRole("list", { name: "Approvals a Go needs" }).getByRole("listitem")).toHaveCount(2);
    await editor.getByRole("button", { name: "Cancel" }).click();
    await expect(editor).toBeHidden();

    const run = await startRun(project.id, "REHEARSAL");
    await completeStepsBefore(adminApi, project, run.id, 12);

    // Operator A gives the first approval: the gate stays open.
    const first = await newSession("OPERATOR");
    const boardA = new RunBoard(first.page, project.id, run.id);
    await boardA.goto();
    await boardA.button(gate, "Decide Go / No-Go").click();
    const dialogA = first.page.getByRole("dialog", { name: gate.title });
    const dialogApprovals = dialogA.getByRole("list", { name: "Approvals" }).getByRole("listitem");
    await expect(dialogApprovals).toHaveCount(2);
    await expect(dialogApprovals.nth(0)).toContainText("waiting");
    await expect(dialogApprovals.nth(1)).toContainText("waiting");
    await expect(dialogA.getByRole("button", { name: "Go", exact: true })).toHaveCount(0);
    const noteA = uniqueName("Backups complete");
    await dialogA.getByLabel("Decision note (required)").fill(noteA);
    await dialogA.getByRole("button", { name: "Approve", exact: true }).click();
    await expect(dialogA).toBeHidden();

    const cardApprovals = boardA.card(gate).getByRole("list", { name: "Approvals" }).getByRole("listitem");
    await expect(cardApprovals.nth(0)).toContainText("An operator:");
    await expect(cardApprovals.nth(0)).toContainText(`approved by ${first.user.name} — ${noteA}`);
    await expect(cardApprovals.nth(1)).toContainText(`${second.name}:`);
    await expect(cardApprovals.nth(1)).toContainText("waiting");
    await expect(boardA.statusBadge(gate, "Pending")).toBeVisible();
    expect(gateApprovals(db, run.id, gate.id)).toEqual([{ slot: 0, decision: "GO", userId: first.user.id, userName: first.user.name, note: noteA, revokedAt: null }]);
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "PENDING", gateDecision: null, decidedById: null });
    expect(auditCount(db, { action: "gate.approve", runId: run.id })).toBe(1);
    expect(auditCount(db, { action: "gate.go", runId: run.id })).toBe(0);

    // A again: one approval is missing, so the button reads "Go"; A's second approval is refused.
    await boardA.button(gate, "Decide Go / No-Go").click();
    await expect(dialogApprovals.nth(0)).toContainText(`approved by ${first.user.name} — ${noteA}`);
    await expect(dialogApprovals.nth(1)).toContainText("waiting");
    await screenshots(first.page, "gates-gate-dialog-one-approval", () => onScreen(dialogA.getByRole("button", { name: "Go", exact: true })), { dark: true });
    await dialogA.getByLabel("Decision note (required)").fill("A second approval from me");
    await dialogA.getByRole("button", { name: "Go", exact: true }).click();
    await expect(dialogA.getByRole("alert")).toHaveText("You have already approved this gate; another approver must give the next approval.");
    await expect(dialogA).toBeVisible();
    expect(gateApprovals(db, run.id, gate.id)).toHaveLength(1);
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "PENDING", gateDecision: null });
    await dialogA.getByRole("button", { name: "Cancel" }).click();
    await expect(dialogA).toBeHidden();

    // B, the named approver, gives the second: the gate is a Go.
    const named = await newSession(second);
    const boardB = new RunBoard(named.page, project.id, run.id);
    await boardB.goto();
    await boardB.button(gate, "Decide Go / No-Go").click();
    const dialogB = named.page.getByRole("dialog", { name: gate.title });
    const noteB = uniqueName("Team present");
    await dialogB.getByLabel("Decision note (required)").fill(noteB);
    await dialogB.getByRole("button", { name: "Go", exact: true }).click();
    await expect(dialogB).toBeHidden();
    await expect(boardB.statusBadge(gate, "Go")).toBeVisible();
    await expect(boardB.card(gate)).toContainText(`by ${second.name}`);
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedById: second.id, signedOffById: second.id, note: noteB });
    expect(gateApprovals(db, run.id, gate.id)).toEqual([
      { slot: 0, decision: "GO", userId: first.user.id, userName: first.user.name, note: noteA, revokedAt: null },
      { slot: 1, decision: "GO", userId: second.id, userName: second.name, note: noteB, revokedAt: null },
    ]);
    expect(auditCount(db, { action: "gate.go", runId: run.id })).toBe(1);
    // The gated step can start now.
    await expect(boardB.button(project.step("13"), "Start")).toBeVisible();

    // The PDF lists both approvals with their notes.
    const pdf = await runPdfText(adminApi, run.id);
    expect(pdf).toMatch(new RegExp(`Approved by ${escapeRegExp(first.user.name)}, .{4,40}?: ${escapeRegExp(noteA)}`));
    expect(pdf).toMatch(new RegExp(`Approved by ${escapeRegExp(second.name)}, .{4,40}?: ${escapeRegExp(noteB)}`));
    expect(pdf).toContain(`Decision: GO — by ${second.name}`);
  });

  test("a named approver who approves first fills their own approval, so another operator can complete the gate", async ({ createUser, apiAs, createProject, startRun, adminApi, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const gate = project.step("12");
    const named = await createUser({ role: "OPERATOR" });
    const saved = await adminApi.patch(`/api/steps/${gate.id}`, { gateApprovers: [{ kind: "role", role: "OPERATOR" }, { kind: "user", userId: named.id }] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    await completeStepsBefore(adminApi, project, run.id, 12);

    // The named operator approves first; "An operator" is still open for anyone else with the role.
    const namedApi = await apiAs(named);
    const byNamed = await namedApi.post(`/api/runs/${run.id}/steps/${gate.id}/gate`, { decision: "GO", note: "Named approver first" });
    expect(byNamed.status, JSON.stringify(byNamed.body)).toBe(200);
    expect.soft(gateApprovals(db, run.id, gate.id).map((a) => ({ slot: a.slot, userId: a.userId })), "the named operator's approval fills their named slot (1), leaving the role slot (0) open").toEqual([{ slot: 1, userId: named.id }]);
    const other = await apiAs("OPERATOR");
    const byOther = await other.post(`/api/runs/${run.id}/steps/${gate.id}/gate`, { decision: "GO", note: "Any operator second" });
    expect(byOther.status, `second approval, by another operator: ${JSON.stringify(byOther.body)}`).toBe(200);
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO" });
  });
});

test.describe("fleet sign-off", () => {
  test("Done on a fleet step with pending clients is refused; 'with exceptions' is recorded and printed", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const step = fleetStepOf(db, project);
    expect(db.prepare(`SELECT fleetAction FROM step WHERE id = ?`).get(step.id)).toEqual({ fleetAction: "CHECK_CONNECTIVITY" });
    const prefix = uniqueHost("gt");
    const [host1, host2, host3] = [1, 2, 3].map((i) => `${prefix}-${String(i).padStart(4, "0")}`);
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(prefix, 3) })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    await completeStepsBefore(adminApi, project, run.id, Number(step.number));

    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await panel.getByRole("button", { name: "Show clients" }).click();
    for (const host of [host1, host2]) {
      await panel.getByRole("button", { name: `Mark ${host} verified` }).click();
      await expect(panel.locator(`tr[data-hostname="${host}"]`)).toHaveAttribute("data-status", "VERIFIED");
    }
    expect(fleetCounts(db, run.id, step.id)).toEqual({ PENDING: 1, UPDATED: 0, VERIFIED: 2, FAILED: 0 });

    // Through the API, a Done without an exception reason is refused and changes nothing.
    const before = stepRunRow(db, run.id, step.id);
    expect(before.status).toBe("PENDING");
    const refused = await adminApi.post<{ status?: string }>(`/api/runs/${run.id}/steps/${step.id}/actions`, { action: "done" });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe("needs_confirmation");
    expect(refused.body.error?.message).toBe("1 of 3 clients is not verified. Sign off with exceptions and say why, or finish the clients first.");
    expect((refused.body.error as unknown as { current: unknown }).current).toMatchObject({ total: 3, done: 2, word: "verified", exceptions: [{ hostname: host3, status: "PENDING" }] });
    expect(stepRunRow(db, run.id, step.id)).toEqual(before);
    expect(auditCount(db, { action: "step.done", entityId: before.id })).toBe(0);

    // In the page: Done opens the exceptions dialog.
    const asked = page.waitForResponse((r) => r.url().endsWith(`/api/runs/${run.id}/steps/${step.id}/actions`) && r.request().method() === "POST");
    await board.button(step, "Done").click();
    expect((await asked).status()).toBe(409);
    const dialog = page.getByRole("dialog", { name: `Sign off step ${step.number} with exceptions` });
    await expect(dialog).toContainText("2 of 3 clients are verified. These are not:");
    await expect(dialog.getByRole("list", { name: "Clients not done" }).getByRole("listitem")).toHaveText([`${host3} · pending`]);
    expect(stepRunRow(db, run.id, step.id)).toEqual(before);
    const reasonField = dialog.getByLabel("Why sign off now? (recorded with the exceptions, and printed in the PDF)");
    await screenshots(page, "gates-exceptions-dialog", () => onScreen(dialog.getByRole("button", { name: "Sign off with exceptions" })), { dark: true });

    // An empty reason is refused.
    await dialog.getByRole("button", { name: "Sign off with exceptions" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("A reason is required.");
    await reasonField.fill("   ");
    await dialog.getByRole("button", { name: "Sign off with exceptions" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("A reason is required.");
    expect(stepRunRow(db, run.id, step.id)).toEqual(before);

    const reason = uniqueName("Client decommissioned");
    await reasonField.fill(reason);
    await dialog.getByRole("button", { name: "Sign off with exceptions" }).click();
    await expect(dialog).toBeHidden();
    await expect(board.statusBadge(step, "Done")).toBeVisible();
    const line = `2 of 3 verified, 1 exception: ${reason}`;
    await expect(board.card(step).getByText(/^Clients: /)).toHaveText(`Clients: ${line}`);

    const after = db.prepare(`SELECT status, signedOffById, exceptionReason, fleetOutcome FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, step.id) as {
      status: string;
      signedOffById: string;
      exceptionReason: string;
      fleetOutcome: string | null;
    };
    expect(after).toMatchObject({ status: "DONE", signedOffById: operator.id, exceptionReason: reason });
    const outcome = JSON.parse(after.fleetOutcome ?? "null") as { action: string; total: number; done: number; counts: Record<string, number>; exceptions: { hostname: string; status: string }[] };
    expect(outcome).toMatchObject({ action: "CHECK_CONNECTIVITY", total: 3, done: 2, counts: { PENDING: 1, UPDATED: 0, VERIFIED: 2, FAILED: 0 } });
    expect(outcome.exceptions).toHaveLength(1);
    expect(outcome.exceptions[0]).toEqual({ hostname: host3, status: "PENDING" });
    expect(auditCount(db, { action: "step.done", entityId: before.id })).toBe(1);
    const event = db.prepare(`SELECT json_extract("after", '$.fleet') AS fleet, json_extract("after", '$.exceptions') AS exceptions FROM audit_event WHERE action = 'step.done' AND entityId = ?`).get(before.id);
    expect(event).toEqual({ fleet: line, exceptions: JSON.stringify([host3]) });

    // After a reload the line is still there, and the PDF prints it.
    await page.reload();
    await expect(board.card(step).getByText(/^Clients: /)).toHaveText(`Clients: ${line}`);
    const pdf = await runPdfText(adminApi, run.id);
    expect(pdf).toContain(`Clients: ${line}`);
    expect(pdf).toContain(`(not done: ${host3} pending)`);
  });
});
