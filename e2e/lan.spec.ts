import { chromium } from "@playwright/test";
import { BASE_URL, expect, test } from "./fixtures";

/**
 * A team on a LAN reaches Runsheet by a host name over plain HTTP. A browser drops Secure cookies
 * on such an origin (only localhost is exempt), so the session cookies must be Secure exactly
 * when the request came over HTTPS. Chromium resolves runsheet.test to this machine here.
 */
test("signs in at a LAN host name over plain HTTP, and the session holds", async ({ createUser, db }) => {
  const user = await createUser({ role: "OPERATOR" });
  const port = new URL(BASE_URL).port;
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP runsheet.test 127.0.0.1"],
  });
  try {
    const page = await browser.newPage();
    const origin = `http://runsheet.test:${port}`;
    await page.goto(`${origin}/login`);
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill(user.password);
    const response = page.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in/email"));
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    expect((await response).status()).toBe(200);
    await expect(page).toHaveURL(`${origin}/projects`);
    await expect(page.getByRole("heading", { level: 1, name: "Migration projects" })).toBeVisible();

    // The browser kept the session: plain cookies (no __Secure- prefix, not Secure) on this origin.
    const cookies = await page.context().cookies(origin);
    const session = cookies.find((c) => c.name.endsWith("better-auth.session_token"));
    expect(session).toMatchObject({ name: "better-auth.session_token", secure: false, httpOnly: true, sameSite: "Lax" });
    // A reload stays signed in, and the server holds a session for this user.
    await page.reload();
    await expect(page).toHaveURL(`${origin}/projects`);
    expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id) as { n: number }).n).toBeGreaterThan(0);
  } finally {
    await browser.close();
  }
});
