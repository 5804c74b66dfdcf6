import http from "node:http";
import { BASE_URL, expect, newContext, test } from "./fixtures";

/** A sign-in from another loopback address: a second machine, as far as the server can tell. */
function signInFrom(localAddress: string, body: { email: string; password: string }, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL("/api/auth/sign-in/email", BASE_URL);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", localAddress, headers: { "content-type": "application/json", origin: BASE_URL, "content-length": Buffer.byteLength(payload), ...headers } }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    request.on("error", reject);
    request.end(payload);
  });
}

test.describe("sign-in and first run", () => {
  test("failed sign-ins from one address delay that address only: forged X-Forwarded-For gets no fresh budget, and the person signs in from their own machine", async ({ page, createUser, db }) => {
    const user = await createUser({ role: "OPERATOR" });
    const attacker = "127.0.0.2";
    const throttleRow = (address: string) => db.prepare(`SELECT failures, blockedUntil FROM sign_in_throttle WHERE key = ?`).get(`account:${user.email}|${address}`) as { failures: number; blockedUntil: string | null } | undefined;

    // Five wrong passwords from another machine, each claiming a different client address.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await signInFrom(attacker, { email: user.email, password: `wrong-password-${attempt}` }, { "x-forwarded-for": `203.0.113.${attempt}` });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD", message: "Invalid email or password" });
      expect(throttleRow(attacker)?.failures).toBe(attempt);
    }
    // Now that machine waits, whatever it claims, even with the right password.
    const delayedAt = Date.now();
    const delayed = await signInFrom(attacker, { email: user.email, password: user.password }, { "x-forwarded-for": "198.51.100.77" });
    expect(delayed.status).toBe(429);
    expect(delayed.body.message).toMatch(/^Too many failed sign-ins from this address\. Try again in (29|30) seconds\.$/);
    const blockedForMs = Date.parse(throttleRow(attacker)!.blockedUntil!) - delayedAt;
    expect(blockedForMs).toBeGreaterThan(25_000);
    expect(blockedForMs).toBeLessThanOrEqual(30_000);
    expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id) as { n: number }).n).toBe(0);

    // The operator, at their own machine, signs in at once: nobody can lock them out.
    await page.goto("/login");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(/\/projects$/);
    expect(throttleRow("127.0.0.1")).toBeUndefined();

    // The audit trail has the failures with the real address, the delay, and the sign-in.
    const events = db.prepare(`SELECT action, actorId, "after" FROM audit_event WHERE projectId IS NULL AND (entityId = ? OR "after" LIKE ?) AND action LIKE 'auth.%' ORDER BY seq`).all(user.id, `%${user.email}%`) as { action: string; actorId: string | null; after: string }[];
    expect(events.map((e) => e.action)).toEqual([...Array(5).fill("auth.sign_in_failed"), "auth.sign_in_delayed", "auth.sign_in"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ address: attacker, reason: "wrong_password" });
    expect(JSON.parse(events[6].after)).toMatchObject({ address: "127.0.0.1", method: "password" });
    expect(events[6].actorId).toBe(user.id);
  });

  test("an unknown account, a deactivated one and a wrong password get the same answer", async ({ createUser, adminApi, db }) => {
    const deactivated = await createUser({ role: "OPERATOR" });
    expect((await adminApi.patch(`/api/users/${deactivated.id}`, { active: false })).status).toBe(200);
    const known = await createUser({ role: "VIEWER" });
    const address = "127.0.0.3";
    const answers = [
      await signInFrom(address, { email: `nobody-${Date.now()}@e2e.runsheet.test`, password: "a-long-enough-password" }),
      await signInFrom(address, { email: deactivated.email, password: deactivated.password }),
      await signInFrom(address, { email: known.email, password: "not-the-password-1" }),
    ];
    for (const answer of answers) expect({ status: answer.status, body: answer.body }).toEqual({ status: 401, body: answers[2].body });
    const reasons = (db.prepare(`SELECT "after" FROM audit_event WHERE action = 'auth.sign_in_failed' AND "after" LIKE ? ORDER BY seq`).all(`%"address":"${address}"%`) as { after: string }[]).map((e) => JSON.parse(e.after).reason);
    expect(reasons).toEqual(["unknown_account", "deactivated", "wrong_password"]);
    expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(deactivated.id) as { n: number }).n).toBe(0);
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
    const response = await anonymous.post(`${BASE_URL}/api/setup`, { data: { name: "Mallory", email, password: "a-long-enough-password" }, headers: { origin: BASE_URL } });
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
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    const afterSignOut = await page.request.post(`/api/runs/${run.id}/steps/${project.step("2").id}/actions`, { data: { action: "start" }, headers: { origin: BASE_URL } });
    expect(afterSignOut.status()).toBe(401);
    expect(stepRow(project.step("2").id).status).toBe("PENDING");
  });
});
