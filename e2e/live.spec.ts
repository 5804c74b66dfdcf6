import { auditCount, expect, ms, RunBoard, stepRunRow, test } from "./fixtures";

test.describe("live execution", () => {
  test("a tick in one browser appears in another without a reload", async ({ newSession, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    const step = project.step("1");
    const operator = await newSession("OPERATOR");
    const watcher = await newSession("VIEWER");
    const acting = new RunBoard(operator.page, project.id, run.id);
    const watching = new RunBoard(watcher.page, project.id, run.id);
    await acting.goto();
    await watching.goto();
    await watching.waitUntilLive();
    await expect(watching.statusBadge(step, "Pending")).toBeVisible();
    // Both people show up as viewing the run.
    await expect(watching.page.getByText(/^Viewing now:/)).toContainText(operator.user.name);
    // A marker that a reload or navigation would wipe out.
    await watcher.page.evaluate(() => ((window as unknown as { e2eMarker: string }).e2eMarker = "still here"));

    await acting.button(step, "Start").click();
    await expect(watching.statusBadge(step, "In progress")).toBeVisible();
    const started = stepRunRow(db, run.id, step.id);
    expect(started).toMatchObject({ status: "IN_PROGRESS", startedById: operator.user.id });
    await expect(watching.card(step)).toContainText(`by ${operator.user.name}`);

    await acting.button(step, "Done").click();
    await expect(watching.statusBadge(step, "Done")).toBeVisible();
    // The next step became ready in the watcher's "Now" strip too.
    await expect(watching.nowCard(project.step("2"))).toBeVisible();
    expect(stepRunRow(db, run.id, step.id)).toMatchObject({ status: "DONE", signedOffById: operator.user.id });
    expect(await watcher.page.evaluate(() => (window as unknown as { e2eMarker?: string }).e2eMarker)).toBe("still here");
  });

  test("a blocked step says what it waits for, has no Start, and a forged start is refused", async ({ page, loginAs, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    const blocked = project.step("5"); // waits for steps 3 and 4
    await board.goto();

    // The card names the unfinished predecessors by number and title.
    await expect(board.card(blocked).getByText(/Waiting for/)).toContainText(`Waiting for "3. ${project.step("3").title}", "4. ${project.step("4").title}".`);
    await expect(board.card(blocked).getByRole("button")).toHaveCount(0);
    await expect(board.button(project.step("1"), "Start")).toBeVisible();

    const before = stepRunRow(db, run.id, blocked.id);
    const forged = await page.evaluate(async (url) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: "start" }) });
      return { status: response.status, body: await response.json() };
    }, `/api/runs/${run.id}/steps/${blocked.id}/actions`);
    expect(forged.status).toBe(409);
    expect(forged.body.error.message).toBe(`This step is blocked. Waiting for "${project.step("3").title}", "${project.step("4").title}".`);
    expect(stepRunRow(db, run.id, blocked.id)).toEqual(before);
    expect(auditCount(db, { action: "step.start", runId: run.id })).toBe(0);
  });

  test("a No-Go switches the run to its rollback, and finishing the rollback ends the run rolled back", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const gate = project.step("12");
    // The template's first gate aborts on a No-Go (nothing has changed yet); this test is about
    // the rollback path, so the plan sets this gate to roll back before the run freezes it.
    const rollbackGate = await adminApi.patch(`/api/steps/${gate.id}`, { noGoOutcome: "ROLLBACK" });
    expect(rollbackGate.status, JSON.stringify(rollbackGate.body)).toBe(200);
    const run = await startRun(project.id, "LIVE");
    // Everything before the first go/no-go gate is done.
    await adminApi.completeSteps(run.id, project.steps.filter((s) => s.kind !== "ROLLBACK" && Number(s.number) < 12));
    const admin = await loginAs(page, "ADMIN");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await expect(board.card(project.step("R1")).getByText("Rollback steps run only after a No-Go decision.")).toBeVisible();

    await board.button(gate, "Decide Go / No-Go").click();
    const dialog = page.getByRole("dialog", { name: gate.title });
    await dialog.getByLabel("Decision note (required)").fill("Catalog copy failed its checksum; rolling back.");
    page.once("dialog", (confirm) => {
      expect(confirm.type()).toBe("confirm");
      expect(confirm.message()).toBe("No-Go switches this run to its rollback steps. Continue?");
      void confirm.accept();
    });
    await dialog.getByRole("button", { name: "No-Go → roll back" }).click();
    await expect(dialog).toBeHidden();

    await expect(page.getByRole("heading", { level: 1 })).toContainText("Rolling back");
    await expect(page.getByRole("main").getByRole("status").filter({ hasText: "A No-Go was decided." })).toBeVisible();
    await expect(board.statusBadge(gate, "No-Go")).toBeVisible();
    expect(db.prepare(`SELECT mode, status FROM run WHERE id = ?`).get(run.id)).toEqual({ mode: "ROLLBACK", status: "ACTIVE" });
    expect(stepRunRow(db, run.id, gate.id)).toMatchObject({ status: "DONE", gateDecision: "NO_GO", decidedById: admin.id, note: "Catalog copy failed its checksum; rolling back." });
    expect(auditCount(db, { action: "gate.no_go", runId: run.id })).toBe(1);
    expect(auditCount(db, { action: "run.rollback_started", runId: run.id })).toBe(1);

    // Rollback steps become startable, in order; forward steps no longer are.
    const rollback = project.steps.filter((s) => s.kind === "ROLLBACK");
    await expect(board.button(rollback[0], "Start")).toBeVisible();
    await expect(board.card(rollback[1]).getByText(`Waiting for rollback step "R1. ${rollback[0].title}".`)).toBeVisible();
    await expect(board.card(rollback[1]).getByRole("button")).toHaveCount(0);
    await expect(board.card(project.step("13")).getByText("The run is rolling back; only rollback steps can run.")).toBeVisible();
    await expect(board.card(project.step("13")).getByRole("button")).toHaveCount(0);

    await board.button(rollback[0], "Start").click();
    await expect(board.statusBadge(rollback[0], "In progress")).toBeVisible();
    await board.button(rollback[0], "Done").click();
    await expect(board.statusBadge(rollback[0], "Done")).toBeVisible();
    await expect(board.button(rollback[1], "Start")).toBeVisible();
    expect(db.prepare(`SELECT status FROM run WHERE id = ?`).get(run.id)).toEqual({ status: "ACTIVE" });

    // The rest of the rollback is signed off elsewhere; this page follows live.
    await adminApi.completeSteps(run.id, rollback.slice(1));
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Rolled back");
    await expect(page.getByRole("heading", { level: 1 })).not.toContainText("Rolling back");
    const ended = db.prepare(`SELECT mode, status, endedAt FROM run WHERE id = ?`).get(run.id) as { mode: string; status: string; endedAt: string | null };
    expect(ended).toMatchObject({ mode: "ROLLBACK", status: "ROLLED_BACK" });
    expect(ended.endedAt).not.toBeNull();
    expect(db.prepare(`SELECT status FROM project WHERE id = ?`).get(project.id)).toEqual({ status: "ROLLED_BACK" });
    expect(auditCount(db, { action: "run.rolled_back", runId: run.id })).toBe(1);
    await expect(page.getByRole("button", { name: "Start", exact: true })).toHaveCount(0);
  });

  test("ticks made offline are queued, survive in localStorage and are applied exactly once with their offline times", async ({ page, context, loginAs, createProject, startRun, apiAs, db }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const operator = await loginAs(page, "OPERATOR");
    const setup = await apiAs("OPERATOR");
    const [s1, s2, s3, s4] = ["1", "2", "3", "4"].map((n) => project.step(n));
    await setup.completeSteps(run.id, [s1, s2]);
    await setup.act(run.id, s3, "start");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await expect(board.statusBadge(s3, "In progress")).toBeVisible();
    await expect(board.button(s4, "Start")).toBeVisible();

    await context.setOffline(true);
    await expect(page.getByText("Offline — actions are queued")).toBeVisible();
    await board.button(s4, "Start").click();
    await expect(board.card(s4).getByText(/^start queued/)).toBeVisible();
    await board.button(s3, "Done").click();
    await expect(board.card(s3).getByText(/^done queued/)).toBeVisible();
    await expect(page.getByText("2 queued", { exact: true })).toBeVisible();
    // A queued Start offers no second Start, but Done can be queued behind it.
    await expect(board.card(s4).getByRole("button", { name: "Start", exact: true })).toHaveCount(0);
    await expect(board.button(s4, "Done")).toBeVisible();

    const queue = (await page.evaluate((key) => JSON.parse(window.localStorage.getItem(key) ?? "[]"), `runsheet:queue:${run.id}`)) as {
      key: string;
      stepId: string;
      action: string;
      occurredAt: string;
    }[];
    expect(queue.map((q) => [q.stepId, q.action])).toEqual([
      [s4.id, "start"],
      [s3.id, "done"],
    ]);
    // Nothing reached the server.
    expect(stepRunRow(db, run.id, s4.id).status).toBe("PENDING");
    expect(stepRunRow(db, run.id, s3.id).status).toBe("IN_PROGRESS");

    const flushed = [s4, s3].map((s) => page.waitForResponse((r) => r.url().endsWith(`/steps/${s.id}/actions`) && r.status() === 200));
    const backOnlineAt = Date.now();
    await context.setOffline(false);
    await Promise.all(flushed);
    await expect.poll(() => page.evaluate((key) => window.localStorage.getItem(key), `runsheet:queue:${run.id}`)).toBeNull();
    await page.reload();
    await expect(board.statusBadge(s4, "In progress")).toBeVisible();
    await expect(board.statusBadge(s3, "Done")).toBeVisible();
    await expect(page.getByText(/\d+ queued$/)).toHaveCount(0);

    const started = stepRunRow(db, run.id, s4.id);
    const finished = stepRunRow(db, run.id, s3.id);
    expect(started).toMatchObject({ status: "IN_PROGRESS", startedById: operator.id });
    expect(finished).toMatchObject({ status: "DONE", signedOffById: operator.id });
    // The times are those of the taps, not of the upload.
    expect(ms(started.startedAt)).toBe(Date.parse(queue[0].occurredAt));
    expect(ms(finished.finishedAt)).toBe(Date.parse(queue[1].occurredAt));
    expect(ms(started.startedAt)).toBeLessThan(backOnlineAt);
    expect(ms(finished.finishedAt)).toBeLessThan(backOnlineAt);
    expect(auditCount(db, { action: "step.start", entityId: started.id })).toBe(1);
    expect(auditCount(db, { action: "step.done", entityId: finished.id })).toBe(1);
    const offlineFlag = db.prepare(`SELECT json_extract("after", '$.offline') AS offline FROM audit_event WHERE action = 'step.done' AND entityId = ?`).get(finished.id);
    expect(offlineFlag).toEqual({ offline: 1 });

    // Replaying a queued request (as a retry after a lost answer would) changes nothing.
    const replay = await page.evaluate(
      async ({ url, item }) => {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: item.action, note: "", reason: "", idempotencyKey: item.key, occurredAt: item.occurredAt }) });
        return { status: response.status, body: await response.json() };
      },
      { url: `/api/runs/${run.id}/steps/${s3.id}/actions`, item: queue[1] },
    );
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ status: "DONE", replayed: true });
    expect(auditCount(db, { action: "step.done", entityId: finished.id })).toBe(1);
    expect(stepRunRow(db, run.id, s3.id)).toEqual(finished);
  });
});
