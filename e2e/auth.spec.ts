import { BASE_URL, expect, newContext, test } from "./fixtures";

test.describe("sign-in and first run", () => {
  test("five wrong passwords lock the account, even against the right one", async ({ page, createUser, db }) => {
    const user = await createUser({ role: "OPERATOR" });
    await page.goto("/login");
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Runsheet" })).toBeVisible();
    await page.getByLabel("Email").fill(user.email);

    const signIn = async (password: string) => {
      await page.getByLabel("Password").fill(password);
      const response = page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in/email"));
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      return (await response).status();
    };

    for (let attempt = 1; attempt <= 5; attempt++) {
      expect(await signIn(`wrong-password-${attempt}`)).toBe(401);
      await expect(page.getByRole("main").getByRole("alert")).toHaveText("Wrong email or password.");
      const row = db.prepare(`SELECT failedLoginCount, lockedUntil FROM "user" WHERE id = ?`).get(user.id) as { failedLoginCount: number; lockedUntil: string | null };
      // The fifth failure locks the account and resets the counter.
      if (attempt < 5) expect(row).toEqual({ failedLoginCount: attempt, lockedUntil: null });
      else expect(row.lockedUntil).not.toBeNull();
    }

    const lockedAt = Date.now();
    expect(await signIn(user.password)).toBe(429);
    await expect(page.getByRole("main").getByRole("alert")).toHaveText(/Too many failed sign-ins\. This account is locked for 1[45] more minutes\./);
    await expect(page).toHaveURL(/\/login$/);

    const { lockedUntil } = db.prepare(`SELECT lockedUntil FROM "user" WHERE id = ?`).get(user.id) as { lockedUntil: string };
    const lockedForMinutes = (Date.parse(lockedUntil) - lockedAt) / 60_000;
    expect(lockedForMinutes).toBeGreaterThan(13);
    expect(lockedForMinutes).toBeLessThanOrEqual(15);
    // No session was created for the locked account.
    expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id) as { n: number }).n).toBe(0);
  });

  test("the right password signs in and lands on the projects page", async ({ page, createUser, db }) => {
    const user = await createUser({ role: "VIEWER" });
    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/projects$/);
    await expect(page.getByRole("heading", { level: 1, name: "Migration projects" })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(user.name);
    expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id) as { n: number }).n).toBe(1);
  });

  test("requests from a foreign origin are refused, sign-in included", async ({ playwright, createUser, db }) => {
    const user = await createUser({ role: "ADMIN" });
    const foreign = await playwright.request.newContext({ extraHTTPHeaders: { origin: "http://evil.example" } });
    const signIn = await foreign.post(`${BASE_URL}/api/auth/sign-in/email`, { data: { email: user.email, password: user.password } });
    expect(signIn.status()).toBe(403);
    expect(db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id)).toEqual({ n: 0 });
    await foreign.dispose();

    // Signed in properly, the app's own routes still refuse a foreign Origin (CSRF).
    const own = await playwright.request.newContext();
    const ok = await own.post(`${BASE_URL}/api/auth/sign-in/email`, { data: { email: user.email, password: user.password }, headers: { origin: BASE_URL } });
    expect(ok.status()).toBe(200);
    const name = `Forged ${Date.now()}`;
    const forged = await own.post(`${BASE_URL}/api/projects`, {
      headers: { origin: "http://evil.example" },
      data: { name, sourceHost: "a-host", targetHost: "b-host", hostnameStrategy: "KEEP", timezone: "Europe/Berlin", windowStart: "2027-01-02T08:00:00Z", windowEnd: "2027-01-02T16:00:00Z", template: "empty" },
    });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.message).toBe("Cross-site request refused.");
    expect(db.prepare(`SELECT count(*) AS n FROM project WHERE name = ?`).get(name)).toEqual({ n: 0 });
    await own.dispose();
  });

  test("first-run setup refuses once users exist, and /setup sends people to sign in", async ({ browser, createUser, db, playwright }) => {
    await createUser({ role: "ADMIN" });
    const usersBefore = (db.prepare(`SELECT count(*) AS n FROM "user"`).get() as { n: number }).n;
    expect(usersBefore).toBeGreaterThan(0);

    const anonymous = await playwright.request.newContext();
    const email = `setup-${Date.now()}@e2e.runsheet.test`;
    const response = await anonymous.post(`${BASE_URL}/api/setup`, { data: { name: "Mallory", email, password: "a-long-enough-password" } });
    expect(response.status()).toBe(409);
    expect((await response.json()).error.message).toBe("Runsheet is already set up. Sign in instead.");
    expect(db.prepare(`SELECT id FROM "user" WHERE email = ?`).get(email)).toBeUndefined();
    await anonymous.dispose();

    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto("/setup");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { level: 1, name: "Sign in to Runsheet" })).toBeVisible();
    await expect(page.getByLabel("Email")).toBeVisible();
    await expect(page.getByLabel("Password")).toBeVisible();
    // A signed-out visitor to an app page is sent to sign in too.
    await page.goto("/projects");
    await expect(page).toHaveURL(/\/login$/);
    await context.close();
  });

  test("a deactivated operator's very next tick is refused, and signing out ends the browser's session", async ({ page, loginAs, apiAs, adminApi, createProject, startRun, db }) => {
    const project = await createProject();
    const run = await startRun(project.id, "REHEARSAL");
    const operator = await apiAs("OPERATOR");
    const stepRow = (stepId: string) => db.prepare(`SELECT status, version FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, stepId) as { status: string; version: number };

    // A first tick verifies the operator's session (and the server remembers the verification).
    await operator.act(run.id, project.step("1"), "start");
    expect(stepRow(project.step("1").id).status).toBe("IN_PROGRESS");

    expect((await adminApi.patch(`/api/users/${operator.user.id}`, { active: false })).status).toBe(200);
    const refused = await operator.post(`/api/runs/${run.id}/steps/${project.step("1").id}/actions`, { action: "done" });
    expect(refused.status).toBe(401);
    expect(stepRow(project.step("1").id)).toEqual({ status: "IN_PROGRESS", version: 2 });

    // Signing out in the browser: the page goes to sign-in, and its cookies no longer act.
    await loginAs(page, "OPERATOR");
    await page.goto(`/projects/${project.id}/runs/${run.id}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    const afterSignOut = await page.request.post(`/api/runs/${run.id}/steps/${project.step("2").id}/actions`, { data: { action: "start" }, headers: { origin: BASE_URL } });
    expect(afterSignOut.status()).toBe(401);
    expect(stepRow(project.step("2").id).status).toBe("PENDING");
  });
});
