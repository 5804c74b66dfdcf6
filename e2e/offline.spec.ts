import { auditCount, expect, RunBoard, stepRunRow, test } from "./fixtures";

/**
 * The data-center floor: the run page reloads without a network (a service worker keeps the last
 * copy this browser saw), the indicator never says "Live" while offline, and several actions can
 * wait in the queue for one step, sent in order when the connection is back.
 */
test.describe("the run page offline", () => {
  test("reloads offline from its kept copy, says Offline, and queues Start then Done on one step", async ({ page, context, createProject, startRun, adminApi, loginAs, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const [first, second] = project.steps;
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    // The worker has kept this page and its files.
    await expect(page.locator("html")).toHaveAttribute("data-offline-ready", "true");
    await expect(page.getByRole("status", { name: "Live updates connected" })).toBeVisible();

    // Changed elsewhere after the copy was kept: a copy served offline still shows it pending.
    await adminApi.completeSteps(run.id, [first]);

    await context.setOffline(true);
    // Under load, Chromium's offline emulation reached the service worker's own fetch late, and the
    // "offline" reload was served from the network. Refusing every request makes it really offline.
    await context.route("**/*", (route) => route.abort("internetdisconnected"));
    await expect(page.getByRole("status", { name: "Offline: no live updates" })).toBeVisible();
    await expect(page.getByRole("status", { name: "Live updates connected" })).toHaveCount(0);

    await page.reload();
    const runName = (db.prepare(`SELECT name FROM run WHERE id = ?`).get(run.id) as { name: string }).name;
    await expect(page.getByRole("heading", { level: 1 })).toContainText(runName);
    await expect(board.statusBadge(first, "Pending")).toBeVisible();
    await expect(page.getByRole("status", { name: "Offline: no live updates" })).toBeVisible();

    // Start, then Done, on the same step while offline: both wait in the queue, in order.
    await board.button(first, "Start").click();
    await expect(page.getByText("1 queued")).toBeVisible();
    await board.button(first, "Done").click();
    await expect(page.getByText("2 queued")).toBeVisible();
    const queue = (await page.evaluate((key) => JSON.parse(window.localStorage.getItem(key) ?? "[]"), `runsheet:queue:${run.id}`)) as { stepId: string; action: string }[];
    expect(queue.map((q) => [q.stepId, q.action])).toEqual([
      [first.id, "start"],
      [first.id, "done"],
    ]);
    expect(stepRunRow(db, run.id, second.id)).toMatchObject({ status: "PENDING" });

    // Back online: sent in order. The first step was signed off elsewhere meanwhile, so its
    // queued Start is refused with a clear message and nothing is applied twice.
    await context.unrouteAll();
    await context.setOffline(false);
    await expect.poll(() => page.evaluate((key) => window.localStorage.getItem(key), `runsheet:queue:${run.id}`)).toBeNull();
    await expect(page.getByRole("status", { name: "Live updates connected" })).toBeVisible();
    expect(auditCount(db, { action: "step.done", runId: run.id })).toBe(1);
  });

  test("two queued actions on a pending step are applied in order once the connection is back", async ({ page, context, createProject, startRun, loginAs, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const [first] = project.steps;
    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await context.setOffline(true);
    await expect(page.getByRole("status", { name: "Offline: no live updates" })).toBeVisible();
    await board.button(first, "Start").click();
    await board.button(first, "Done").click();
    await expect(page.getByText("2 queued")).toBeVisible();
    expect(stepRunRow(db, run.id, first.id)).toMatchObject({ status: "PENDING", version: 1 });

    await context.setOffline(false);
    await expect.poll(() => stepRunRow(db, run.id, first.id).status).toBe("DONE");
    expect(stepRunRow(db, run.id, first.id)).toMatchObject({ startedById: operator.id, signedOffById: operator.id, version: 3 });
    expect(auditCount(db, { action: "step.start", runId: run.id })).toBe(1);
    expect(auditCount(db, { action: "step.done", runId: run.id })).toBe(1);
    await expect(board.statusBadge(first, "Done")).toBeVisible();
  });
});
