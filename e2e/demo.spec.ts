import { expect, test } from "./fixtures";

test("an admin sees the demo banner and removes the demo: its project and accounts go, the audit trail keeps a record", async ({ page, loginAs, createProject, createUser, db }) => {
  // The suite's server starts without the demo; mark a project and an account the way the seed does.
  const project = await createProject();
  const demoUser = await createUser({ role: "OPERATOR" });
  db.prepare(`UPDATE project SET isDemo = 1 WHERE id = ?`).run(project.id);
  db.prepare(`UPDATE "user" SET isDemo = 1 WHERE id = ?`).run(demoUser.id);

  const admin = await loginAs(page, "ADMIN");
  await page.goto("/projects");
  const banner = page.getByRole("region", { name: "Demo" });
  await expect(banner).toContainText("The demo is installed.");
  await banner.getByRole("button", { name: "Remove the demo" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove the demo" });
  await dialog.getByRole("button", { name: "Remove the demo" }).click();
  await expect(dialog).toBeHidden();
  await expect(banner).toBeHidden();
  await expect(page.getByRole("link", { name: project.name })).toHaveCount(0);

  expect(db.prepare(`SELECT count(*) AS n FROM project WHERE id = ?`).get(project.id)).toEqual({ n: 0 });
  expect(db.prepare(`SELECT deactivatedAt IS NOT NULL AS off FROM "user" WHERE id = ?`).get(demoUser.id)).toEqual({ off: 1 });
  expect(db.prepare(`SELECT count(*) AS n FROM account WHERE userId = ?`).get(demoUser.id)).toEqual({ n: 0 });
  const event = db.prepare(`SELECT actorId, "before" FROM audit_event WHERE action = 'demo.remove' ORDER BY seq DESC LIMIT 1`).get() as { actorId: string; before: string };
  expect(event.actorId).toBe(admin.id);
  expect(JSON.parse(event.before).projects).toEqual([{ id: project.id, name: project.name }]);
  // The project's history is still on the chain.
  expect((db.prepare(`SELECT count(*) AS n FROM audit_event WHERE projectId = ?`).get(project.id) as { n: number }).n).toBeGreaterThan(0);
});
