import type { Page } from "@playwright/test";
import { expect, RunBoard, stepRunRow, test } from "./fixtures";

/** Counts the page's server re-renders (router.refresh: an RSC request that is not a link prefetch). */
function countRefreshes(page: Page): { readonly count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    const headers = request.headers();
    if (headers["rsc"] === "1" && !headers["next-router-prefetch"]) counter.count++;
  });
  return counter;
}

test.describe("live updates as deltas", () => {
  test("a tick in one browser patches the other's page: new status and who, without a server re-render", async ({ newSession, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const step = project.step("1");
    const operator = await newSession("OPERATOR");
    const watcher = await newSession("VIEWER");
    const acting = new RunBoard(operator.page, project.id, run.id);
    const watching = new RunBoard(watcher.page, project.id, run.id);
    await acting.goto();
    await watching.goto();
    await watching.waitUntilLive();
    await expect(watching.statusBadge(step, "Pending")).toBeVisible();
    const refreshes = countRefreshes(watcher.page);

    await acting.button(step, "Start").click();
    await expect(watching.statusBadge(step, "In progress")).toBeVisible();
    await expect(watching.card(step)).toContainText(`by ${operator.user.name}`);
    await acting.button(step, "Done").click();
    await expect(watching.statusBadge(step, "Done")).toBeVisible();
    await expect(watching.card(step)).toContainText(operator.user.name);
    // Progress and what is ready next are worked out in the browser from the patched state.
    await expect(watching.nowCard(project.step("2"))).toBeVisible();
    expect(stepRunRow(db, run.id, step.id)).toMatchObject({ status: "DONE", signedOffById: operator.user.id });
    expect(refreshes.count, "the watcher's page asked the server for a re-render").toBe(0);
  });

  test("a missed event (a gap in the ids) makes the page re-render from the server and show the right state", async ({ newSession, createProject, startRun, adminApi }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const step = project.step("1");
    const watcher = await newSession("VIEWER");
    // Lets the test drop one "change" event before the page's listener sees it, as a lost
    // message would.
    await watcher.page.addInitScript(() => {
      const original = EventSource.prototype.addEventListener;
      EventSource.prototype.addEventListener = function (this: EventSource, type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) {
        if (type !== "change" || typeof listener !== "function") return original.call(this, type, listener, options);
        const wrapped = (event: Event) => {
          const w = window as unknown as { e2eDropNextChange?: boolean };
          if (w.e2eDropNextChange) {
            w.e2eDropNextChange = false;
            return;
          }
          listener.call(this, event);
        };
        return original.call(this, type, wrapped, options);
      } as typeof EventSource.prototype.addEventListener;
    });
    const watching = new RunBoard(watcher.page, project.id, run.id);
    await watching.goto();
    await watching.waitUntilLive();
    const refreshes = countRefreshes(watcher.page);

    await watcher.page.evaluate(() => ((window as unknown as { e2eDropNextChange: boolean }).e2eDropNextChange = true));
    await adminApi.act(run.id, step, "start");
    await expect.poll(() => watcher.page.evaluate(() => (window as unknown as { e2eDropNextChange: boolean }).e2eDropNextChange)).toBe(false);
    // The start never reached the page.
    await expect(watching.statusBadge(step, "Pending")).toBeVisible();
    expect(refreshes.count).toBe(0);

    // The next event of the project (here: another run starting, which this page otherwise
    // ignores) names the missed one as its predecessor: the page re-renders and shows the start.
    await startRun(project.id, "REHEARSAL");
    await expect(watching.statusBadge(step, "In progress")).toBeVisible();
    expect(refreshes.count).toBeGreaterThanOrEqual(1);
  });
});
