import { auditCount, expect, RunBoard, test, TEMPLATE_STEP_COUNT, TEMPLATE_ROLLBACK_COUNT, uniqueName } from "./fixtures";

/*
 * Stakeholder updates on the run page: an admin adds the stakeholder list, previews the update
 * the server renders from the run as it is, edits it and sends it now. The e2e server has no
 * SMTP relay, so the update is recorded (with its audit event) and the log says the email
 * couldn't go out and why; delivery over real SMTP is covered by
 * tests/unit/stakeholder-updates.integration.test.ts.
 */
test.describe("stakeholder updates", () => {
  test("an admin adds recipients, previews, edits the preview and sends it; the log and the database have it", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    await adminApi.completeSteps(run.id, [project.step("1"), project.step("2")]);
    await loginAs(page, "ADMIN");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();

    const panel = page.getByRole("region", { name: "Stakeholder updates" });
    await expect(panel.getByTestId("stakeholder-summary")).toHaveText("Automatic updates off");
    await panel.getByRole("button", { name: "Stakeholder updates…" }).click();
    await expect(panel.getByText("No stakeholders yet")).toBeVisible();

    // A bad address is named on the field, and nothing is saved.
    const settings = panel.getByRole("form", { name: "Stakeholder update settings" });
    await settings.getByLabel("Recipients").fill("cab@example.test\nnot-an-address");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect(settings.getByLabel("Recipients")).toHaveAttribute("aria-invalid", "true");
    await expect(settings.getByText("Not a valid email address: not-an-address.")).toBeVisible();
    expect((db.prepare("SELECT count(*) AS n FROM stakeholder_update_plan WHERE runId = ?").get(run.id) as { n: number }).n).toBe(0);

    await settings.getByLabel("Recipients").fill("cab@example.test, Duty.Manager@example.test");
    await settings.getByLabel("Every (minutes)").fill("20");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect(settings.getByRole("status")).toHaveText("Saved.");
    await expect(panel.getByText("No stakeholders yet")).toHaveCount(0);
    const plan = db.prepare("SELECT recipients, intervalMinutes FROM stakeholder_update_plan WHERE runId = ?").get(run.id) as { recipients: string; intervalMinutes: number };
    expect(JSON.parse(plan.recipients)).toEqual(["cab@example.test", "duty.manager@example.test"]);
    expect(plan.intervalMinutes).toBe(20);

    await settings.getByRole("button", { name: "Preview" }).click();
    const editor = panel.getByRole("form", { name: "Edit before sending" });
    const forward = TEMPLATE_STEP_COUNT - TEMPLATE_ROLLBACK_COUNT;
    await expect(editor.getByLabel("Message")).toHaveValue(new RegExp(`Progress: 2 of ${forward} steps done \\(${Math.floor(200 / forward)}%\\)`));
    await expect(editor.getByLabel("Subject")).toHaveValue(`${project.name} · Live cutover 1: 2 of ${forward} steps done (${Math.floor(200 / forward)}%)`);

    const subject = uniqueName("Cutover status");
    const addition = "Catalog copy is slower than planned; no impact on the window.";
    await editor.getByLabel("Subject").fill(subject);
    const text = `${await editor.getByLabel("Message").inputValue()}\n\n${addition}`;
    await editor.getByLabel("Message").fill(text);
    await editor.getByRole("button", { name: "Send now" }).click();

    await expect(panel.getByRole("status").filter({ hasText: "email" })).toContainText("the email failed: Email is not set up on this server");
    const log = panel.getByRole("list", { name: "Sent updates" });
    await expect(log.getByRole("listitem")).toHaveCount(1);
    await expect(log.getByRole("listitem").first()).toContainText(subject);
    await expect(log.getByRole("listitem").first()).toContainText("Email failed");
    await expect(log.getByRole("listitem").first()).toContainText("2 recipients");

    const message = db.prepare("SELECT * FROM stakeholder_update_message WHERE runId = ?").get(run.id) as { id: string; subject: string; text: string; status: string; recipients: string; sentById: string | null };
    expect(message).toMatchObject({ subject, text, status: "FAILED" });
    expect(message.text).toContain(addition);
    expect(message.sentById).not.toBeNull();
    expect(JSON.parse(message.recipients)).toEqual(["cab@example.test", "duty.manager@example.test"]);
    expect(auditCount(db, { action: "run.stakeholder_update", runId: run.id, entityId: message.id, projectId: project.id })).toBe(1);
    const after = JSON.parse((db.prepare("SELECT after FROM audit_event WHERE action = 'run.stakeholder_update' AND entityId = ?").get(message.id) as { after: string }).after);
    expect(after).toMatchObject({ subject, text, recipients: 2 });
  });

  test("operators don't see the panel, and the API refuses them", async ({ page, loginAs, createProject, startRun, apiAs }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await expect(page.getByRole("region", { name: "Stakeholder updates" })).toHaveCount(0);
    const operator = await apiAs("OPERATOR");
    const refused = await operator.post(`/api/runs/${run.id}/stakeholder-updates/send`, { subject: "x", text: "y" });
    expect(refused.status).toBe(403);
  });

  test("the panel fits a 390 px phone in dark mode", async ({ browser, loginAs, createProject, startRun }) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: "dark", locale: "en-GB", timezoneId: "Europe/Berlin" });
    const page = await context.newPage();
    try {
      const project = await createProject();
      const run = await startRun(project.id, "LIVE");
      await loginAs(page, "ADMIN");
      await page.goto(`/projects/${project.id}/runs/${run.id}`);
      const panel = page.getByRole("region", { name: "Stakeholder updates" });
      await panel.getByRole("button", { name: "Stakeholder updates…" }).click();
      await expect(panel.getByLabel("Message template")).toBeVisible();
      // Nothing wider than the screen: the page doesn't scroll sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const box = await panel.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    } finally {
      await context.close();
    }
  });
});
