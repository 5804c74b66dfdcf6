import fs from "node:fs";
import path from "node:path";
import type { E2eDatabase } from "./support/e2e-database";
import { formatMinutes } from "../lib/platform/time";
import { expect, test } from "./fixtures";
import { seriousAxeFindings } from "./issue6-helpers";

const SCREENSHOTS = path.join(process.cwd(), "screenshots");
const MINUTE = 60_000;
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** Moves a step's recorded times to known minutes after the window start (the run's state stays as the API left it). */
function setTimes(db: E2eDatabase, runId: string, stepId: string, windowStart: number, from: number, to: number | null) {
  db.prepare(`UPDATE step_run SET startedAt = ?, finishedAt = ?, signedOffAt = ? WHERE runId = ? AND stepId = ?`).run(
    sqliteTime(windowStart + from * MINUTE),
    to === null ? null : sqliteTime(windowStart + to * MINUTE),
    to === null ? null : sqliteTime(windowStart + to * MINUTE),
    runId,
    stepId,
  );
}

test.describe("PM dashboards", () => {
  test("the run dashboard's figures equal those computed from the database", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const windowStart = Math.floor((Date.now() - 2 * 60 * MINUTE) / MINUTE) * MINUTE;
    const project = await createProject({ windowStart: new Date(windowStart), windowEnd: new Date(windowStart + 9 * 60 * MINUTE) });
    const run = await startRun(project.id, "LIVE");
    await adminApi.completeSteps(run.id, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"].map(project.step));
    await adminApi.decideGate(run.id, project.step("12"), "GO", "All clear");
    for (const n of ["13", "14", "15"]) {
      await adminApi.act(run.id, project.step(n), "start");
      await adminApi.act(run.id, project.step(n), "done");
    }
    await adminApi.act(run.id, project.step("16"), "start");
    await adminApi.act(run.id, project.step("18"), "skip", { reason: "Library was recabled during the rehearsal." });
    // Known times: 13 took its plan (30 min), 14 ran 30 min over (75 of 45), 15 took 3 of 10.
    setTimes(db, run.id, project.step("12").id, windowStart, 0, 10);
    setTimes(db, run.id, project.step("13").id, windowStart, 10, 40);
    setTimes(db, run.id, project.step("14").id, windowStart, 40, 115);
    setTimes(db, run.id, project.step("15").id, windowStart, 115, 118);
    setTimes(db, run.id, project.step("16").id, windowStart, 118, null);

    // Expected figures, computed here straight from the database.
    const rows = db
      .prepare(`SELECT s.id, s.kind, s.plannedMinutes AS planned, r.status, p.title AS phase FROM step s JOIN step_run r ON r.stepId = s.id JOIN phase p ON p.id = s.phaseId WHERE r.runId = ?`)
      .all(run.id) as { id: string; kind: string; planned: number; status: string; phase: string }[];
    const finished = (r: { status: string }) => r.status === "DONE" || r.status === "SKIPPED";
    const forward = rows.filter((r) => r.kind !== "ROLLBACK");
    const sum = (xs: { planned: number }[]) => xs.reduce((t, r) => t + r.planned, 0);
    const cutover = rows.filter((r) => r.phase === "Cutover window (Saturday)");
    const cutoverPercent = Math.floor((sum(cutover.filter(finished)) / sum(cutover)) * 100);
    const cutoverClosed = cutover.filter((r) => finished(r) || r.status === "FAILED").length;
    const inWindow = rows.filter((r) => (r.phase === "Cutover window (Saturday)" || r.phase === "Clients and resume") && r.kind !== "ROLLBACK");
    // The headline is the window's work; preparation and follow-up are counted apart.
    const percent = Math.floor((sum(inWindow.filter(finished)) / sum(inWindow)) * 100);
    const outside = forward.filter((r) => !inWindow.includes(r));
    const remaining = sum(inWindow.filter((r) => !finished(r)));

    await loginAs(page, "VIEWER");
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/projects/${project.id}/runs/${run.id}/dashboard`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Dashboard");

    const stats = page.locator("dl").first();
    await expect(stats).toContainText(`Window work${percent}%`);
    await expect(stats).toContainText(`preparation and follow-up ${formatMinutes(sum(outside.filter(finished)))} of ${formatMinutes(sum(outside))}`);

    const phases = page.getByRole("region", { name: "Phase progress" });
    await expect(phases.getByRole("listitem").filter({ hasText: "Cutover window (Saturday)" })).toContainText(`${cutoverPercent}% · ${cutoverClosed}/${cutover.length} steps`);
    await expect(phases.getByRole("progressbar", { name: `Cutover window (Saturday): ${cutoverPercent}%` })).toBeVisible();

    const overruns = page.getByRole("region", { name: "Top overruns" }).getByRole("row");
    // Header row, then the largest overrun first: step 14, 1 h 15 min against 45 min.
    await expect(overruns.nth(1)).toContainText(project.step("14").title);
    await expect(overruns.nth(1)).toContainText("1 h 15 min");
    await expect(overruns.nth(1)).toContainText("+30 min");
    await expect(page.getByRole("region", { name: "Top overruns" })).not.toContainText(project.step("13").title);

    const exceptions = page.getByRole("region", { name: "Skipped and failed steps" });
    await expect(exceptions).toContainText(project.step("18").title);
    await expect(exceptions).toContainText("Reason: Library was recabled during the rehearsal.");

    await expect(page.getByRole("region", { name: "Burn-down of planned minutes in the window" })).toContainText(`${formatMinutes(remaining)} of planned work left`);
    // The Gantt's text alternative lists the in-window steps with their planned and actual times.
    const timeline = page.getByRole("region", { name: /Planned vs actual timeline/ });
    await timeline.getByText("Show the data as a table").click();
    await expect(timeline.getByRole("row").filter({ hasText: `14. ${project.step("14").title}` })).toBeVisible();

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-desktop.png"), fullPage: true });
    expect(await seriousAxeFindings(page)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByRole("region", { name: "Top overruns" })).toContainText("+30 min");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SCREENSHOTS, "dashboard-phone.png"), fullPage: true });
  });

  test("the portfolio filters live in the URL and the page passes axe", async ({ page, loginAs, createProject, startRun }) => {
    const live = await createProject();
    await startRun(live.id, "LIVE");
    const planned = await createProject({ windowStart: new Date(Date.now() + 30 * 86_400_000) });
    await loginAs(page, "VIEWER");
    await page.goto("/projects?status=LIVE");
    const list = page.getByRole("list", { name: "Projects" });
    await expect(list.getByRole("link", { name: live.name })).toBeVisible();
    await expect(list.getByRole("link", { name: planned.name })).toHaveCount(0);
    await expect(list.getByRole("listitem").filter({ hasText: live.name })).toContainText(/On track|At risk|Will overrun/);
    await page.getByLabel("Status").selectOption("PLANNING");
    await expect(page).toHaveURL(/status=PLANNING/);
    await expect(list.getByRole("link", { name: planned.name })).toBeVisible();
    await expect(list.getByRole("link", { name: live.name })).toHaveCount(0);
    expect(await seriousAxeFindings(page)).toEqual([]);
  });
});
