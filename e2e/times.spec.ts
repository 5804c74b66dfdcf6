import { formatWindow, wallClockToUtc } from "../lib/platform/time";
import { expect, moment, RunBoard, stepRunRow, test, TIME_ZONE } from "./fixtures";

/** 22:00–06:00 Berlin, `days` from now: a cutover window across midnight. */
function nightWindow(days: number) {
  const day = new Date(Date.now() + days * 86_400_000);
  const date = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).format(day);
  const start = wallClockToUtc(`${date}T22:00`, TIME_ZONE);
  return { windowStart: start, windowEnd: new Date(start.getTime() + 8 * 3_600_000) };
}

test.describe("times you can trust at 3 a.m.", () => {
  test("a viewer in New York sees the Berlin window with both dates, its length, and their own clock beside it", async ({ newSession, createProject, startRun, adminApi, db }) => {
    const window = nightWindow(10);
    const project = await createProject(window);
    const { page } = await newSession("VIEWER", { timezoneId: "America/New_York" });
    await page.goto(`/projects/${project.id}`);

    const berlin = formatWindow(window.windowStart, window.windowEnd, TIME_ZONE);
    const newYork = formatWindow(window.windowStart, window.windowEnd, "America/New_York");
    // The window crosses midnight: both dates, the zone, the length.
    expect(berlin).toMatch(/^\w{3} \d{1,2} \w{3} 22:00 – \w{3} \d{1,2} \w{3} 0\d:00 CES?T \(8 h\)$/);
    const downtime = page.getByRole("heading", { name: "Downtime window" }).locator("..");
    await expect(downtime).toContainText(berlin);
    // The viewer's own clock is on the page, not only in a tooltip.
    await expect(downtime.getByTestId("viewer-window")).toHaveText(`your time: ${newYork}`);
    expect(newYork).toMatch(/E[SD]T \(8 h\)$/);

    // On the run page a signed-off time shows the project's zone and the viewer's.
    const run = await startRun(project.id, "REHEARSAL");
    const first = project.steps[0];
    await adminApi.completeSteps(run.id, [first]);
    const row = stepRunRow(db, run.id, first.id);
    const board = new RunBoard(page, project.id, run.id);
    await page.goto(board.url);
    const card = board.card(first);
    await expect(card).toContainText(`Signed off ${moment(row.finishedAt!)}`);
    await expect(card.getByTestId("viewer-time").last()).toHaveText(` (${moment(row.finishedAt!, "America/New_York")} your time)`);
    expect(moment(row.finishedAt!)).toMatch(/CES?T$/);
  });

  test("a viewer in the project's zone sees one clock; the portfolio shows the cutover's window while a rehearsal runs", async ({ newSession, createProject, startRun }) => {
    const window = nightWindow(12);
    const project = await createProject(window);
    await startRun(project.id, "REHEARSAL");
    const { page } = await newSession("VIEWER");
    await page.goto("/projects");
    const card = page.getByRole("list", { name: "Projects" }).getByRole("listitem").filter({ has: page.getByRole("link", { name: project.name, exact: true }) });
    await expect(card).toContainText("Rehearsal");
    // The rehearsal started now and is timed by a window from now; the card still shows Saturday night's.
    await expect(card).toContainText(formatWindow(window.windowStart, window.windowEnd, TIME_ZONE));
    await expect(card.getByTestId("viewer-window")).toHaveCount(0);
  });

  test("progress on the run page counts window work apart from preparation", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const inWindow = db.prepare(`SELECT sr.stepId, sr.plannedMinutes, rp.inWindow FROM step_run sr JOIN run_phase rp ON rp.id = sr.runPhaseId WHERE sr.runId = ? AND sr.kind != 'ROLLBACK'`).all(run.id) as { stepId: string; plannedMinutes: number; inWindow: number }[];
    const preparation = project.steps.filter((s) => inWindow.some((r) => r.stepId === s.id && r.inWindow === 0)).slice(0, 3);
    await adminApi.completeSteps(run.id, preparation);
    await loginAs(page, "VIEWER");
    await page.goto(new RunBoard(page, project.id, run.id).url);
    // Three preparation steps done, no window work: the headline stays at 0 %.
    await expect(page.getByLabel("Progress by planned minutes", { exact: true })).toHaveText("0%");
    const outsideTotal = inWindow.filter((r) => r.inWindow === 0).reduce((t, r) => t + r.plannedMinutes, 0);
    const outsideDone = inWindow.filter((r) => preparation.some((p) => p.id === r.stepId)).reduce((t, r) => t + r.plannedMinutes, 0);
    const fmt = (m: number) => (m < 60 ? `${m} min` : m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`);
    await expect(page.getByTestId("outside-window-progress")).toHaveText(`Preparation and follow-up: ${fmt(outsideDone)} of ${fmt(outsideTotal)} done`);
  });
});
