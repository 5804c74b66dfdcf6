import { auditCount, expect, test } from "./fixtures";
import { planItem, plannedMinutes, rehearseWithDurations, seriousAxeFindings } from "./issue6-helpers";

/**
 * Rehearsals that teach the plan (components/recalibrate/rehearsal-comparison.tsx, wired into
 * components/projects/project-overview.tsx): the comparison table and "Recalibrate from rehearsal".
 */
test.describe("recalibrating the plan from rehearsals", () => {
  test("two rehearsals, recalibrate on the worst: the planned minutes change on the page and in the database", async ({ page, loginAs, createProject, adminApi, db }) => {
    const project = await createProject();
    // Planned: 1 = 60 min, 2 = 15 min, 3 = 120 min, 4 = 60 min.
    const [s1, s2, s3, s4] = ["1", "2", "3", "4"].map((n) => project.step(n));
    const before = Object.fromEntries([s1, s2, s3, s4].map((s) => [s.number, plannedMinutes(db, s.id)]));
    await rehearseWithDurations({ api: adminApi, db, projectId: project.id, durations: [[s1, 50], [s2, 21], [s3, 150], [s4, 60]] });
    await rehearseWithDurations({ api: adminApi, db, projectId: project.id, durations: [[s1, 72], [s2, 18]] });

    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const panel = page.getByRole("region", { name: "Rehearsals vs plan" });

    // The comparison: both rehearsals' actuals next to the plan, step by step.
    const row1 = panel.getByRole("table", { name: "Planned and actual minutes per step" }).getByRole("row").filter({ hasText: s1.title });
    await expect(row1).toContainText("1 h 12 min (+12 min)");
    await expect(row1).toContainText("50 min (−10 min)");

    // The preview on the median (default), then on the worst.
    const preview = panel.getByRole("table", { name: "Recalibration preview" });
    await expect(preview.getByRole("row").filter({ hasText: s1.title })).toContainText("1 h1 h 1 min+1 min");
    await panel.getByRole("radio", { name: /^Worst/ }).check();
    await expect(preview.getByRole("row").filter({ hasText: s1.title })).toContainText("1 h1 h 12 min+12 min");
    await expect(preview.getByRole("row").filter({ hasText: s2.title })).toContainText("15 min21 min+6 min");
    await expect(preview.getByRole("row").filter({ hasText: s3.title })).toContainText("2 h2 h 30 min+30 min");
    // Step 4 took exactly its plan: nothing to change, so it's not in the preview.
    await expect(preview.getByRole("row").filter({ hasText: s4.title })).toHaveCount(0);
    // Only this panel: the rest of the page belongs to other features and has its own checks.
    expect(await seriousAxeFindings(page, '[data-panel="rehearsal-comparison"]')).toEqual([]);

    const applied = page.waitForResponse((r) => r.url().endsWith(`/api/projects/${project.id}/recalibrate`) && r.request().method() === "POST");
    await panel.getByRole("button", { name: "Apply to 3 steps" }).click();
    expect((await applied).status()).toBe(200);
    await expect(panel.getByRole("status").filter({ hasText: "Updated the planned minutes of 3 steps (+48 min in total)." })).toBeVisible();

    // On the page: the plan shows the new minutes.
    await expect(planItem(page, s1)).toContainText("1 h 12 min");
    await expect(planItem(page, s2)).toContainText("21 min");
    await expect(planItem(page, s3)).toContainText("2 h 30 min");
    // In the database: new minutes, versions bumped, step 4 untouched, one audit event.
    expect(plannedMinutes(db, s1.id)).toEqual({ plannedMinutes: 72, version: before["1"].version + 1 });
    expect(plannedMinutes(db, s2.id)).toEqual({ plannedMinutes: 21, version: before["2"].version + 1 });
    expect(plannedMinutes(db, s3.id)).toEqual({ plannedMinutes: 150, version: before["3"].version + 1 });
    expect(plannedMinutes(db, s4.id)).toEqual(before["4"]);
    expect(auditCount(db, { action: "plan.recalibrate", projectId: project.id })).toBe(1);
    const event = db.prepare(`SELECT before, after FROM audit_event WHERE projectId = ? AND action = 'plan.recalibrate'`).get(project.id) as { before: string; after: string };
    expect(JSON.parse(event.before).steps.map((s: { number: string; plannedMinutes: number }) => [s.number, s.plannedMinutes])).toEqual([
      ["1", 60],
      ["2", 15],
      ["3", 120],
    ]);
    expect(JSON.parse(event.after)).toMatchObject({ basis: "worst", steps: [{ number: "1", plannedMinutes: 72 }, { number: "2", plannedMinutes: 21 }, { number: "3", plannedMinutes: 150 }] });

    // Nothing left to change on the same basis.
    await expect(panel.getByText("Nothing to change: with this basis every measured step already matches its plan.")).toBeVisible();
  });

  test("recalibration leaves out a clicked-through rehearsal step and a rehearsal still in progress, and shows the effect on the window", async ({ page, loginAs, createProject, adminApi, db }) => {
    const project = await createProject();
    // Planned: 1 = 60 min, 2 = 15 min, 3 = 120 min.
    const [s1, s2, s3] = ["1", "2", "3"].map((n) => project.step(n));
    // Step 1 ticked through in 12 seconds; step 2 took 25 min (a real measurement).
    await rehearseWithDurations({ api: adminApi, db, projectId: project.id, durations: [[s1, 0.2], [s2, 25]] });
    // A rehearsal still running: its 30 min for step 3 is not used unless chosen.
    const running = await rehearseWithDurations({ api: adminApi, db, projectId: project.id, durations: [[s1, 60], [s2, 25], [s3, 30]], inProgress: true });

    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const panel = page.getByRole("region", { name: "Rehearsals vs plan" });
    const comparison = panel.getByRole("table", { name: "Planned and actual minutes per step" });
    await expect(comparison.getByRole("row").filter({ hasText: s1.title })).toContainText("⚑ left out: clicked through in seconds");

    const preview = panel.getByRole("table", { name: "Recalibration preview" });
    await expect(preview.getByRole("row").filter({ hasText: s2.title })).toContainText("15 min25 min+10 min");
    await expect(preview.getByRole("row").filter({ hasText: s1.title })).toHaveCount(0);
    await expect(preview.getByRole("row").filter({ hasText: s3.title })).toHaveCount(0);
    await expect(panel.getByTestId("window-effect")).toContainText("Critical path inside the window:");

    const runningBox = panel.getByRole("checkbox", { name: /still in progress/ });
    await expect(runningBox).not.toBeChecked();
    await runningBox.check();
    await expect(preview.getByRole("row").filter({ hasText: s3.title })).toContainText("2 h30 min−1 h 30 min");

    // Applying with the in-progress rehearsal chosen records it; the clicked-through step keeps its plan.
    await panel.getByRole("button", { name: "Apply to 2 steps" }).click();
    await expect(panel.getByRole("status").filter({ hasText: "Updated the planned minutes of 2 steps" })).toBeVisible();
    expect(plannedMinutes(db, s1.id).plannedMinutes).toBe(60);
    expect(plannedMinutes(db, s2.id).plannedMinutes).toBe(25);
    expect(plannedMinutes(db, s3.id).plannedMinutes).toBe(30);
    const event = db.prepare(`SELECT after FROM audit_event WHERE projectId = ? AND action = 'plan.recalibrate'`).get(project.id) as { after: string };
    expect(JSON.parse(event.after).rehearsals.map((r: { id: string }) => r.id)).toContain(running.runId);
  });

  test("operators see the comparison but can't recalibrate", async ({ page, loginAs, createProject, adminApi, db }) => {
    const project = await createProject();
    await rehearseWithDurations({ api: adminApi, db, projectId: project.id, durations: [[project.step("1"), 75]] });
    await loginAs(page, "OPERATOR");
    await page.goto(`/projects/${project.id}`);
    const panel = page.getByRole("region", { name: "Rehearsals vs plan" });
    await expect(panel.getByRole("row").filter({ hasText: project.step("1").title })).toContainText("1 h 15 min (+15 min)");
    await expect(panel.getByRole("heading", { name: "Recalibrate from rehearsal" })).toHaveCount(0);
    const response = await page.request.post(`/api/projects/${project.id}/recalibrate`, {
      headers: { origin: new URL(page.url()).origin },
      data: { basis: "last", runIds: [], expected: [{ stepId: project.step("1").id, version: 1, newMinutes: 75 }] },
    });
    expect(response.status()).toBe(403);
    expect(plannedMinutes(db, project.step("1").id).plannedMinutes).toBe(60);
  });
});
