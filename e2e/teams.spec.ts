/**
 * People and teams (issue "Runbooks a NetBackup admin would sign", item 7): two duplicate teams are
 * merged on the Teams page and the plan's steps show the merged team, on the page and in the
 * database; the step dialog offers as assignees only people who can act in the project.
 */
import { expect, test, uniqueName } from "./fixtures";

test("merging a duplicate team on the Teams page: the plan's steps show the merged team, a run's record keeps the old name", async ({ page, loginAs, createProject, startRun, adminApi, db }) => {
  const keep = uniqueName("Storage");
  const dup = uniqueName("SAN");
  const project = await createProject();
  const [three, four] = [project.step("3"), project.step("4")];
  for (const [step, team] of [[three, dup], [four, `${keep}+${dup}`]] as const) {
    const saved = await adminApi.patch(`/api/steps/${step.id}`, { team });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }
  const run = await startRun(project.id);
  const frozenBefore = db.prepare(`SELECT team FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, three.id);
  expect(frozenBefore).toEqual({ team: dup });

  await loginAs(page, "ADMIN");
  await page.goto("/admin/teams");
  const teams = page.getByRole("list", { name: "Teams" });
  await expect(teams.getByRole("listitem", { name: dup })).toContainText("2 steps in 1 project");
  await teams.getByRole("button", { name: `Merge ${dup} into…` }).click();
  const dialog = page.getByRole("dialog", { name: `Merge ${dup}` });
  await dialog.getByLabel("Merge into").selectOption({ label: keep });
  await expect(dialog).toContainText(`The 2 steps of ${dup} become ${keep}'s, and ${dup} is deleted.`);
  await dialog.getByRole("button", { name: "Merge" }).click();
  await expect(page.getByText(`${dup} was merged into ${keep} (2 steps).`)).toBeVisible();
  await expect(teams.getByRole("listitem", { name: dup })).toHaveCount(0);
  await expect(teams.getByRole("listitem", { name: keep })).toContainText("2 steps in 1 project");

  expect(db.prepare(`SELECT count(*) AS n FROM team WHERE name = ?`).get(dup)).toEqual({ n: 0 });
  expect(db.prepare(`SELECT id, team FROM step WHERE id IN (?, ?) ORDER BY position`).all(three.id, four.id).map((r) => (r as { team: string }).team)).toEqual([keep, keep]);
  expect(db.prepare(`SELECT count(*) AS n FROM step_team WHERE stepId = ?`).get(four.id)).toEqual({ n: 1 });
  expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'team.merge' AND json_extract("after", '$.mergedInto.name') = ?`).get(keep)).toEqual({ n: 1 });
  // The run froze its plan when it started: its record keeps the name the team had then.
  expect(db.prepare(`SELECT team FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, three.id)).toEqual(frozenBefore);

  await page.goto(`/projects/${project.id}`);
  const row = page.getByRole("listitem").filter({ hasText: three.title }).first();
  await expect(row.getByText(keep, { exact: true })).toBeVisible();
  await expect(page.getByText(dup, { exact: true })).toHaveCount(0);
});

test("the step dialog offers only people who can act in the project, and picks teams from the list", async ({ page, loginAs, createProject, createUser, adminApi, db }) => {
  const project = await createProject();
  const operator = await createUser({ role: "OPERATOR", name: uniqueName("Otto Operator") });
  const viewer = await createUser({ role: "VIEWER", name: uniqueName("Vic Viewer") });
  const capped = await createUser({ role: "OPERATOR", name: uniqueName("Cora Capped") });
  const added = await adminApi.post(`/api/projects/${project.id}/members`, { userId: capped.id, role: "VIEWER" });
  expect(added.status, JSON.stringify(added.body)).toBe(200);
  const team = uniqueName("Network");
  expect((await adminApi.post("/api/teams", { name: team })).status).toBe(200);

  const step = project.step("3");
  await loginAs(page, "ADMIN");
  await page.goto(`/projects/${project.id}`);
  await page.getByRole("button", { name: "Edit step 3", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: "Edit step 3" });
  const assignee = dialog.getByLabel("Assignee");
  await expect(assignee.getByRole("option", { name: operator.name })).toHaveCount(1);
  await expect(assignee.getByRole("option", { name: viewer.name })).toHaveCount(0);
  await expect(assignee.getByRole("option", { name: capped.name })).toHaveCount(0);

  await assignee.selectOption({ label: operator.name });
  const teams = dialog.getByRole("group", { name: "Owning teams" });
  for (const box of await teams.getByRole("checkbox").all()) if (await box.isChecked()) await box.uncheck();
  await teams.getByRole("checkbox", { name: team }).check();
  await dialog.getByRole("button", { name: "Save step" }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(() => db.prepare(`SELECT assigneeId, team FROM step WHERE id = ?`).get(step.id)).toEqual({ assigneeId: operator.id, team });

  // The API refuses the viewer-member by name, and nothing changes.
  const refused = await adminApi.patch(`/api/steps/${step.id}`, { assigneeId: capped.id });
  expect(refused.status).toBe(400);
  expect(refused.body.error?.message).toBe(`${capped.name} is a viewer in this project and can't tick steps.`);
  expect(db.prepare(`SELECT assigneeId FROM step WHERE id = ?`).get(step.id)).toEqual({ assigneeId: operator.id });
});
