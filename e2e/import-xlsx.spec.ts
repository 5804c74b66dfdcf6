import writeExcelFile from "write-excel-file/node";
import { expect, test, uniqueName } from "./fixtures";

/**
 * An Excel plan uploaded in the import panel (components/import/import-steps-panel.tsx) as it is:
 * a cover sheet before the plan, a title and a version line above the header, durations typed as
 * Excel times, order given by row. The workbook is read in the browser, sent as its bytes, and the
 * project's planned work is the sum of the durations, on the page and in the database.
 */
test("an .xlsx plan with a title row imports as it is, and the total is the sum of its durations", async ({ page, loginAs, createProject, db }) => {
  const project = await createProject({ template: "empty" });
  await loginAs(page, "ADMIN");
  const phase = uniqueName("Cutover night");
  const time = (minutes: number) => ({ value: minutes / 1440, format: "h:mm" });
  const steps: [string, number][] = [
    ["Stop the backup jobs", 15],
    ["Back up the NetBackup catalog", 30],
    ["Copy the catalog to the new master", 60],
    ["Start the backup jobs again", 45],
  ];
  const workbook = await writeExcelFile([
    { sheet: "Cover", data: [["ACME – master server move"], ["Prepared by the PMO"]] },
    {
      sheet: "Plan",
      data: [["Mock cutover 2 – overnight master move"], [], ["Version 3"], ["Phase", "Task", "Team", "Duration"], ...steps.map(([title, minutes]) => [phase, title, "Backup", time(minutes)])],
    },
  ] as never).toBuffer();

  await page.goto(`/projects/${project.id}`);
  await page.getByRole("button", { name: "Import steps from CSV" }).click();
  const panel = page.getByRole("region", { name: "Import steps from CSV" });
  const fileInput = panel.getByLabel("CSV file or Excel workbook");

  // A file that isn't a spreadsheet gets one message saying what it is.
  await fileInput.setInputFiles({ name: "plan.csv", mimeType: "text/csv", buffer: Buffer.from("{\\rtf1\\ansi Stop the jobs\\par}") });
  await expect(panel.getByRole("alert")).toHaveText("plan.csv: This is an RTF document, not a spreadsheet. Open it in Word/Excel and save it as .xlsx or CSV.");

  await fileInput.setInputFiles({ name: "mock-cutover-2.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: workbook });
  await expect(panel.getByRole("alert")).toHaveCount(0);
  await expect(panel.getByLabel("Sheet", { exact: true })).toHaveValue("Plan");
  await expect(panel.getByLabel("Title *")).toHaveValue("1");
  await expect(panel.getByLabel("Planned duration", { exact: true })).toHaveValue("3");
  await expect(panel.getByRole("status").filter({ hasText: "4 steps are ready to import." })).toBeVisible();
  // Row order: every step follows the one above, so the critical path is the whole plan.
  await expect(panel.getByTestId("import-totals")).toContainText("Planned total 2 h 30 min (150 min) · critical path 2 h 30 min (150 min)");

  // The cover sheet has no plan: choosing it shows that, choosing the plan again restores it.
  await panel.getByLabel("Sheet", { exact: true }).selectOption("Cover");
  await expect(panel.getByRole("status").filter({ hasText: "steps are ready to import" })).toHaveCount(0);
  await panel.getByLabel("Sheet", { exact: true }).selectOption("Plan");
  await expect(panel.getByRole("status").filter({ hasText: "4 steps are ready to import." })).toBeVisible();

  const imported = page.waitForResponse((r) => r.url().endsWith(`/api/projects/${project.id}/import`) && r.request().method() === "POST");
  await panel.getByRole("button", { name: "Import 4 steps" }).click();
  const response = await imported;
  expect(response.status()).toBe(200);
  expect(JSON.parse(response.request().postData() ?? "{}")).toMatchObject({ fileName: "mock-cutover-2.xlsx", sheet: "Plan", base64: expect.any(String) });
  await expect(page.getByRole("status").filter({ hasText: "Imported 4 steps in 1 phase" })).toBeVisible();

  // The page: the project's planned work is the sum of the durations.
  await page.reload();
  const plannedWork = page.getByRole("term").filter({ hasText: "Planned work" }).locator("xpath=following-sibling::dd[1]");
  await expect(plannedWork).toHaveText("2 h 30 min");

  // The database: the steps with their minutes, each after the one above it.
  const rows = db
    .prepare(
      `SELECT s.id, s.title, s.plannedMinutes, p.title AS phase FROM step s JOIN phase p ON p.id = s.phaseId WHERE s.projectId = ? ORDER BY p.position, s.position`,
    )
    .all(project.id) as { id: string; title: string; plannedMinutes: number; phase: string }[];
  expect(rows.map((r) => [r.phase, r.title, r.plannedMinutes])).toEqual(steps.map(([title, minutes]) => [phase, title, minutes]));
  expect(rows.reduce((total, r) => total + r.plannedMinutes, 0)).toBe(150);
  const links = db.prepare(`SELECT stepId, predecessorId FROM step_dependency WHERE stepId IN (${rows.map(() => "?").join(",")})`).all(...rows.map((r) => r.id)) as { stepId: string; predecessorId: string }[];
  expect(links.sort((a, b) => rows.findIndex((r) => r.id === a.stepId) - rows.findIndex((r) => r.id === b.stepId))).toEqual(
    rows.slice(1).map((row, i) => ({ stepId: row.id, predecessorId: rows[i].id })),
  );
});
