/**
 * Runs once, before every other test (the "setup" project in playwright.config.ts), against the
 * brand-new database of this run: the real first-run flow, then the user pool the tests draw from.
 */
import { expect, POOL_SIZE_PER_ROLE, seedUserPool, test } from "./fixtures";

test("first run: an empty install sends everyone to /setup, which creates the first admin", async ({ page, db }) => {
  expect(db.prepare(`SELECT count(*) AS n FROM "user"`).get(), "the run starts on an empty database (RUNSHEET_SEED=none)").toEqual({ n: 0 });

  await page.goto("/projects");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome to Runsheet" })).toBeVisible();
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);

  // Too short a password: refused, nothing created.
  await page.getByLabel("Your name").fill("First Admin");
  await page.getByLabel("Email").fill("first-admin@e2e.runsheet.test");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  expect(db.prepare(`SELECT count(*) AS n FROM "user"`).get()).toEqual({ n: 0 });

  await page.getByLabel("Password").fill("first-admin-password");
  const created = page.waitForResponse((r) => r.url().endsWith("/api/setup"));
  const signedIn = page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in/email"));
  await page.getByRole("button", { name: "Create admin account" }).click();
  expect((await created).status()).toBe(200);
  // The form signs the new admin in straight away; every other test depends on this working.
  const signIn = await signedIn;
  expect(signIn.status(), `sign-in after setup: ${await signIn.text()}`).toBe(200);
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByRole("banner")).toContainText("First Admin");
  const admin = db.prepare(`SELECT id, role FROM "user" WHERE email = 'first-admin@e2e.runsheet.test'`).get() as { id: string; role: string };
  expect(admin.role).toBe("ADMIN");
  expect(db.prepare(`SELECT actorId, action, entityId FROM audit_event ORDER BY seq`).all()).toEqual([
    { actorId: admin.id, action: "user.create", entityId: admin.id },
    { actorId: admin.id, action: "auth.sign_in", entityId: admin.id },
  ]);
  await page.close();

  // Nothing else talks to the server yet, so the users the tests sign in as are inserted now.
  expect(await seedUserPool(db)).toBe(3 * POOL_SIZE_PER_ROLE);

  // A new install shows projects to their members only. The suite was written for every project
  // visible to everyone (an upgraded install), and tests act as fresh users on projects they were
  // never added to; e2e/members.spec.ts switches to "members" when the other specs are done.
  expect(db.prepare(`SELECT value FROM setting WHERE key = 'projectVisibility'`).get(), "a new install defaults to members only").toEqual({ value: "members" });
  db.prepare(`UPDATE setting SET value = 'all' WHERE key = 'projectVisibility'`).run();
});
