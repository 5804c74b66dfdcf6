import { expect, TEMPLATE_PHASES, TEMPLATE_ROLLBACK_COUNT, TEMPLATE_STEP_COUNT, test, uniqueHost, uniqueName } from "./fixtures";

/** A date N days from now as the "YYYY-MM-DD" a datetime-local input takes. */
function dayInBerlin(daysAhead: number): string {
  const date = new Date(Date.now() + daysAhead * 86_400_000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Berlin", year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
}

/** What "YYYY-MM-DDTHH:mm" in Europe/Berlin is in UTC (checked against the Intl offset of that instant). */
function berlinToUtc(local: string): string {
  const guess = new Date(`${local}:00Z`);
  const offsetPart = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Berlin", timeZoneName: "longOffset" }).formatToParts(guess).find((p) => p.type === "timeZoneName")!.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offsetPart);
  const offsetMinutes = match ? (match[1] === "+" ? 1 : -1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return new Date(guess.getTime() - offsetMinutes * 60_000).toISOString();
}

test.describe("projects and the plan", () => {
  test("an admin creates a project from the template and sees its phases and steps", async ({ page, loginAs, db }) => {
    const admin = await loginAs(page, "ADMIN");
    const name = uniqueName("Rehost");
    const source = uniqueHost("nbu-master");
    const target = uniqueHost("nbu-master-new");
    const day = dayInBerlin(10);

    await page.goto("/projects/new");
    await expect(page.getByRole("heading", { level: 1, name: "New migration project" })).toBeVisible();
    await page.getByLabel("Project name").fill(name);
    await page.getByLabel("Source host").fill(source);
    await page.getByLabel("Target host").fill(target);
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByLabel("Downtime window starts").fill(`${day}T09:00`);
    await page.getByLabel("Downtime window ends").fill(`${day}T17:30`);
    const template = page.getByRole("radio", { name: /NetBackup master\/media server rehost, keep hostname/ });
    await template.check({ force: true }); // visually hidden radio inside its label card
    await expect(template).toBeChecked();
    await page.getByRole("button", { name: "Create project" }).click();

    await expect(page).toHaveURL(/\/projects\/[a-z0-9]+$/);
    await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
    const projectId = new URL(page.url()).pathname.split("/").pop()!;

    // The database holds exactly what the form said, with the window converted from Berlin time.
    const project = db.prepare(`SELECT * FROM project WHERE id = ?`).get(projectId) as Record<string, string>;
    expect(project).toMatchObject({ name, sourceHost: source, targetHost: target, timezone: "Europe/Berlin", hostnameStrategy: "KEEP", status: "PLANNING", createdById: admin.id });
    expect(new Date(project.windowStart).toISOString()).toBe(berlinToUtc(`${day}T09:00`));
    expect(new Date(project.windowEnd).toISOString()).toBe(berlinToUtc(`${day}T17:30`));
    const counts = db
      .prepare(`SELECT count(*) AS total, count(*) FILTER (WHERE kind = 'ROLLBACK') AS rollback, count(*) FILTER (WHERE kind = 'GATE') AS gates FROM step WHERE projectId = ?`)
      .get(projectId) as { total: number; rollback: number; gates: number };
    expect(counts).toEqual({ total: TEMPLATE_STEP_COUNT, rollback: TEMPLATE_ROLLBACK_COUNT, gates: 2 });
    const phases = (db.prepare(`SELECT title FROM phase WHERE projectId = ? ORDER BY position`).all(projectId) as { title: string }[]).map((p) => p.title);
    expect(phases).toEqual([...TEMPLATE_PHASES]);
    expect(db.prepare(`SELECT count(*) AS n FROM step_dependency d JOIN step s ON s.id = d.stepId WHERE s.projectId = ?`).get(projectId)).toEqual({ n: 34 });
    // The template's teams that don't exist yet are created with it (the first project of a fresh
    // database: this test when it runs alone), each with its own event.
    const events = db.prepare(`SELECT actorName, action, entityId FROM audit_event WHERE projectId = ? ORDER BY seq`).all(projectId) as { actorName: string; action: string; entityId: string }[];
    expect(events.filter((e) => e.action !== "team.create").map(({ actorName, action }) => ({ actorName, action }))).toEqual([{ actorName: admin.name, action: "project.create" }]);
    const teamEvents = events.filter((e) => e.action === "team.create");
    expect(teamEvents.every((e) => e.actorName === admin.name)).toBe(true);
    expect(new Set(teamEvents.map((e) => e.entityId)).size).toBe(teamEvents.length);

    // The page shows every phase and step of the plan.
    for (const [index, title] of TEMPLATE_PHASES.entries()) {
      await expect(page.getByRole("heading", { level: 3, name: `Phase ${index + 1} · ${title}` })).toBeVisible();
    }
    const plan = page.getByRole("region", { name: "Runbook plan" });
    await expect(plan.getByRole("listitem")).toHaveCount(TEMPLATE_STEP_COUNT);
    await expect(plan.getByText("Go/No-Go: start the cutover", { exact: true })).toBeVisible();
    await expect(plan.getByText("Reactivate the policies and tell the stakeholders", { exact: true })).toBeVisible();
  });

  test("an invalid project form shows field errors and creates nothing", async ({ page, loginAs, db }) => {
    const admin = await loginAs(page, "ADMIN");
    const day = dayInBerlin(12);
    await page.goto("/projects/new");
    await page.getByLabel("Source host").fill(uniqueHost("nbu-a"));
    await page.getByLabel("Target host").fill(uniqueHost("nbu-b"));
    await page.getByLabel("Time zone").selectOption("Europe/Berlin");
    await page.getByLabel("Downtime window starts").fill(`${day}T18:00`);
    await page.getByLabel("Downtime window ends").fill(`${day}T09:00`);
    const response = page.waitForResponse((r) => r.url().endsWith("/api/projects") && r.request().method() === "POST");
    await page.getByRole("button", { name: "Create project" }).click();
    expect((await response).status()).toBe(400);

    await expect(page.getByRole("main").getByRole("alert").filter({ hasText: "Please correct the highlighted fields." })).toBeVisible();
    await expect(page.getByLabel("Project name")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("Name is required.", { exact: true })).toBeVisible();
    await expect(page.getByLabel("Downtime window ends")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByText("The window must end after it starts.", { exact: true })).toBeVisible();
    await expect(page.getByLabel("Source host")).toHaveAttribute("aria-invalid", "false");
    await expect(page).toHaveURL(/\/projects\/new$/);

    expect(db.prepare(`SELECT count(*) AS n FROM project WHERE createdById = ?`).get(admin.id)).toEqual({ n: 0 });
    expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE actorId = ? AND action NOT LIKE 'auth.%'`).get(admin.id)).toEqual({ n: 0 });
  });

  test("a step edit with negative minutes shows an error and leaves the step unchanged", async ({ page, loginAs, createProject, db }) => {
    const project = await createProject();
    const step = project.step("3");
    const before = db.prepare(`SELECT * FROM step WHERE id = ?`).get(step.id);
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);

    await page.getByRole("button", { name: "Edit step 3", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Edit step 3" });
    await expect(dialog.getByLabel("Title")).toHaveValue(step.title);
    await expect(dialog.getByLabel("Planned minutes")).toHaveValue(String(step.plannedMinutes));
    await dialog.getByLabel("Planned minutes").fill("-5");
    const response = page.waitForResponse((r) => r.url().endsWith(`/api/steps/${step.id}`));
    await dialog.getByRole("button", { name: "Save step" }).click();
    expect((await response).status()).toBe(400);

    await expect(dialog.getByText("Planned minutes can't be negative.", { exact: true })).toBeVisible();
    await expect(dialog.getByLabel("Planned minutes")).toHaveAttribute("aria-invalid", "true");
    await expect(dialog).toBeVisible();
    expect(db.prepare(`SELECT * FROM step WHERE id = ?`).get(step.id)).toEqual(before);
    expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE projectId = ? AND action = 'step.update'`).get(project.id)).toEqual({ n: 0 });

    // A valid value goes through, so the error above was about the value and nothing else.
    await dialog.getByLabel("Planned minutes").fill("95");
    await dialog.getByRole("button", { name: "Save step" }).click();
    await expect(dialog).toBeHidden();
    await expect.poll(() => db.prepare(`SELECT plannedMinutes, version FROM step WHERE id = ?`).get(step.id)).toEqual({ plannedMinutes: 95, version: 2 });
    await expect(page.getByRole("listitem").filter({ hasText: step.title }).getByText("1 h 35 min")).toBeVisible();
  });

  test("an admin makes a step a bp.conf fleet step; the plan shows it and the database holds the action", async ({ page, loginAs, createProject, db }) => {
    const project = await createProject();
    const step = project.step("3");
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);

    await page.getByRole("button", { name: "Edit step 3", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Edit step 3" });
    await expect(dialog.getByLabel("Each client needs")).toBeHidden();
    await dialog.getByLabel("Fleet step (tracked per client)").check();
    await dialog.getByLabel("Each client needs").selectOption({ label: "Update bp.conf SERVER lines" });
    await dialog.getByRole("button", { name: "Save step" }).click();
    await expect(dialog).toBeHidden();

    await expect(page.getByRole("listitem").filter({ hasText: step.title }).getByText("Fleet · bp.conf", { exact: true })).toBeVisible();
    expect(db.prepare(`SELECT isFleet, fleetAction FROM step WHERE id = ?`).get(step.id)).toEqual({ isFleet: 1, fleetAction: "UPDATE_BPCONF" });
    // Reopened, the dialog shows the saved choice.
    await page.getByRole("button", { name: "Edit step 3", exact: true }).click();
    await expect(page.getByRole("dialog", { name: "Edit step 3" }).getByLabel("Each client needs")).toHaveValue("UPDATE_BPCONF");
  });

  test("an operator's forged plan edit is refused with 403 and changes nothing", async ({ page, loginAs, createProject, db }) => {
    const project = await createProject();
    await loginAs(page, "OPERATOR");
    await page.goto(`/projects/${project.id}`);
    await expect(page.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
    // The UI offers no plan editing to an operator…
    await expect(page.getByRole("button", { name: "Add step" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Edit step / })).toHaveCount(0);

    // …and the API refuses it when forged from the operator's own session.
    const phaseId = (db.prepare(`SELECT id FROM phase WHERE projectId = ? ORDER BY position LIMIT 1`).get(project.id) as { id: string }).id;
    const step = project.step("1");
    const stepBefore = db.prepare(`SELECT * FROM step WHERE id = ?`).get(step.id);
    const results = await page.evaluate(
      async ({ projectId, phaseId, stepId }) => {
        const send = async (method: string, url: string, body: unknown) => {
          const response = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
          return { status: response.status, body: await response.json() };
        };
        return {
          create: await send("POST", `/api/projects/${projectId}/steps`, { phaseId, title: "Sneaky extra step", plannedMinutes: 5, kind: "TASK" }),
          update: await send("PATCH", `/api/steps/${stepId}`, { plannedMinutes: 1 }),
        };
      },
      { projectId: project.id, phaseId, stepId: step.id },
    );
    expect(results.create).toEqual({ status: 403, body: { error: { code: "forbidden", message: "Only admins can edit the plan.", fieldErrors: {} } } });
    expect(results.update.status).toBe(403);

    expect(db.prepare(`SELECT count(*) AS n FROM step WHERE projectId = ?`).get(project.id)).toEqual({ n: TEMPLATE_STEP_COUNT });
    expect(db.prepare(`SELECT count(*) AS n FROM step WHERE title = 'Sneaky extra step'`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT * FROM step WHERE id = ?`).get(step.id)).toEqual(stepBefore);
    expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE projectId = ? AND action LIKE 'step.%'`).get(project.id)).toEqual({ n: 0 });
  });
});
