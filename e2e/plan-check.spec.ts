import { expect, test } from "./fixtures";

const HOUR = 3_600_000;

test.describe("the plan check", () => {
  test("reacts to an edit in the plan editor, links its findings to the steps, and is shown again before the live start", async ({ page, loginAs, createProject, db }) => {
    // The built-in template in its default 8 h window: it passes its own check.
    const start = new Date(Date.now() + 7 * 24 * HOUR);
    const project = await createProject({ windowStart: start, windowEnd: new Date(start.getTime() + 8 * HOUR) });
    const copy = project.step("16");
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const check = page.getByRole("region", { name: "Plan check" });
    await expect(check).toContainText("no problems");

    // The copy takes five hours longer than planned: the window and the last gate no longer hold.
    await page.getByRole("group", { name: "Plan view" }).getByRole("button", { name: "Sheet" }).click();
    const minutes = page.getByRole("cell", { name: new RegExp(`^Minutes of step 16: `) });
    await minutes.click();
    const input = page.getByRole("textbox", { name: "Minutes of step 16" });
    await input.fill(String(copy.plannedMinutes + 300));
    await input.press("Enter");
    await expect(check).toContainText(/\d+ problems?/);
    await expect(check).toContainText("overruns the 8 h window");
    expect((db.prepare(`SELECT plannedMinutes FROM step WHERE id = ?`).get(copy.id) as { plannedMinutes: number }).plannedMinutes).toBe(copy.plannedMinutes + 300);
    // Each finding links to its steps on the plan below.
    const link = check.getByRole("link", { name: `16. ${copy.title}` }).first();
    await expect(link).toHaveAttribute("href", `#step-${copy.id}`);
    await expect(page.locator(`#step-${copy.id}`)).toHaveCount(1);

    // Starting the live run shows the same problems before anyone confirms.
    await page.getByRole("button", { name: "Start live run…" }).click();
    const dialog = page.getByRole("dialog", { name: "Start the live cutover?" });
    await expect(dialog.getByTestId("plan-check")).toContainText("overruns the 8 h window");
    await dialog.getByRole("button", { name: "Cancel" }).click();

    // Back to the plan: the check says so again.
    await minutes.click();
    await page.getByRole("textbox", { name: "Minutes of step 16" }).fill(String(copy.plannedMinutes));
    await page.getByRole("textbox", { name: "Minutes of step 16" }).press("Enter");
    await expect(check).toContainText("no problems");
  });
});
