import { auditCount, barrier, expect, hhmm, moment, ms, RunBoard, stepRunRow, test } from "./fixtures";

test.describe("executing a run", () => {
  test("an operator starts and signs off steps and sees the actual times and their own name", async ({ page, loginAs, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    const first = project.step("1");
    const second = project.step("2");
    await board.goto();

    await expect(board.statusBadge(first, "Pending")).toBeVisible();
    await board.button(first, "Start").click();
    await expect(board.statusBadge(first, "In progress")).toBeVisible();
    const started = stepRunRow(db, run.id, first.id);
    expect(started).toMatchObject({ status: "IN_PROGRESS", startedById: operator.id, finishedAt: null, signedOffById: null, version: 2 });
    await expect(board.card(first)).toContainText(`Started ${moment(started.startedAt!)} by ${operator.name}`);
    await expect(board.button(first, "Start")).toHaveCount(0);

    await board.button(first, "Done").click();
    await expect(board.statusBadge(first, "Done")).toBeVisible();
    const done = stepRunRow(db, run.id, first.id);
    expect(done).toMatchObject({ status: "DONE", startedById: operator.id, signedOffById: operator.id, version: 3 });
    expect(done.startedAt).toBe(started.startedAt);
    expect(ms(done.finishedAt)).toBeGreaterThanOrEqual(ms(done.startedAt));
    expect(done.signedOffAt).toBe(done.finishedAt);
    await expect(board.card(first)).toContainText(`Signed off ${moment(done.finishedAt!)} by ${operator.name}`);
    // No action is left on a signed-off step (attaching evidence to it is not an action on it).
    await expect(board.card(first).locator("button")).toHaveCount(0);
    expect(auditCount(db, { action: "step.start", entityId: done.id })).toBe(1);
    expect(auditCount(db, { action: "step.done", entityId: done.id })).toBe(1);

    // Signing off step 1 unblocks step 2; Done works straight from Pending too.
    await expect(board.button(second, "Start")).toBeVisible();
    await board.button(second, "Done").click();
    await expect(board.statusBadge(second, "Done")).toBeVisible();
    const secondRow = stepRunRow(db, run.id, second.id);
    expect(secondRow).toMatchObject({ status: "DONE", startedById: operator.id, signedOffById: operator.id });
    await expect(board.card(second)).toContainText(`Signed off ${moment(secondRow.finishedAt!)} by ${operator.name}`);
  });

  test("skip needs a reason, in the dialog and at the API", async ({ page, loginAs, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    const step = project.step("1");
    const before = stepRunRow(db, run.id, step.id);
    await board.goto();

    await board.button(step, "Skip").click();
    const dialog = page.getByRole("dialog", { name: "Skip step 1" });
    await dialog.getByRole("button", { name: "Skip step" }).click();
    await expect(dialog.getByRole("alert")).toHaveText("A reason is required.");
    await expect(dialog.getByLabel("Why is it skipped?")).toHaveAttribute("aria-invalid", "true");
    expect(stepRunRow(db, run.id, step.id)).toEqual(before);

    // The server enforces the same rule for a request that bypasses the dialog.
    const forged = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "skip", reason: "   " }) });
      return { status: response.status, body: await response.json() };
    }, `/api/runs/${run.id}/steps/${step.id}/actions`);
    expect(forged.status).toBe(400);
    expect(forged.body.error.fieldErrors.reason).toEqual(["A reason is required to skip a step."]);
    expect(stepRunRow(db, run.id, step.id)).toEqual(before);

    await dialog.getByLabel("Why is it skipped?").fill("Hostname strategy was decided in the CAB last week.");
    await dialog.getByRole("button", { name: "Skip step" }).click();
    await expect(dialog).toBeHidden();
    await expect(board.statusBadge(step, "Skipped")).toBeVisible();
    await expect(board.card(step)).toContainText("Reason: Hostname strategy was decided in the CAB last week.");
    expect(stepRunRow(db, run.id, step.id)).toMatchObject({ status: "SKIPPED", reason: "Hostname strategy was decided in the CAB last week.", signedOffById: operator.id });
    expect(auditCount(db, { action: "step.skip", runId: run.id })).toBe(1);
  });

  test("a viewer gets no step buttons, and forged actions from their session are refused", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const started = project.step("1");
    await adminApi.act(run.id, started, "start");
    await loginAs(page, "VIEWER");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();

    await expect(board.statusBadge(started, "In progress")).toBeVisible();
    await expect(board.card(project.step("30"))).toBeVisible();
    for (const name of ["Start", "Done", "Skip", "Fail", "Decide Go / No-Go"]) {
      await expect(page.getByRole("button", { name, exact: true })).toHaveCount(0);
    }

    const pending = project.step("R1");
    const rowsBefore = [stepRunRow(db, run.id, started.id), stepRunRow(db, run.id, pending.id)];
    const eventsBefore = auditCount(db, { action: "step.done", runId: run.id }) + auditCount(db, { action: "step.start", runId: run.id });
    // A fetch from the page: same origin, the viewer's cookie.
    const fromPage = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "done", note: "forged" }) });
      return { status: response.status, body: await response.json() };
    }, `/api/runs/${run.id}/steps/${started.id}/actions`);
    expect(fromPage).toEqual({ status: 403, body: { error: { code: "forbidden", message: "Your role can't change steps in a run.", fieldErrors: {} } } });
    // The same session through Playwright's request client (no Origin header at all).
    const fromRequest = await page.request.post(`/api/runs/${run.id}/steps/${started.id}/actions`, { data: { action: "start" } });
    expect(fromRequest.status()).toBe(403);
    const gate = await page.request.post(`/api/runs/${run.id}/steps/${project.step("12").id}/gate`, { data: { decision: "NO_GO", note: "forged" } });
    expect(gate.status()).toBe(403);

    expect([stepRunRow(db, run.id, started.id), stepRunRow(db, run.id, pending.id)]).toEqual(rowsBefore);
    expect(auditCount(db, { action: "step.done", runId: run.id }) + auditCount(db, { action: "step.start", runId: run.id })).toBe(eventsBefore);
    expect(db.prepare(`SELECT mode FROM run WHERE id = ?`).get(run.id)).toEqual({ mode: "FORWARD" });
  });

  test("two operators sign off the same step at once: exactly one wins, the other is told who", async ({ newSession, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const step = project.step("1");
    await adminApi.act(run.id, step, "start");

    // Without the offline service worker: a request from a page it controls passes through it to
    // the network, and Playwright's page.route never sees it, so the race below wouldn't be held.
    const a = await newSession("OPERATOR", { serviceWorkers: "block" });
    const b = await newSession("OPERATOR", { serviceWorkers: "block" });
    const boards = [new RunBoard(a.page, project.id, run.id), new RunBoard(b.page, project.id, run.id)];
    await Promise.all(boards.map((board) => board.goto()));
    for (const board of boards) await expect(board.button(step, "Done")).toBeEnabled();

    // Hold each browser's request until both have been sent, then let them race to the server.
    const bothSent = barrier(2);
    for (const board of boards) {
      await board.page.route(`**/api/runs/${run.id}/steps/${step.id}/actions`, async (route) => {
        await bothSent();
        await route.continue();
      });
    }
    const responses = boards.map((board) => board.page.waitForResponse((r) => r.url().endsWith(`/steps/${step.id}/actions`)));
    await Promise.all(boards.map((board) => board.button(step, "Done").click()));
    const statuses = (await Promise.all(responses)).map((r) => r.status()).sort();
    expect(statuses).toEqual([200, 409]);

    const row = stepRunRow(db, run.id, step.id);
    expect(row.status).toBe("DONE");
    const winner = [a.user, b.user].find((u) => u.id === row.signedOffById);
    expect(winner, "signedOffById is one of the two operators").toBeDefined();
    const loserBoard = winner === a.user ? boards[1] : boards[0];
    const winnerBoard = winner === a.user ? boards[0] : boards[1];
    expect(auditCount(db, { action: "step.done", entityId: row.id })).toBe(1);
    const doneEvent = db.prepare(`SELECT actorId, actorName FROM audit_event WHERE action = 'step.done' AND entityId = ?`).get(row.id);
    expect(doneEvent).toEqual({ actorId: winner!.id, actorName: winner!.name });
    expect(row.version).toBe(3); // created 1, start 2, one sign-off 3: the loser wrote nothing

    await expect(loserBoard.card(step).getByRole("alert")).toHaveText(`Already signed off by ${winner!.name} at ${moment(row.signedOffAt!)}. Nothing was changed.`);
    await expect(loserBoard.statusBadge(step, "Done")).toBeVisible();
    await expect(winnerBoard.card(step)).toContainText(`Signed off ${moment(row.finishedAt!)} by ${winner!.name}`);
    await expect(winnerBoard.card(step).getByRole("alert")).toHaveCount(0);
  });

  test("the audit page lists the run's events with their actors and a verified chain", async ({ page, loginAs, apiAs, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const operator = await apiAs("OPERATOR");
    await operator.act(run.id, project.step("1"), "start");
    await operator.act(run.id, project.step("1"), "done", { note: "Keep the hostname." });
    await operator.act(run.id, project.step("2"), "done");
    await operator.act(run.id, project.step("3"), "skip", { reason: "Inventory taken last month." });

    const eventsBefore = (db.prepare(`SELECT count(*) AS n FROM audit_event`).get() as { n: number }).n;
    const viewer = await loginAs(page, "VIEWER");
    await page.goto(`/projects/${project.id}/audit`);
    await expect(page.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
    const eventsAfter = (db.prepare(`SELECT count(*) AS n FROM audit_event`).get() as { n: number }).n;

    const chain = page.getByTestId("chain-status");
    await expect(chain).toHaveText(/^✓ Hash chain verified \((\d+) events\)$/);
    const verified = Number(/\((\d+) events\)/.exec((await chain.textContent())!)![1]);
    expect(verified).toBeGreaterThanOrEqual(eventsBefore);
    expect(verified).toBeLessThanOrEqual(eventsAfter);

    const projectEvents = db.prepare(`SELECT action, actorName FROM audit_event WHERE projectId = ? ORDER BY seq DESC`).all(project.id) as { action: string; actorName: string }[];
    expect(projectEvents.map((e) => e.action)).toEqual(["step.skip", "step.done", "step.done", "step.start", "run.start", "project.create"]);
    const rows = page.getByRole("table").getByRole("row").filter({ has: page.getByRole("cell") });
    await expect(rows).toHaveCount(projectEvents.length);
    const signOffs = rows.filter({ hasText: "Signed off a step" });
    await expect(signOffs).toHaveCount(2);
    for (const row of await signOffs.all()) await expect(row.getByRole("cell").nth(2)).toHaveText(operator.user.name);
    await expect(rows.first()).toContainText("Skipped a step");
    // The change column names the step and carries the skip reason that is stored in the event.
    await expect(rows.first()).toContainText(`“${project.step("3").title}”`);
    await expect(rows.first()).toContainText("Inventory taken last month.");
    await expect(rows.filter({ hasText: "Started a run" }).getByRole("cell").nth(2)).toHaveText(projectEvents[4].actorName);
    await expect(rows.last()).toContainText("Created the project");
    expect(viewer.role).toBe("VIEWER");
  });
});
