import { BASE_URL, expect, newContext, test } from "./fixtures";

/** The Cookie header of a signed-in API context, for a raw streaming fetch. */
async function cookieHeaderOf(request: { storageState: () => Promise<{ cookies: { name: string; value: string }[] }> }): Promise<string> {
  return (await request.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

test.describe("passwords and sessions", () => {
  test("an operator changes their password on the account page: their other browser is signed out, the new password works", async ({ newSession, createUser, browser, db }) => {
    const user = await createUser({ role: "OPERATOR" });
    const elsewhere = await newSession(user);
    const { page } = await newSession(user);
    await page.goto("/projects");
    await page.getByRole("link", { name: /^Your account/ }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
    const sessions = page.getByRole("list", { name: "Your sessions" }).getByRole("listitem");
    await expect(sessions).toHaveCount(2);
    await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);

    // A weak one is refused with the reason; nothing changes.
    const hashBefore = (db.prepare(`SELECT password FROM account WHERE userId = ?`).get(user.id) as { password: string }).password;
    await page.getByLabel("Current password").fill(user.password);
    await page.getByLabel("New password", { exact: true }).fill("password1234");
    await page.getByLabel("New password again").fill("password1234");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("This is too close to a commonly used password.").first()).toBeVisible();
    expect((db.prepare(`SELECT password FROM account WHERE userId = ?`).get(user.id) as { password: string }).password).toBe(hashBefore);

    const newPassword = "amber-tape-drive-kettle";
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("New password again").fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByRole("status")).toHaveText("Password changed. 1 other session was signed out.");
    await expect(sessions).toHaveCount(1);

    // The other browser is out on its next request.
    await elsewhere.page.goto("/projects");
    await expect(elsewhere.page).toHaveURL(/\/login$/);
    // The old password no longer works; the new one does.
    const fresh = await newContext(browser);
    const old = await fresh.request.post(`${BASE_URL}/api/auth/sign-in/email`, { data: { email: user.email, password: user.password }, headers: { origin: BASE_URL } });
    expect(old.status()).toBe(401);
    const ok = await fresh.request.post(`${BASE_URL}/api/auth/sign-in/email`, { data: { email: user.email, password: newPassword }, headers: { origin: BASE_URL } });
    expect(ok.status()).toBe(200);
    await fresh.close();
    expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'auth.password_change' AND actorId = ?`).get(user.id)).toEqual({ n: 1 });
  });

  test("signing out another device from the account page, and a saved copy of signed-out cookies is refused at once", async ({ newSession, createUser, browser, db }) => {
    const user = await createUser({ role: "VIEWER" });
    const phone = await newSession(user);
    const { page, context } = await newSession(user);
    await page.goto("/account");
    const other = page.getByRole("list", { name: "Your sessions" }).getByRole("listitem").filter({ hasNotText: "This device" });
    await other.getByRole("button", { name: /^Sign out / }).click();
    await expect(page.getByRole("status")).toContainText("Signed out");
    await expect(page.getByRole("list", { name: "Your sessions" }).getByRole("listitem")).toHaveCount(1);
    await phone.page.goto("/projects");
    await expect(phone.page).toHaveURL(/\/login$/);

    // Someone copied this browser's cookies; the owner signs out; the copy is refused right away.
    const saved = await context.storageState();
    await page.goto("/projects");
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    const copy = await newContext(browser, { storageState: saved });
    expect((await copy.request.get(`${BASE_URL}/api/account/sessions`)).status()).toBe(401);
    await copy.close();
    expect(db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id)).toEqual({ n: 0 });
    expect((db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'auth.sign_out' AND actorId = ?`).get(user.id) as { n: number }).n).toBe(1);
  });

  test("deactivating an operator closes their open live stream within a second", async ({ apiAs, adminApi, createProject }) => {
    const project = await createProject();
    const operator = await apiAs("OPERATOR");
    const response = await fetch(`${BASE_URL}/api/projects/${project.id}/events`, { headers: { cookie: await cookieHeaderOf(operator.request) } });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    // Wait until the stream is really open (the first presence event arrived).
    let received = "";
    while (!received.includes("event: presence")) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error("the stream ended before it started");
      received += decoder.decode(chunk.value);
    }
    const deactivatedAt = Date.now();
    expect((await adminApi.patch(`/api/users/${operator.user.id}`, { active: false })).status).toBe(200);
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
    }
    expect(Date.now() - deactivatedAt).toBeLessThan(1000);
  });

  test("an admin resets a password: the old one stops at once, the one-time link sets a new one and signs in", async ({ page, loginAs, createUser, browser, db }) => {
    const user = await createUser({ role: "OPERATOR" });
    const theirs = await newContext(browser);
    const theirPage = await theirs.newPage();
    await loginAs(theirPage, user);
    await loginAs(page, "ADMIN");
    await page.goto("/admin/users");
    await page.getByRole("button", { name: `Reset the password of ${user.name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Reset the password of ${user.name}` });
    await dialog.getByRole("button", { name: "Reset password" }).click();
    const link = await dialog.getByLabel("One-time reset link").innerText();
    expect(link).toMatch(new RegExp(`^${BASE_URL.replace(/[.:/]/g, "\\$&")}/reset-password#[A-Za-z0-9_-]{32}$`));
    expect(db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id)).toEqual({ n: 0 });
    await theirPage.goto("/projects");
    await expect(theirPage).toHaveURL(/\/login$/);

    await theirPage.goto(link);
    await expect(theirPage.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
    await theirPage.getByLabel("New password", { exact: true }).fill("six-drives-in-slot-nine");
    await theirPage.getByLabel("New password again").fill("six-drives-in-slot-nine");
    await theirPage.getByRole("button", { name: "Set password and sign in" }).click();
    await expect(theirPage).toHaveURL(/\/projects$/);
    await expect(theirPage.getByRole("banner")).toContainText(user.name);

    // The link is spent.
    const again = await newContext(browser);
    const second = await again.newPage();
    await second.goto(link);
    await second.getByLabel("New password", { exact: true }).fill("another-fine-long-phrase");
    await second.getByLabel("New password again").fill("another-fine-long-phrase");
    await second.getByRole("button", { name: "Set password and sign in" }).click();
    await expect(second.getByRole("main").getByRole("alert")).toHaveText("This reset link is not valid any more. Ask an admin for a new one.");
    await again.close();
    await theirs.close();
    const actions = (db.prepare(`SELECT action FROM audit_event WHERE entityId = ? AND action LIKE 'auth.password_reset%' ORDER BY seq`).all(user.id) as { action: string }[]).map((r) => r.action);
    expect(actions).toEqual(["auth.password_reset_issue", "auth.password_reset_complete"]);
  });

  test("an admin reads refused sign-ins on the account activity page; other roles can't open it", async ({ page, loginAs, newSession, playwright, db }) => {
    const typed = `nobody-${Date.now()}@e2e.runsheet.test`;
    const anonymous = await playwright.request.newContext();
    const refused = await anonymous.post(`${BASE_URL}/api/auth/sign-in/email`, { data: { email: typed, password: "not-a-password-at-all" }, headers: { origin: BASE_URL } });
    expect(refused.status()).toBe(401);
    await anonymous.dispose();
    expect((db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'auth.sign_in_failed' AND "after" LIKE ?`).get(`%${typed}%`) as { n: number }).n).toBe(1);

    await loginAs(page, "ADMIN");
    await page.goto("/admin/users");
    await page.getByRole("link", { name: "Account activity" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Account activity" })).toBeVisible();
    const row = page.getByRole("row").filter({ hasText: typed });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText("Sign-in refused");
    await expect(row).toContainText("unknown account");

    const { page: operatorPage } = await newSession("OPERATOR");
    expect((await operatorPage.goto("/admin/activity"))?.status()).toBe(403);
  });
});
