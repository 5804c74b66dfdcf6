import { formatInZone } from "../lib/platform/time";
import { auditCount, expect, test, TEMPLATE_STEP_COUNT, TIME_ZONE, uniqueName } from "./fixtures";
import { csvFile, jsonFile, seriousAxeFindings, stepCount } from "./issue6-helpers";

/**
 * CSV step import on the project page (components/import/import-steps-panel.tsx, wired into
 * components/projects/project-overview.tsx) and plan files imported as a new project.
 */
test.describe("importing steps", () => {
  const header = ["Phase", "Task Name", "Team", "Assigned To", "Duration", "Predecessors"];

  test("a CSV with one bad row imports nothing and names the row; the fixed file imports every step", async ({ page, loginAs, createProject, db }) => {
    const project = await createProject();
    const admin = await loginAs(page, "ADMIN");
    const wave = uniqueName("Client wave");
    const good = [
      [wave, "Update bp.conf on the DMZ clients", "BA", admin.email, "45", ""],
      [wave, "Check the DMZ clients", "BA", "", "15", "1"],
      [wave, "Verify the DMZ backups", "BA", "", "forty", "2"],
      ["Cutover window (Saturday)", "Check the SAN zoning twice", "ST", "", "1:30", ""],
    ];

    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Import steps from CSV" }).click();
    const panel = page.getByRole("region", { name: "Import steps from CSV" });
    await panel.getByLabel("CSV file").setInputFiles(csvFile("steps.csv", [header, ...good]));

    // The columns were guessed from the header names.
    await expect(panel.getByLabel("Title *")).toHaveValue("1");
    await expect(panel.getByLabel("Planned duration", { exact: true })).toHaveValue("4");
    await expect(panel.getByLabel("Assignee (name or email)")).toHaveValue("3");

    // Row 3's duration is not a duration: the row is named, nothing can be imported.
    const problems = panel.getByRole("alert").filter({ hasText: "1 row has problems" });
    await expect(problems).toContainText('Row 3, column "Duration": The planned duration "forty" is not a duration.');
    const invalid = panel.locator('tr[aria-invalid="true"]');
    await expect(invalid).toHaveCount(1);
    await expect(invalid).toContainText("Verify the DMZ backups");
    await expect(panel.getByRole("button", { name: "Import", exact: true })).toBeDisabled();
    expect(stepCount(db, project.id)).toBe(TEMPLATE_STEP_COUNT);
    expect(await seriousAxeFindings(page, '[data-panel="import-steps"]')).toEqual([]);

    // The server refuses the same file on its own, all or nothing, even if the button is bypassed.
    const forced = await page.request.post(`/api/projects/${project.id}/import`, {
      headers: { origin: new URL(page.url()).origin },
      data: { csv: [header, ...good].map((r) => r.join(",")).join("\n"), fileName: "steps.csv", options: { mapping: { phase: 0, title: 1, team: 2, assignee: 3, plannedMinutes: 4, predecessors: 5 }, predecessorsBy: "row", durationUnit: "minutes" } },
    });
    expect(forced.status()).toBe(400);
    expect((await forced.json()).error.fieldErrors).toEqual({ "rows.3": [expect.stringContaining('"forty" is not a duration')] });
    expect(stepCount(db, project.id)).toBe(TEMPLATE_STEP_COUNT);
    expect(auditCount(db, { action: "plan.import", projectId: project.id })).toBe(0);

    // Fixed file: imported, in one transaction and one audit event.
    good[2][4] = "40";
    await panel.getByLabel("CSV file").setInputFiles(csvFile("steps-fixed.csv", [header, ...good]));
    await expect(panel.getByRole("status").filter({ hasText: "4 steps are ready to import." })).toBeVisible();
    await expect(panel.getByText("Cutover window (Saturday): 1 step, 1 h 30 min · added to the existing phase")).toBeVisible();
    const imported = page.waitForResponse((r) => r.url().endsWith(`/api/projects/${project.id}/import`) && r.request().method() === "POST");
    await panel.getByRole("button", { name: "Import 4 steps" }).click();
    expect((await imported).status()).toBe(200);
    await expect(page.getByRole("status").filter({ hasText: "Imported 4 steps in 2 phases" })).toBeVisible();

    expect(stepCount(db, project.id)).toBe(TEMPLATE_STEP_COUNT + 4);
    expect(auditCount(db, { action: "plan.import", projectId: project.id })).toBe(1);
    const rows = db
      .prepare(`SELECT s.title, s.plannedMinutes, s.assigneeId, p.title AS phase FROM step s JOIN phase p ON p.id = s.phaseId WHERE s.projectId = ? AND s.title IN (${good.map(() => "?").join(",")}) ORDER BY p.position, s.position`)
      .all(project.id, ...good.map((r) => r[1]));
    expect(rows).toEqual([
      { title: "Check the SAN zoning twice", plannedMinutes: 90, assigneeId: null, phase: "Cutover window (Saturday)" },
      { title: "Update bp.conf on the DMZ clients", plannedMinutes: 45, assigneeId: admin.id, phase: wave },
      { title: "Check the DMZ clients", plannedMinutes: 15, assigneeId: null, phase: wave },
      { title: "Verify the DMZ backups", plannedMinutes: 40, assigneeId: null, phase: wave },
    ]);

    // The page shows them: the new phase with its steps, and the step added to the cutover phase.
    await expect(page.getByRole("heading", { level: 3, name: `Phase 7 · ${wave}` })).toBeVisible();
    const plan = page.getByRole("region", { name: "Runbook plan" });
    await expect(plan.getByRole("listitem")).toHaveCount(TEMPLATE_STEP_COUNT + 4);
    for (const row of good) await expect(plan.getByText(row[1], { exact: true })).toBeVisible();
    await expect(plan.getByRole("region", { name: "Phase Cutover window (Saturday)" }).getByText("Check the SAN zoning twice", { exact: true })).toBeVisible();
  });

  test("a real plan: owners matched to users by name, an unmatched name listed, a before-window phase switched in, the forecast equal to the total", async ({ page, loginAs, createProject, createUser, db }) => {
    const windowStart = new Date("2027-03-06T21:00:00.000Z");
    const windowEnd = new Date("2027-03-07T03:00:00.000Z");
    const project = await createProject({ template: "empty", windowStart, windowEnd });
    const zoe = await createUser({ role: "OPERATOR", name: uniqueName("Zoë Ó Briain") });
    const ada = await createUser({ role: "OPERATOR", name: uniqueName("Ada Lindqvist") });
    await loginAs(page, "ADMIN");
    const prep = uniqueName("Preparation");
    const cutover = uniqueName("Cutover");
    const nightShift = uniqueName("Night shift");
    const [adaFirst, ...adaRest] = ada.name.split(" ");
    const rows = [
      ["Step", "Phase", "Description", "Owner", "Duration"],
      // Without the accents, and "Last, First": both still name the user.
      ["1", prep, "Lower the DNS TTL", zoe.name.replace("Zoë Ó", "zoe o"), "20"],
      ["2", "", "Take the final backup", `${adaRest.join(" ")}, ${adaFirst}`, "15"],
      ["3", cutover, "Stop the application", nightShift, "30"],
      ["4", "", "Switch the DNS alias", ada.name, "50"],
    ];

    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Import steps from CSV" }).click();
    const panel = page.getByRole("region", { name: "Import steps from CSV" });
    await panel.getByLabel("CSV file").setInputFiles(csvFile("overnight.csv", rows));

    // "Step" holds numbers: it is the ID, and the wordier "Description" is the title.
    await expect(panel.getByLabel("ID", { exact: true })).toHaveValue("0");
    await expect(panel.getByLabel("Title *")).toHaveValue("2");
    await expect(panel.getByRole("status").filter({ hasText: "4 steps are ready to import." })).toBeVisible();

    const table = panel.getByRole("table", { name: "Preview of the rows to import" });
    await expect(table.getByRole("row").filter({ hasText: "Lower the DNS TTL" })).toContainText(zoe.name);
    await expect(table.getByRole("row").filter({ hasText: "Take the final backup" })).toContainText(ada.name);
    await expect(table.getByRole("row").filter({ hasText: "Stop the application" })).toContainText(`${nightShift} (text, not a user)`);
    const unmatched = panel.getByRole("region", { name: "Owners not matched to a user" });
    await expect(unmatched.getByRole("listitem")).toHaveText([`${nightShift} (row 3)`]);

    // The preparation phase is before the window by its name: the forecast counts the cutover only.
    const prepInWindow = panel.getByRole("checkbox", { name: `${prep}: in the downtime window` });
    await expect(prepInWindow).not.toBeChecked();
    await expect(panel.getByRole("checkbox", { name: `${cutover}: in the downtime window` })).toBeChecked();
    await expect(panel.getByTestId("import-totals")).toContainText("Planned total 1 h 55 min (115 min) · critical path 1 h 55 min (115 min)");
    const forecast = panel.getByTestId("import-forecast");
    await expect(forecast).toContainText(`Forecast in the window: 1 h 20 min (80 min) along the critical path (not counting “${prep}”, outside the window)`);

    // Switched into the window, the whole row-order plan is the forecast: equal to the total.
    await prepInWindow.check();
    const finish = new Date(windowStart.getTime() + 115 * 60_000);
    await expect(forecast).toHaveText(
      `Forecast in the window: 1 h 55 min (115 min) along the critical path. Starting at the window's start, ${formatInZone(windowStart, TIME_ZONE)}, these steps finish at ${formatInZone(finish, TIME_ZONE)}: 4 h 5 min before the window ends (${formatInZone(windowEnd, TIME_ZONE)}).`,
    );

    const imported = page.waitForResponse((r) => r.url().endsWith(`/api/projects/${project.id}/import`) && r.request().method() === "POST");
    await panel.getByRole("button", { name: "Import 4 steps" }).click();
    expect((await imported).status()).toBe(200);
    await expect(page.getByRole("status").filter({ hasText: "Imported 4 steps in 2 phases" })).toBeVisible();

    const stored = db
      .prepare(`SELECT s.title, s.assigneeId, s.team, s.plannedMinutes, s.details, p.title AS phase, p.inWindow FROM step s JOIN phase p ON p.id = s.phaseId WHERE s.projectId = ? ORDER BY p.position, s.position`)
      .all(project.id);
    expect(stored).toEqual([
      { title: "Lower the DNS TTL", assigneeId: zoe.id, team: "", plannedMinutes: 20, details: "", phase: prep, inWindow: 1 },
      { title: "Take the final backup", assigneeId: ada.id, team: "", plannedMinutes: 15, details: "", phase: prep, inWindow: 1 },
      { title: "Stop the application", assigneeId: null, team: nightShift, plannedMinutes: 30, details: `Owner in the imported plan: ${nightShift}`, phase: cutover, inWindow: 1 },
      { title: "Switch the DNS alias", assigneeId: ada.id, team: "", plannedMinutes: 50, details: "", phase: cutover, inWindow: 1 },
    ]);
    const event = db.prepare(`SELECT after FROM audit_event WHERE projectId = ? AND action = 'plan.import'`).get(project.id) as { after: string };
    expect(JSON.parse(event.after)).toMatchObject({ unmatchedOwners: [nightShift], phases: [{ title: prep, inWindow: true }, { title: cutover, inWindow: true }] });
  });

  test("operators and viewers don't get the import, and the API refuses them", async ({ page, loginAs, createProject, db }) => {
    const project = await createProject();
    await loginAs(page, "OPERATOR");
    await page.goto(`/projects/${project.id}`);
    await expect(page.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
    await expect(page.getByRole("button", { name: "Import steps from CSV" })).toHaveCount(0);
    const response = await page.request.post(`/api/projects/${project.id}/import`, {
      headers: { origin: new URL(page.url()).origin },
      data: { csv: "Title,Minutes\nA,5", fileName: "", options: { mapping: { title: 0, plannedMinutes: 1 }, predecessorsBy: "row", durationUnit: "minutes" } },
    });
    expect(response.status()).toBe(403);
    expect(stepCount(db, project.id)).toBe(TEMPLATE_STEP_COUNT);
  });

  test("a template file imports as a new project, with its preview first", async ({ page, loginAs, db }) => {
    await loginAs(page, "ADMIN");
    const name = uniqueName("Imported plan");
    const plan = {
      format: "runsheet.runbook",
      version: 1,
      name,
      description: "Exported from the old tool.",
      phases: [
        { title: "Prepare", inWindow: false, steps: [{ key: "a", title: "Build the box", team: "OS", plannedMinutes: 120 }] },
        {
          title: "Cutover",
          steps: [
            { key: "b", title: "Stop the service", team: "APP", plannedMinutes: 10, predecessors: ["a"] },
            { key: "c", title: "Go/No-Go", team: "PM", plannedMinutes: 5, kind: "GATE", predecessors: ["b"] },
          ],
        },
        { title: "Rollback", steps: [{ key: "r", title: "Start the old service", team: "APP", plannedMinutes: 20, kind: "ROLLBACK" }] },
      ],
    };
    await page.goto("/projects/new");
    await page.getByLabel("Import a plan file").setInputFiles(jsonFile("plan.json", plan));
    const preview = page.getByRole("region", { name: `Preview of ${name}` });
    await expect(preview).toContainText("3 + 1 rollback");
    await expect(preview.getByRole("status")).toContainText("A rollback must start by window end − 20 min.");
    await expect(preview.getByRole("row").filter({ hasText: "Cutover" })).toContainText("15 min");
    // The plan's name fills the empty project name.
    await expect(page.getByLabel("Project name")).toHaveValue(name);
    await page.getByLabel("Source host").fill("app-old");
    await page.getByLabel("Target host").fill("app-new");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const projectId = new URL(page.url()).pathname.split("/").pop()!;
    expect(db.prepare(`SELECT title, kind FROM step WHERE projectId = ? ORDER BY title`).all(projectId)).toEqual([
      { title: "Build the box", kind: "TASK" },
      { title: "Go/No-Go", kind: "GATE" },
      { title: "Start the old service", kind: "ROLLBACK" },
      { title: "Stop the service", kind: "TASK" },
    ]);
    expect(db.prepare(`SELECT count(*) AS n FROM step_dependency d JOIN step s ON s.id = d.stepId WHERE s.projectId = ?`).get(projectId)).toEqual({ n: 2 });
    const created = db.prepare(`SELECT after FROM audit_event WHERE projectId = ? AND action = 'project.create'`).get(projectId) as { after: string };
    expect(JSON.parse(created.after)).toMatchObject({ template: "import", templateName: name });
  });
});
