import { expect, test, uniqueHost, uniqueName } from "./fixtures";
import { seriousAxeFindings } from "./issue6-helpers";

/** The template library (app/(app)/templates) and creating projects from templates. */
test.describe("template library", () => {
  test("an admin duplicates the rename template, edits it, creates a project from it after the preview, and deletes it", async ({ page, loginAs, db }) => {
    const admin = await loginAs(page, "ADMIN");
    await page.goto("/templates");
    await expect(page.getByRole("heading", { level: 1, name: "Runbook templates" })).toBeVisible();
    for (const name of [
      "NetBackup master/media server rehost, keep hostname",
      "NetBackup master/media server rehost, rename hostname",
      "NetBackup media server move (tape library), keep hostname",
      "Generic server migration (rehost an application server)",
    ]) {
      await expect(page.getByRole("heading", { level: 3, name })).toBeVisible();
    }
    expect(await seriousAxeFindings(page)).toEqual([]);

    // The built-in is read-only; its plan lists the rename's fleet step and the EMM rename.
    await page.getByRole("link", { name: "View NetBackup master/media server rehost, rename hostname" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "NetBackup master/media server rehost, rename hostname" })).toBeVisible();
    await expect(page.getByLabel("Plan (runbook JSON)")).toHaveCount(0);
    const bpconf = page.getByRole("listitem").filter({ hasText: "Update bp.conf on every client" });
    await expect(bpconf).toContainText("Fleet · bp.conf");
    await bpconf.getByText("Update bp.conf on every client").click();
    await expect(bpconf).toContainText("bpsetconfig -h <client>");
    await page.getByRole("listitem").filter({ hasText: "Rename the master in the catalog" }).getByText("Rename the master in the catalog and the media database").click();
    await expect(page.getByText(/nbemmcmd -renamehost -machinename <old-master> -machinetype master -newmachinename <new-master>/)).toBeVisible();

    // Duplicate: the copy opens in the editor.
    await page.getByRole("button", { name: "Duplicate NetBackup master/media server rehost, rename hostname" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Copy of NetBackup master/media server rehost, rename hostname" })).toBeVisible();
    const templateId = new URL(page.url()).pathname.split("/").pop()!;

    const name = uniqueName("Rename, our DC");
    await page.getByLabel("Template name").fill(name);
    const editor = page.getByLabel("Plan (runbook JSON)");
    const body = JSON.parse(await editor.inputValue());
    body.phases[2].steps.find((s: { key: string }) => s.key === "18").plannedMinutes = 240; // our catalog is bigger
    await editor.fill(JSON.stringify(body, null, 2));
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/templates/${templateId}`) && r.request().method() === "PATCH");
    await page.getByRole("button", { name: "Save template" }).click();
    expect((await saved).status()).toBe(200);
    await expect(page.getByRole("status").filter({ hasText: "Template saved." })).toBeVisible();
    const row = db.prepare(`SELECT name, body, createdById FROM template WHERE id = ?`).get(templateId) as { name: string; body: string; createdById: string };
    expect(row.name).toBe(name);
    expect(row.createdById).toBe(admin.id);
    expect(JSON.parse(row.body).phases[2].steps.find((s: { key: string }) => s.key === "18").plannedMinutes).toBe(240);
    expect(db.prepare(`SELECT action FROM audit_event WHERE entityId = ? ORDER BY seq`).all(templateId)).toEqual([{ action: "template.duplicate" }, { action: "template.update" }]);

    // A broken body is caught before it is sent.
    await editor.fill('{"format": "runsheet.runbook"');
    await expect(page.getByText(/^Not valid JSON/)).toBeVisible();

    // New project from the template: the preview first, then create.
    await page.reload();
    await page.getByRole("link", { name: "New project from this template" }).click();
    await expect(page).toHaveURL(new RegExp(`/projects/new\\?template=${templateId}$`));
    await expect(page.getByRole("radio", { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`) })).toBeChecked();
    const preview = page.getByRole("region", { name: `Preview of ${name}` });
    await expect(preview).toContainText("39 + 5 rollback");
    await expect(preview.getByRole("row").filter({ hasText: "Cutover window (Saturday)" })).toContainText("19");
    await expect(preview.getByRole("status")).toContainText("A rollback must start by window end − 2 h 10 min.");
    expect(await seriousAxeFindings(page)).toEqual([]);

    const projectName = uniqueName("Rename project");
    const source = uniqueHost("nbu-master1");
    const target = uniqueHost("nbu-master2");
    await page.getByLabel("Project name").fill(projectName);
    await page.getByLabel("Source host").fill(source);
    await page.getByLabel("Target host").fill(target);
    await page.getByLabel("Hostname strategy").selectOption("RENAME");
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name: projectName })).toBeVisible();
    const projectId = new URL(page.url()).pathname.split("/").pop()!;
    expect(db.prepare(`SELECT count(*) AS n FROM step WHERE projectId = ?`).get(projectId)).toEqual({ n: 44 });
    const copy = db.prepare(`SELECT plannedMinutes, commands FROM step WHERE projectId = ? AND title = 'Copy /usr/openv to the new server'`).get(projectId) as { plannedMinutes: number; commands: string };
    expect(copy.plannedMinutes).toBe(240);
    // The project's hosts were filled into the commands.
    const rename = db.prepare(`SELECT commands FROM step WHERE projectId = ? AND title LIKE 'Rename the master%'`).get(projectId) as { commands: string };
    expect(rename.commands).toContain(`nbemmcmd -renamehost -machinename ${source} -machinetype master -newmachinename ${target}`);

    // Delete it from the library; the project keeps its plan.
    await page.goto("/templates");
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    await expect(page.getByRole("heading", { level: 3, name })).toHaveCount(0);
    expect(db.prepare(`SELECT count(*) AS n FROM template WHERE id = ?`).get(templateId)).toEqual({ n: 0 });
    expect(db.prepare(`SELECT action FROM audit_event WHERE entityId = ? ORDER BY seq DESC LIMIT 1`).get(templateId)).toEqual({ action: "template.delete" });
    expect(db.prepare(`SELECT count(*) AS n FROM step WHERE projectId = ?`).get(projectId)).toEqual({ n: 44 });
  });

  test("the hostname strategy picks the matching NetBackup template until one is chosen", async ({ page, loginAs }) => {
    await loginAs(page, "ADMIN");
    await page.goto("/projects/new");
    // Anchored: saved copies ("Copy of NetBackup…") made by parallel tests must not match.
    const keep = page.getByRole("radio", { name: /^NetBackup master\/media server rehost, keep hostname/ });
    const rename = page.getByRole("radio", { name: /^NetBackup master\/media server rehost, rename hostname/ });
    await expect(keep).toBeChecked();
    await page.getByLabel("Hostname strategy").selectOption("RENAME");
    await expect(rename).toBeChecked();
    await expect(page.getByRole("region", { name: "Preview of NetBackup master/media server rehost, rename hostname" })).toContainText("6 fleet steps");
    const generic = page.getByRole("radio", { name: /^Generic server migration/ });
    await generic.check({ force: true });
    await page.getByLabel("Hostname strategy").selectOption("KEEP");
    await expect(generic).toBeChecked();
  });

  test("the preview follows the NetBackup version and platform chosen on the form, and the project gets that variant", async ({ page, loginAs, db }) => {
    await loginAs(page, "ADMIN");
    await page.goto("/projects/new");
    await page.getByLabel("Hostname strategy").selectOption("RENAME");
    const preview = page.getByRole("region", { name: "Preview of NetBackup master/media server rehost, rename hostname" });
    await page.getByLabel("NetBackup version").selectOption("V8_1_TO_9");
    await expect(preview).toContainText("39 + 5 rollback");
    // Before 8.1 there are no host certificates: that fleet step is gone from the preview.
    await page.getByLabel("NetBackup version").selectOption("BEFORE_8_1");
    await expect(preview).toContainText("38 + 5 rollback");
    await expect(preview).toContainText("NetBackup before 8.1");
    await page.getByLabel("New server's platform").selectOption("CROSS_PLATFORM");
    await expect(preview).toContainText("a fresh install of the same version and a catalog recovery instead of the copy");
    await expect(page.getByRole("radio", { name: /^NetBackup master\/media server rehost, rename hostname/ })).toBeChecked();

    const projectName = uniqueName("Old cross-platform rename");
    const target = uniqueHost("nbu-x86");
    await page.getByLabel("Project name").fill(projectName);
    await page.getByLabel("Source host").fill(uniqueHost("nbu-sparc"));
    await page.getByLabel("Target host").fill(target);
    await page.getByRole("button", { name: "Create project" }).click();
    await expect(page.getByRole("heading", { level: 1, name: projectName })).toBeVisible();
    const projectId = new URL(page.url()).pathname.split("/").pop()!;
    expect(db.prepare(`SELECT netbackupVersion, platformPath FROM project WHERE id = ?`).get(projectId)).toEqual({ netbackupVersion: "BEFORE_8_1", platformPath: "CROSS_PLATFORM" });
    expect(db.prepare(`SELECT count(*) AS n FROM step WHERE projectId = ?`).get(projectId)).toEqual({ n: 43 });
    const recovery = db.prepare(`SELECT commands FROM step WHERE projectId = ? AND title = 'Recover the catalog on the new server from the catalog backups'`).get(projectId) as { commands: string };
    expect(recovery.commands).toContain("bprecover -wizard");
    expect(recovery.commands).toContain(`rsync -a <catalog-backup-directory>/ ${target}:<catalog-backup-directory>/`);
    const allCommands = (db.prepare(`SELECT commands FROM step WHERE projectId = ?`).all(projectId) as { commands: string }[]).map((s) => s.commands).join("\n");
    expect(allCommands).not.toMatch(/nbcertcmd|tar cf/);
  });

  test("saving a project as a template copies its plan; operators can't reach the library", async ({ page, loginAs, createProject, newSession, db }) => {
    const project = await createProject();
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("button", { name: "Save as template" }).click();
    const dialog = page.getByRole("dialog", { name: "Save the plan as a template" });
    const name = uniqueName("Saved from project");
    await dialog.getByLabel("Template name").fill(name);
    await dialog.getByRole("button", { name: "Save template" }).click();
    await expect(dialog.getByRole("status")).toContainText("Saved.");
    const template = db.prepare(`SELECT id, body FROM template WHERE name = ?`).get(name) as { id: string; body: string };
    const body = JSON.parse(template.body);
    expect(body.phases.flatMap((p: { steps: { key: string }[] }) => p.steps.map((s) => s.key))).toEqual([...Array.from({ length: 30 }, (_, i) => String(i + 1)), "R1", "R2", "R3", "R4", "R5"]);
    expect(db.prepare(`SELECT action, projectId FROM audit_event WHERE entityId = ?`).all(template.id)).toEqual([{ action: "template.save_from_project", projectId: project.id }]);

    // Edit the plan in the project, then save it back over the same template.
    db.prepare(`UPDATE step SET plannedMinutes = 200 WHERE id = ?`).run(project.step("16").id);
    await dialog.getByRole("button", { name: "Close" }).first().click();
    await page.getByRole("button", { name: "Save as template" }).click();
    await dialog.getByLabel("an existing template, replacing its plan").check();
    await dialog.getByLabel("Template to replace").selectOption({ label: name });
    await expect(dialog.getByLabel("Template name")).toHaveValue(name);
    await dialog.getByRole("button", { name: "Replace the plan" }).click();
    await expect(dialog.getByRole("status")).toContainText("Saved.");
    const replaced = JSON.parse((db.prepare(`SELECT body FROM template WHERE id = ?`).get(template.id) as { body: string }).body);
    expect(replaced.phases[2].steps.find((s: { key: string }) => s.key === "16").plannedMinutes).toBe(200);
    expect(db.prepare(`SELECT action FROM audit_event WHERE entityId = ? ORDER BY seq`).all(template.id)).toEqual([{ action: "template.save_from_project" }, { action: "template.update" }]);

    const { page: operatorPage } = await newSession("OPERATOR");
    const refused = await operatorPage.goto("/templates");
    expect(refused?.status()).toBe(403);
    await expect(operatorPage.getByRole("heading", { name: "Not for your role" })).toBeVisible();
    await operatorPage.goto(`/projects/${project.id}`);
    await expect(operatorPage.getByRole("heading", { level: 1, name: project.name })).toBeVisible();
    await expect(operatorPage.getByRole("button", { name: "Save as template" })).toHaveCount(0);
  });
});
