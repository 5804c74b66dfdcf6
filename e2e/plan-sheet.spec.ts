/**
 * The plan sheet: inline edits, multi-select bulk actions, keyboard reorder, rows pasted from
 * Excel, and undo of the last edit. Each test builds its own small plan through the API (as
 * another admin), then edits it in the browser as a fresh admin and checks the page and the
 * database.
 */
import fs from "node:fs";
import type { E2eDatabase } from "./support/e2e-database";
import type { Page } from "@playwright/test";
import { expect, test, uniqueName, type RunsheetApi } from "./fixtures";
import { seriousAxeFindings } from "./issue6-helpers";

const SHOTS = "/tmp/shots-edit";

interface Plan {
  id: string;
  phases: { id: string; title: string }[];
  steps: Record<string, string>;
}

/** A project with phase "Prepare" (steps A1..A4, each after the one above) and phase "Cutover" (B1). */
async function buildPlan(api: RunsheetApi, createProject: (o: { template: "empty"; name: string }) => Promise<{ id: string }>): Promise<Plan> {
  const project = await createProject({ template: "empty", name: uniqueName("Sheet") });
  const phases: Plan["phases"] = [];
  for (const title of ["Prepare", "Cutover"]) {
    const res = await api.post<{ id: string }>(`/api/projects/${project.id}/phases`, { title });
    expect(res.status).toBe(200);
    phases.push({ id: res.body.id, title });
  }
  const steps: Record<string, string> = {};
  let previous: string | null = null;
  for (const [title, phase] of [["Stop schedules", 0], ["Back up the catalog", 0], ["Copy the catalog", 0], ["Check the copy", 0], ["Start services", 1]] as const) {
    const res: { status: number; body: { id: string } } = await api.post<{ id: string }>(`/api/projects/${project.id}/steps`, { phaseId: phases[phase].id, title, plannedMinutes: 10, kind: "TASK", predecessorIds: previous ? [previous] : [] });
    expect(res.status).toBe(200);
    steps[title] = res.body.id;
    previous = res.body.id;
  }
  return { id: project.id, phases, steps };
}

const titlesInOrder = (db: E2eDatabase, projectId: string) =>
  (db.prepare(`SELECT s.title FROM step s JOIN phase p ON p.id = s.phaseId WHERE s.projectId = ? ORDER BY p.position, s.position`).all(projectId) as { title: string }[]).map((r) => r.title);

const stepRow = (db: E2eDatabase, id: string) => db.prepare(`SELECT title, team, assigneeId, plannedMinutes FROM step WHERE id = ?`).get(id) as { title: string; team: string; assigneeId: string | null; plannedMinutes: number } | undefined;

const actions = (db: E2eDatabase, projectId: string, since: number) =>
  (db.prepare(`SELECT action FROM audit_event WHERE projectId = ? AND seq > ? ORDER BY seq`).all(projectId, since) as { action: string }[]).map((r) => r.action);
const lastSeq = (db: E2eDatabase) => (db.prepare(`SELECT max(seq) AS n FROM audit_event`).get() as { n: number }).n;

async function openSheet(page: Page, projectId: string) {
  await page.goto(`/projects/${projectId}`);
  await page.getByRole("group", { name: "Plan view" }).getByRole("button", { name: "Sheet" }).click();
  await expect(page.getByRole("table", { name: "Steps of Prepare" })).toBeVisible();
}

/** The visible titles of a phase's table, top to bottom. */
const sheetTitles = (page: Page, phase: string) => page.getByRole("table", { name: `Steps of ${phase}` }).locator("tbody tr td:nth-child(4) [data-value]");

