/**
 * Notifications in the browser: "you're up" reaches the assignee's bell after the step before
 * theirs is signed off, Acknowledge stops the reminders, and notification settings persist.
 */
import { expect, test, uniqueName } from "./fixtures";

const PHONE = { width: 390, height: 844 };

test.describe("notifications", () => {
  test("the assignee's bell says 'You're up' once step 1 is done; Acknowledge is stored", async ({ page, db, adminApi, createProject, createUser, loginAs, startRun }) => {
    const operator = await createUser({ role: "OPERATOR" });
    const project = await createProject({ template: "empty" });
    const phase = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/phases`, { title: "Cutover" });
    expect(phase.status).toBe(200);
    const stopTitle = uniqueName("Stop the scheduler");
    const copyTitle = uniqueName("Copy the catalog");
    const stop = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phase.body.id, title: stopTitle, kind: "TASK", plannedMinutes: 15 });
    const copy = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phase.body.id, title: copyTitle, kind: "TASK", plannedMinutes: 30, predecessorIds: [stop.body.id], assigneeId: operator.id });
    expect(copy.status, JSON.stringify(copy.body)).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");

    await loginAs(page, operator);
    await page.goto("/projects");
    const bell = page.getByRole("button", { name: /^Notifications, \d+ unread$/ });
    await expect(bell).toHaveAccessibleName("Notifications, 0 unread");

    await adminApi.act(run.id, stop.body.id, "done");
    // The server turns the sign-off into a notification right after its commit.
    await expect.poll(() => db.prepare(`SELECT COUNT(*) AS n FROM "notification" WHERE "userId" = ? AND "kind" = 'READY'`).get(operator.id) as { n: number }).toEqual({ n: 1 });
    // The bell asks again when the window gets focus (and every 30 s); a reload shows it at once.
    await page.reload();
    await expect(bell).toHaveAccessibleName("Notifications, 1 unread");

    await bell.click();
    const panel = page.getByRole("dialog", { name: "Notifications" });
    await expect(panel).toBeVisible();
    const title = `You're up: step 2 ${copyTitle}`;
    await expect(panel.getByRole("link", { name: new RegExp(`Unread: ${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) })).toBeVisible();
    await expect(panel.getByRole("link", { name: new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) })).toHaveAttribute("href", `/projects/${project.id}/runs/${run.id}#step-${copy.body.id}`);

    // Escape closes the panel and gives focus back to the bell.
    await page.keyboard.press("Escape");
    await expect(panel).toBeHidden();
    await expect(bell).toBeFocused();

    await bell.click();
    await panel.getByRole("button", { name: `Acknowledge: ${title}` }).click();
    await expect(panel.getByText("Acknowledged")).toBeVisible();
    const row = db.prepare(`SELECT "acknowledgedAt", "acknowledgedById", "readAt" FROM "notification" WHERE "userId" = ? AND "kind" = 'READY'`).get(operator.id) as { acknowledgedAt: string | null; acknowledgedById: string | null; readAt: string | null };
    expect(row.acknowledgedAt).not.toBeNull();
    expect(row.acknowledgedById).toBe(operator.id);
    expect(row.readAt).not.toBeNull();
    await expect(bell).toHaveAccessibleName("Notifications, 0 unread");

    // At 390 px the panel fits the screen.
    await page.setViewportSize(PHONE);
    await expect(panel).toBeVisible();
    const box = await panel.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
  });

  test("notification settings save and persist after a reload", async ({ page, db, loginAs }) => {
    const user = await loginAs(page, "OPERATOR");
    await page.goto("/account");
    const card = page.getByRole("region", { name: "Notifications" });
    const runEndedInApp = card.getByRole("checkbox", { name: "A run you took part in ended: in app" });
    await expect(runEndedInApp).toBeChecked();
    // No SMTP relay in this suite: the email column says so and can't be ticked.
    await expect(card.getByText(/Email is not set up on this server/)).toBeVisible();
    await expect(card.getByRole("checkbox", { name: "You're up (your step is ready): email" })).toBeDisabled();

    await runEndedInApp.uncheck();
    await card.getByRole("button", { name: "Save notification settings" }).click();
    await expect(card.getByRole("status")).toHaveText("Notification settings saved.");
    expect(db.prepare(`SELECT "inApp", "email" FROM "notification_preference" WHERE "userId" = ? AND "kind" = 'RUN_ENDED'`).get(user.id)).toEqual({ inApp: 0, email: 1 });

    await page.reload();
    await expect(card.getByRole("checkbox", { name: "A run you took part in ended: in app" })).not.toBeChecked();
    await expect(card.getByRole("checkbox", { name: "You're up (your step is ready): in app" })).toBeChecked();
  });
});
