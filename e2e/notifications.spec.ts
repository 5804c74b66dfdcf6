/**
 * Notifications in the browser: "you're up" reaches the assignee's bell after the step before
 * theirs is signed off, Acknowledge stops the reminders, and notification settings persist.
 */
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test, uniqueName } from "./fixtures";

/** axe's serious and critical findings inside `selector`, as "rule: target" lines. */
async function seriousFindings(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

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

    // The open panel passes axe in light and dark mode.
    expect(await seriousFindings(page, '[role="dialog"][aria-label="Notifications"]')).toEqual([]);
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await seriousFindings(page, '[role="dialog"][aria-label="Notifications"]')).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });

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
    expect(await seriousFindings(page, 'section[aria-labelledby="notification-preferences-heading"]')).toEqual([]);
    await expect(card.getByRole("checkbox", { name: "You're up (your step is ready): in app" })).toBeChecked();
  });
});

test.describe("gate approval links", () => {
  test("opening the link only shows the gate; confirming decides it as the approver; the link then refuses", async ({ page, db, adminApi, createProject, createUser, startRun }) => {
    const approver = await createUser({ role: "OPERATOR" });
    const project = await createProject({ template: "empty" });
    const phase = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/phases`, { title: "Cutover" });
    const work = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phase.body.id, title: uniqueName("Copy the catalog"), kind: "TASK", plannedMinutes: 15 });
    const gateTitle = uniqueName("Go/No-Go: switch over");
    const gate = await adminApi.post<{ id: string }>(`/api/projects/${project.id}/steps`, {
      phaseId: phase.body.id,
      title: gateTitle,
      kind: "GATE",
      plannedMinutes: 5,
      predecessorIds: [work.body.id],
      gateApprovers: [{ kind: "user", userId: approver.id }],
    });
    expect(gate.status, JSON.stringify(gate.body)).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    await adminApi.act(run.id, work.body.id, "done");
    const stepRun = db.prepare(`SELECT "id" FROM "step_run" WHERE "runId" = ? AND "stepId" = ?`).get(run.id, gate.body.id) as { id: string };
    // The server announced the gate to its approver; this suite has no SMTP relay to carry the
    // email, so the test stores a link the way the email would have (only the token's SHA-256).
    await expect.poll(() => (db.prepare(`SELECT COUNT(*) AS n FROM "notification" WHERE "userId" = ? AND "kind" = 'GATE_WAITING'`).get(approver.id) as { n: number }).n).toBe(1);
    const { createHash, randomBytes } = await import("node:crypto");
    const token = randomBytes(32).toString("base64url");
    db.prepare(`INSERT INTO "gate_approval_link" ("id", "tokenHash", "stepRunId", "approverId", "expiresAt") VALUES (?, ?, ?, ?, ?)`).run(
      `e2e-${token.slice(0, 12)}`,
      createHash("sha256").update(token).digest("hex"),
      stepRun.id,
      approver.id,
      new Date(Date.now() + 30 * 60_000).toISOString().replace("Z", "+00:00"),
    );

    // Signed out, as from a phone's mail app. Opening the page decides nothing.
    await page.goto(`/approve/${token}?decision=GO`);
    await expect(page.getByRole("heading", { name: "Decide a gate" })).toBeVisible();
    await expect(page.getByText(gateTitle)).toBeVisible();
    await expect(page.getByText(`${approver.name} (${approver.email})`)).toBeVisible();
    expect(db.prepare(`SELECT "status", "gateDecision" FROM "step_run" WHERE "id" = ?`).get(stepRun.id)).toEqual({ status: "PENDING", gateDecision: null });

    await page.getByRole("button", { name: "Confirm Go" }).click();
    await expect(page.getByText("Please add a note.")).toBeVisible();
    await page.getByLabel("Note").fill("Catalog copy verified from my phone");
    await page.getByRole("button", { name: "Confirm Go" }).click();
    await expect(page.getByRole("status")).toContainText("Recorded: Go.");
    expect(db.prepare(`SELECT "status", "gateDecision", "decidedById", "note" FROM "step_run" WHERE "id" = ?`).get(stepRun.id)).toEqual({
      status: "DONE",
      gateDecision: "GO",
      decidedById: approver.id,
      note: "Catalog copy verified from my phone",
    });
    const event = db.prepare(`SELECT "actorId", "after" FROM "audit_event" WHERE "runId" = ? AND "action" = 'gate.go'`).get(run.id) as { actorId: string; after: string };
    expect(event.actorId).toBe(approver.id);
    expect(JSON.parse(event.after)).toMatchObject({ via: "email link" });

    await page.goto(`/approve/${token}?decision=NO_GO`);
    await expect(page.getByRole("heading", { name: "This link can't be used" })).toBeVisible();
    await expect(page.getByText(/This approval link has already been used/)).toBeVisible();
  });
});

test.describe("project notification settings", () => {
  test("an admin sets the lead and the overdue threshold; bad minutes are refused with nothing saved", async ({ page, db, createProject, createUser, loginAs }) => {
    const lead = await createUser({ role: "OPERATOR" });
    const project = await createProject({ template: "empty" });
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}/settings`);
    const card = page.getByRole("region", { name: "Notifications" });
    await card.getByLabel("Project lead").selectOption({ label: lead.name });
    const minutes = card.getByLabel(/Overdue after/);
    await minutes.fill("ten");
    await card.getByRole("button", { name: "Save notification settings" }).click();
    await expect(card.getByText("Enter whole minutes.")).toBeVisible();
    expect(db.prepare(`SELECT "leadUserId", "notifyOverdueMinutes" FROM "project" WHERE "id" = ?`).get(project.id)).toEqual({ leadUserId: null, notifyOverdueMinutes: null });

    await minutes.fill("15");
    await card.getByRole("button", { name: "Save notification settings" }).click();
    await expect(card.getByRole("status")).toHaveText("Notification settings saved.");
    expect(db.prepare(`SELECT "leadUserId", "notifyOverdueMinutes" FROM "project" WHERE "id" = ?`).get(project.id)).toEqual({ leadUserId: lead.id, notifyOverdueMinutes: 15 });
    await page.reload();
    await expect(card.getByLabel("Project lead")).toHaveValue(lead.id);
    await expect(card.getByLabel(/Overdue after/)).toHaveValue("15");
  });
});