test.describe("the plan sheet", () => {
  test("inline edit of title and minutes: Enter saves, Escape cancels, a refused value is restored; undo takes the last edit back", async ({ page, loginAs, adminApi, createProject, db }) => {
    const plan = await buildPlan(adminApi, createProject);
    await loginAs(page, "ADMIN");
    await page.setViewportSize({ width: 1280, height: 900 });
    await openSheet(page, plan.id);

    // Title: click, type, Enter.
    await page.getByRole("cell", { name: "Title of step 2: Back up the catalog" }).click();
    const title = page.getByRole("textbox", { name: "Title of step 2" });
    await title.fill("Back up the NBDB catalog");
    await title.press("Enter");
    await expect(page.getByRole("cell", { name: "Title of step 2: Back up the NBDB catalog" })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Saving…" })).toHaveCount(0);
    expect(stepRow(db, plan.steps["Back up the catalog"])!.title).toBe("Back up the NBDB catalog");

    // Escape cancels without a request.
    const before = lastSeq(db);
    await page.getByRole("cell", { name: "Title of step 2: Back up the NBDB catalog" }).press("Enter");
    await page.getByRole("textbox", { name: "Title of step 2" }).fill("Never saved");
    await page.getByRole("textbox", { name: "Title of step 2" }).press("Escape");
    await expect(page.getByRole("cell", { name: "Title of step 2: Back up the NBDB catalog" })).toBeFocused();
    expect(actions(db, plan.id, before), "no audit event in this project").toEqual([]);

    // Minutes: a refused value shows the server's error and the saved value stays.
    await page.getByRole("cell", { name: "Minutes of step 2: 10 min" }).click();
    await page.getByRole("textbox", { name: "Minutes of step 2" }).fill("ninety");
    await page.getByRole("textbox", { name: "Minutes of step 2" }).press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "Step 2, minutes not saved" })).toHaveText("Step 2, minutes not saved: Planned minutes must be a number.");
    await expect(page.getByRole("cell", { name: "Minutes of step 2: 10 min" })).toBeVisible();
    expect(stepRow(db, plan.steps["Back up the catalog"])!.plannedMinutes).toBe(10);

    // Tab from the title moves to the next cells; F2 edits the focused cell.
    await page.getByRole("cell", { name: "Title of step 3: Copy the catalog" }).focus();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await expect(page.getByRole("cell", { name: "Minutes of step 3: 10 min" })).toBeFocused();
    await page.keyboard.press("F2");
    await page.getByRole("textbox", { name: "Minutes of step 3" }).fill("95");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("cell", { name: "Minutes of step 3: 1 h 35 min" })).toBeVisible();
    expect(stepRow(db, plan.steps["Copy the catalog"])!.plannedMinutes).toBe(95);
    expect(actions(db, plan.id, before)).toEqual(["step.update"]);

    await page.screenshot({ path: `${SHOTS}/sheet-1280.png`, fullPage: true });

    // Undo (button): the minutes go back, as an audited edit of its own.
    const beforeUndo = lastSeq(db);
    await expect(page.getByText(/Your last edit: 1 step changed\./)).toBeVisible();
    await page.getByRole("button", { name: "Undo last edit" }).click();
    await expect(page.getByRole("cell", { name: "Minutes of step 3: 10 min" })).toBeVisible();
    expect(stepRow(db, plan.steps["Copy the catalog"])!.plannedMinutes).toBe(10);
    expect(actions(db, plan.id, beforeUndo)).toEqual(["plan.undo"]);
    // An undo is not undone again: the button is off.
    await expect(page.getByRole("button", { name: "Undo last edit" })).toBeDisabled();

    // Ctrl+Z in the sheet undoes the title edit made next.
    await page.getByRole("cell", { name: "Title of step 5: Start services" }).click();
    await page.getByRole("textbox", { name: "Title of step 5" }).fill("Start NetBackup");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("cell", { name: "Title of step 5: Start NetBackup" })).toBeFocused();
    await page.keyboard.press("Control+z");
    await expect(page.getByRole("cell", { name: "Title of step 5: Start services" })).toBeVisible();
    expect(stepRow(db, plan.steps["Start services"])!.title).toBe("Start services");
  });

  test("select with shift-click, assign the selection, then delete two steps after a confirmation", async ({ page, loginAs, adminApi, createProject, createUser, db }) => {
    const plan = await buildPlan(adminApi, createProject);
    const olga = await createUser({ role: "OPERATOR", name: uniqueName("Olga Operator") });
    await loginAs(page, "ADMIN");
    await openSheet(page, plan.id);

    await page.getByRole("checkbox", { name: "Select step 1" }).click();
    await page.getByRole("checkbox", { name: "Select step 3" }).click({ modifiers: ["Shift"] });
    const bar = page.getByRole("region", { name: "Selected steps" });
    await expect(bar).toContainText("3 steps selected");
    await expect(page.getByRole("checkbox", { name: "Select step 2" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Select step 4" })).not.toBeChecked();
    // The sheet with its bulk bar has no serious accessibility findings.
    expect(await seriousAxeFindings(page, 'section[aria-labelledby="plan-heading"]')).toEqual([]);

    const since = lastSeq(db);
    await bar.getByRole("combobox", { name: "Assign selected to" }).selectOption({ label: olga.name });
    await bar.getByRole("button", { name: "Assign", exact: true }).click();
    await expect(page.getByText("Assigned 3 steps.")).toBeVisible();
    for (const n of [1, 2, 3]) await expect(page.getByRole("cell", { name: new RegExp(`^Assignee of step ${n}: `) })).toHaveAccessibleName(`Assignee of step ${n}: ${olga.name}`);
    await expect(page.getByRole("cell", { name: "Assignee of step 4: empty" })).toBeVisible();
    expect(["Stop schedules", "Back up the catalog", "Copy the catalog", "Check the copy"].map((t) => stepRow(db, plan.steps[t])!.assigneeId)).toEqual([olga.id, olga.id, olga.id, null]);
    expect(actions(db, plan.id, since)).toEqual(["plan.steps.bulk_update"]);

    await bar.getByRole("button", { name: "Clear selection" }).click();
    await page.getByRole("checkbox", { name: "Select step 2" }).click();
    await page.getByRole("checkbox", { name: "Select step 3" }).click();
    await page.getByRole("region", { name: "Selected steps" }).getByRole("button", { name: "Delete selected" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete 2 steps?" });
    await expect(confirm).toContainText("Back up the catalog");
    await expect(confirm).toContainText("Copy the catalog");
    await confirm.getByRole("button", { name: "Delete 2 steps" }).click();
    await expect(confirm).toBeHidden();
    await expect(sheetTitles(page, "Prepare")).toHaveText(["Stop schedules", "Check the copy"]);
    expect(titlesInOrder(db, plan.id)).toEqual(["Stop schedules", "Check the copy", "Start services"]);
    // "Check the copy" waited for the deleted "Copy the catalog": it now waits for "Stop schedules".
    expect(db.prepare(`SELECT predecessorId FROM step_dependency WHERE stepId = ?`).all(plan.steps["Check the copy"])).toEqual([{ predecessorId: plan.steps["Stop schedules"] }]);
    expect(actions(db, plan.id, since)).toEqual(["plan.steps.bulk_update", "plan.steps.bulk_delete"]);
  });

  test("reorder by keyboard: Alt+↑ on a row, and the drag handle's Space/arrow/Space", async ({ page, loginAs, adminApi, createProject, db }) => {
    const plan = await buildPlan(adminApi, createProject);
    await loginAs(page, "ADMIN");
    await openSheet(page, plan.id);
    const since = lastSeq(db);

    await page.getByRole("cell", { name: "Title of step 3: Copy the catalog" }).focus();
    await page.keyboard.press("Alt+ArrowUp");
    await expect(sheetTitles(page, "Prepare")).toHaveText(["Stop schedules", "Copy the catalog", "Back up the catalog", "Check the copy"]);
    // Focus stays on the moved step's cell, so the key can be pressed again.
    await expect(page.getByRole("cell", { name: "Title of step 2: Copy the catalog" })).toBeFocused();
    // The page moves the row at once; the server's answer may still be on its way.
    await expect.poll(() => titlesInOrder(db, plan.id)).toEqual(["Stop schedules", "Copy the catalog", "Back up the catalog", "Check the copy", "Start services"]);
    // The order links followed: Copy now waits for Stop, Back up for Copy, Check for Back up.
    const pred = (title: string) => (db.prepare(`SELECT predecessorId AS p FROM step_dependency WHERE stepId = ?`).all(plan.steps[title]) as { p: string }[]).map((r) => r.p);
    expect(pred("Copy the catalog")).toEqual([plan.steps["Stop schedules"]]);
    expect(pred("Back up the catalog")).toEqual([plan.steps["Copy the catalog"]]);
    expect(pred("Check the copy")).toEqual([plan.steps["Back up the catalog"]]);
    expect(actions(db, plan.id, since)).toEqual(["plan.steps.reorder"]);

    // The last step of a phase moves down into the next phase.
    await page.getByRole("button", { name: "Actions for step 4" }).click();
    await page.getByRole("menuitem", { name: "Move down" }).click();
    await expect(sheetTitles(page, "Cutover")).toHaveText(["Check the copy", "Start services"]);
    await expect.poll(() => db.prepare(`SELECT p.title FROM step s JOIN phase p ON p.id = s.phaseId WHERE s.id = ?`).get(plan.steps["Check the copy"])).toEqual({ title: "Cutover" });
    expect(titlesInOrder(db, plan.id)).toEqual(["Stop schedules", "Copy the catalog", "Back up the catalog", "Check the copy", "Start services"]);

    // The drag handle, by keyboard (dnd-kit's keyboard sensor). Each key waits for what the last
    // one did: pressed back to back, a busy machine can drop the row before dnd-kit has picked it
    // up or moved it. Picked up, the handle is pressed; moved, the live region says over what.
    await page.getByRole("button", { name: "Drag step 1" }).focus();
    await page.keyboard.press("Space");
    await expect(page.getByRole("button", { name: "Drag step 1", pressed: true })).toBeVisible();
    await page.keyboard.press("ArrowDown");
    await expect(page.getByRole("status", { includeHidden: true }).filter({ hasText: `was moved over droppable area ${plan.steps["Copy the catalog"]}.` })).toHaveCount(1);
    await page.keyboard.press("Space");
    await expect(sheetTitles(page, "Prepare")).toHaveText(["Copy the catalog", "Stop schedules", "Back up the catalog"]);
    await expect.poll(() => titlesInOrder(db, plan.id).slice(0, 3)).toEqual(["Copy the catalog", "Stop schedules", "Back up the catalog"]);
  });

  test("paste three rows copied from Excel (names as owners, a blank duration) into a phase, then undo", async ({ page, loginAs, adminApi, createProject, createUser, db }) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const plan = await buildPlan(adminApi, createProject);
    const olga = await createUser({ role: "OPERATOR", name: uniqueName("Olga Operator") });
    const otto = await createUser({ role: "OPERATOR", name: uniqueName("Otto Operator") });
    await loginAs(page, "ADMIN");
    await openSheet(page, plan.id);

    // A wrong owner first: the preview names row and column, nothing can be inserted.
    await page.getByRole("button", { name: "Paste rows" }).click();
    const dialog = page.getByRole("dialog", { name: "Paste rows from Excel" });
    const box = dialog.getByRole("textbox", { name: "Rows copied from Excel" });
    await box.fill("Freeze the catalog\tBA\tNobody Known\t15\n");
    await expect(dialog.getByRole("list", { name: "Problems in the pasted rows" })).toContainText('Row 1, column "Owner": No active user is called "Nobody Known"');
    await expect(dialog.getByRole("button", { name: "Insert rows" })).toBeDisabled();

    // Excel's clipboard: tab-separated cells, CRLF line ends, an empty cell for the blank duration.
    const rows = [`Freeze the catalog\tBA\t${olga.name}\t15`, `Copy the catalog to the new master\tST\t${otto.name.toLowerCase()}\t`, `Verify the copy\tBA\t\t5`].join("\r\n") + "\r\n";
    await box.fill(rows);
    const preview = dialog.getByRole("table", { name: "Rows to paste" });
    await expect(preview.locator("tbody tr")).toHaveCount(3);
    await expect(preview.locator("tbody tr").nth(1)).toContainText("not estimated");
    await expect(preview.locator("tbody tr").nth(0)).toContainText(olga.name);
    await dialog.getByRole("combobox", { name: "Into phase" }).selectOption({ label: "Prepare" });
    await dialog.getByRole("combobox", { name: "Position" }).selectOption({ label: "Before 3 · Copy the catalog" });
    const since = lastSeq(db);
    await dialog.getByRole("button", { name: "Insert 3 rows" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByText("Pasted 3 rows.")).toBeVisible();
    const expected = ["Stop schedules", "Back up the catalog", "Freeze the catalog", "Copy the catalog to the new master", "Verify the copy", "Copy the catalog", "Check the copy"];
    await expect(sheetTitles(page, "Prepare")).toHaveText(expected);
    expect(titlesInOrder(db, plan.id)).toEqual([...expected, "Start services"]);
    const pasted = db.prepare(`SELECT title, team, assigneeId, plannedMinutes FROM step WHERE projectId = ? AND title IN ('Freeze the catalog', 'Copy the catalog to the new master', 'Verify the copy') ORDER BY position`).all(plan.id);
    expect(pasted).toEqual([
      { title: "Freeze the catalog", team: "BA", assigneeId: olga.id, plannedMinutes: 15 },
      { title: "Copy the catalog to the new master", team: "ST", assigneeId: otto.id, plannedMinutes: 0 },
      { title: "Verify the copy", team: "BA", assigneeId: null, plannedMinutes: 5 },
    ]);
    expect(actions(db, plan.id, since)).toEqual(["plan.steps.paste"]);

    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByRole("table", { name: "Steps of Prepare" })).toBeVisible();
    // Nothing overflows a phone: the page is no wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/sheet-390.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // Undo takes the three rows out again.
    await page.getByRole("button", { name: "Undo last edit" }).click();
    await expect(sheetTitles(page, "Prepare")).toHaveText(["Stop schedules", "Back up the catalog", "Copy the catalog", "Check the copy"]);
    expect(titlesInOrder(db, plan.id)).toEqual(["Stop schedules", "Back up the catalog", "Copy the catalog", "Check the copy", "Start services"]);
  });

  test("rows pasted into the sheet with Ctrl+V land under the focused row; undo is refused after someone else's edit", async ({ page, context, loginAs, adminApi, createProject, db }) => {
    const plan = await buildPlan(adminApi, createProject);
    await loginAs(page, "ADMIN");
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await openSheet(page, plan.id);
    await page.evaluate(() => navigator.clipboard.writeText("Title\tMinutes\nPing the bridge\t5\n"));
    await page.getByRole("cell", { name: "Title of step 1: Stop schedules" }).focus();
    await page.keyboard.press("Control+v");
    const dialog = page.getByRole("dialog", { name: "Paste rows from Excel" });
    await expect(dialog.getByRole("combobox", { name: "Position" })).toHaveValue(plan.steps["Back up the catalog"]);
    await dialog.getByRole("button", { name: "Insert 1 row" }).click();
    await expect(sheetTitles(page, "Prepare")).toHaveText(["Stop schedules", "Ping the bridge", "Back up the catalog", "Copy the catalog", "Check the copy"]);

    // Another admin edits the plan: this user's undo is refused with their name, nothing changes.
    const other = await adminApi.patch(`/api/steps/${plan.steps["Start services"]}`, { team: "OS" });
    expect(other.status).toBe(200);
    const since = lastSeq(db);
    await page.getByRole("cell", { name: "Title of step 1: Stop schedules" }).focus();
    await page.keyboard.press("Control+z");
    await expect(page.getByRole("alert").filter({ hasText: "edited the plan since" })).toContainText(`${adminApi.user.name} edited the plan since`);
    expect(actions(db, plan.id, since), "no audit event in this project").toEqual([]);
    expect(titlesInOrder(db, plan.id)).toContain("Ping the bridge");
  });
});
