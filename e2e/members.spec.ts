/**
 * Per-project access (issue 12 item 7), with the installation showing projects to their members
 * only. This spec runs in its own Playwright project after every other spec ("members" in
 * playwright.config.ts): the rest of the suite runs with every project visible to everyone, and
 * this one switches the installation setting.
 */
import { expect, test } from "./fixtures";

test.describe.configure({ mode: "serial" });

test.afterAll(async ({ adminApi }) => {
  const restored = await adminApi.patch("/api/settings", { projectVisibility: "all" });
  expect(restored.status).toBe(200);
});

test("an operator sees only the projects they are members of, gets 404 for the others, and sees one once an admin adds them", async ({ page, adminApi, createProject, startRun, createUser, loginAs, newSession, db }) => {
  const setting = await adminApi.patch("/api/settings", { projectVisibility: "members" });
  expect(setting.status, JSON.stringify(setting.body)).toBe(200);
  expect(db.prepare(`SELECT value FROM setting WHERE key = 'projectVisibility'`).get()).toEqual({ value: "members" });

  const projectA = await createProject();
  const projectB = await createProject();
  const runB = await startRun(projectB.id);
  const operator = await createUser({ role: "OPERATOR" });
  const added = await adminApi.post(`/api/projects/${projectA.id}/members`, { userId: operator.id, role: "OPERATOR" });
  expect(added.status, JSON.stringify(added.body)).toBe(200);

  await loginAs(page, operator);
  await page.goto("/projects");
  await expect(page.getByRole("link", { name: projectA.name })).toBeVisible();
  await expect(page.getByRole("link", { name: projectB.name })).toHaveCount(0);

  // B's page, API, export and live stream answer as if B didn't exist.
  const pageB = await page.goto(`/projects/${projectB.id}`);
  expect(pageB?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  await expect(page.getByText(projectB.name)).toHaveCount(0);
  expect((await page.goto(`/projects/${projectB.id}/runs/${runB.id}`))?.status()).toBe(404);
  for (const path of [`/api/projects/${projectB.id}/fleet`, `/api/runs/${runB.id}/export/pdf`, `/api/runs/${runB.id}/export/csv`, `/api/projects/${projectB.id}/events`]) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(404);
    expect(await response.text(), path).not.toContain(projectB.name);
  }
  const tick = await page.request.post(`/api/runs/${runB.id}/steps/${projectB.step("1").id}/actions`, { data: { action: "start" }, headers: { origin: new URL(page.url()).origin } });
  expect(tick.status()).toBe(404);
  expect(db.prepare(`SELECT status FROM step_run WHERE runId = ? AND stepId = ?`).get(runB.id, projectB.step("1").id)).toEqual({ status: "PENDING" });

  // An admin adds the operator to B on B's settings page.
  const admin = await newSession("ADMIN");
  await admin.page.goto(`/projects/${projectB.id}/settings`);
  const members = admin.page.getByRole("region", { name: "Members" });
  await expect(members.getByText("No members yet.")).toBeVisible();
  await members.getByLabel("Add a member").selectOption({ label: `${operator.name} (${operator.email}, Operator)` });
  await members.getByLabel("Project role").selectOption("OPERATOR");
  await members.getByRole("button", { name: "Add member" }).click();
  await expect(members.getByRole("list", { name: "Project members" })).toContainText(operator.name);
  expect(db.prepare(`SELECT role, addedById FROM project_member WHERE projectId = ? AND userId = ?`).get(projectB.id, operator.id)).toEqual({ role: "OPERATOR", addedById: admin.user.id });
  expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'project.member_add' AND projectId = ? AND entityId = ?`).get(projectB.id, operator.id)).toEqual({ n: 1 });

  // Now B is the operator's too.
  await page.goto("/projects");
  await expect(page.getByRole("link", { name: projectB.name })).toBeVisible();
  expect((await page.goto(`/projects/${projectB.id}`))?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: projectB.name })).toBeVisible();
  expect((await page.request.get(`/api/runs/${runB.id}/export/csv`)).status()).toBe(200);
});
