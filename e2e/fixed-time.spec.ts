import { resolveNotBefore } from "../lib/plan/timing";
import { formatInZone, wallClockToUtc } from "../lib/platform/time";
import { expect, loadPlan, moment, RunBoard, test, TIME_ZONE } from "./fixtures";

const MIN = 60_000;
const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/** 22:00–06:00 Berlin, `days` from now. */
function nightWindow(days: number) {
  const day = new Date(Date.now() + days * 86_400_000);
  const date = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(day);
  const start = wallClockToUtc(`${date}T22:00`, TIME_ZONE);
  return { windowStart: start, windowEnd: new Date(start.getTime() + 8 * 3_600_000) };
}

const clock = (ms: number) => formatInZone(new Date(ms), TIME_ZONE, "time");

test.describe("planned clock times and fixed-time steps", () => {
  test("a not-before set in the step dialog shows in the plan, moves the live forecast, and a late step is flagged", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const window = nightWindow(3);
    const project = await createProject({ ...window, template: "empty" });
    const phase = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/phases`, { title: "Cutover" });
    expect(phase.status).toBe(200);
    const stop = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phase.body.id, title: "Stop the scheduler", kind: "TASK", plannedMinutes: 30 });
    const copy = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phase.body.id, title: "Copy the catalog", kind: "TASK", plannedMinutes: 20, predecessorIds: [stop.body.id] });
    expect([stop.status, copy.status]).toEqual([200, 200]);
    const [first, second] = loadPlan(db, project.id);
    const start = window.windowStart.getTime();

    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const stepItem = page.locator(`#step-${second.id}`);
    // Before: the copy follows the stop, 22:30–22:50.
    await expect(stepItem).toContainText(`planned ${clock(start + 30 * MIN)}–${clock(start + 50 * MIN)}`);

    await page.getByRole("button", { name: "Edit step 2", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Edit step 2" });
    await dialog.getByLabel("Not before (time of day)").fill("1:00");
    await dialog.getByRole("button", { name: "Save step" }).click();
    // Bad input is refused with a clear message, and the dialog keeps what was typed.
    await expect(dialog.getByText("Enter a time of day like 22:00 (24-hour, HH:MM).")).toBeVisible();
    await dialog.getByLabel("Not before (time of day)").fill("01:00");
    await dialog.getByRole("button", { name: "Save step" }).click();
    await expect(dialog).toBeHidden();
    expect((db.prepare(`SELECT notBefore FROM step WHERE id = ?`).get(second.id) as { notBefore: string }).notBefore).toBe("01:00");

    // The plan shows the fixed time and the planned times it gives: 01:00–01:20.
    const fixedAt = resolveNotBefore("01:00", start, TIME_ZONE)!;
    await expect(stepItem).toContainText("⏱ not before 01:00");
    await expect(stepItem).toContainText(`planned ${clock(fixedAt)}–${clock(fixedAt + 20 * MIN)}`);

    // The live run froze it, and its forecast finish follows it (computed from the database).
    const run = await startRun(project.id, "LIVE");
    const frozen = db.prepare(`SELECT notBefore FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, second.id) as { notBefore: string };
    expect(frozen.notBefore).toBe("01:00");
    const runRow = db.prepare(`SELECT windowStart FROM run WHERE id = ?`).get(run.id) as { windowStart: string | number };
    const runStart = new Date(runRow.windowStart).getTime();
    const withoutFixedTime = runStart + 50 * MIN;
    const expectedFinish = resolveNotBefore(frozen.notBefore, runStart, TIME_ZONE)! + 20 * MIN;
    // 22:00 + 30 + 20 = 22:50 without it; 01:00 + 20 = 01:20 with it: 150 minutes later.
    expect((expectedFinish - withoutFixedTime) / MIN).toBe((fixedAt - start) / MIN - 30);
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const forecast = page.getByText("Forecast finish", { exact: true }).locator("..");
    await expect(forecast).toContainText(moment(new Date(expectedFinish)));
    await expect(forecast).not.toContainText(moment(new Date(withoutFixedTime)));
    await expect(board.card(second)).toContainText(`planned ${clock(fixedAt)}–${clock(fixedAt + 20 * MIN)}`);
    await expect(board.card(first)).not.toContainText("late by");

    // The window opened 45 minutes ago and step 1 hasn't started: it is late by 45 min.
    const opened = Date.now() - 45 * MIN;
    db.prepare(`UPDATE run SET windowStart = ?, windowEnd = ? WHERE id = ?`).run(sqliteTime(opened), sqliteTime(opened + 8 * 60 * MIN), run.id);
    await board.goto();
    const late = board.card(first).getByText(/late by \d+ min/);
    await expect(late).toHaveText(/· late by (45|46) min/);
    await expect(late).toHaveClass(/text-rose-600/);
  });
});
