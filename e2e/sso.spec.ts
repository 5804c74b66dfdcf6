import { spawn, type ChildProcess } from "node:child_process";
import type { Page } from "@playwright/test";
import { startTestIdp, type IdpPerson, type TestIdp } from "../tests/support/oidc-provider";
import { BASE_URL, expect, test, uniqueHost } from "./fixtures";

/**
 * Single sign-on against a real OpenID Provider (oidc-provider, tests/support/oidc-provider.ts) on
 * the port playwright.config.ts points the app at. One worker owns that port, so this file's tests
 * run in order in one worker ("default" mode: a failure doesn't skip the rest).
 */
test.describe.configure({ mode: "default" });

const OIDC = JSON.parse(process.env.E2E_OIDC ?? "null") as { issuer: string; port: number; clientId: string; clientSecret: string; name: string; signingKey: Record<string, unknown> } | null;
if (!OIDC) throw new Error("E2E_OIDC is not set; run the suite with `npx playwright test` (playwright.config.ts sets it).");

let idp: TestIdp;

test.beforeAll(async () => {
  idp = await startTestIdp({ port: OIDC.port, clientId: OIDC.clientId, clientSecret: OIDC.clientSecret, signingKey: OIDC.signingKey, redirectUris: [`${BASE_URL}/api/auth/callback/oidc`] });
});
test.afterAll(async () => {
  await idp?.close();
});

/** Someone in the IdP's directory, unique to this test. */
function idpPerson(groups: string[], extra: Partial<IdpPerson> = {}): IdpPerson {
  const username = uniqueHost("sso");
  const person: IdpPerson = { username, email: `${username}@corp.example.test`, name: `Sam ${username.slice(4)}`, groups, ...extra };
  idp.setPerson(person);
  return person;
}

/** The login page's SSO button, then the IdP's own sign-in screen when it shows one (not when the IdP still has a session). */
async function signInWithSso(page: Page, username: string) {
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${OIDC!.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${OIDC!.issuer}/interaction/`));
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByRole("button", { name: "Continue" }).click();
}

const userRow = (db: import("./support/e2e-database").E2eDatabase, email: string) =>
  db.prepare(`SELECT id, name, email, role, deactivatedAt FROM "user" WHERE email = ?`).get(email) as { id: string; name: string; email: string; role: string; deactivatedAt: string | null } | undefined;

test("first SSO sign-in creates the user with the role their group maps to, and shows their name", async ({ page, db }) => {
  const person = idpPerson(["everyone", "runsheet-admins"]);
  await signInWithSso(page, person.username);

  await expect(page).toHaveURL(`${BASE_URL}/projects`);
  await expect(page.getByRole("heading", { level: 1, name: "Migration projects" })).toBeVisible();
  const banner = page.getByRole("banner");
  await expect(banner).toContainText(person.name!);
  await expect(banner).toContainText("Admin");
  await expect(banner.getByRole("link", { name: "Users" })).toBeVisible();

  const row = userRow(db, person.email);
  expect(row).toMatchObject({ name: person.name, email: person.email, role: "ADMIN", deactivatedAt: null });
  expect(db.prepare(`SELECT providerId, accountId FROM account WHERE userId = ?`).all(row!.id)).toEqual([{ providerId: "oidc", accountId: person.username }]);
});

test("the role follows the group at the next sign-in: out of the admins, an operator", async ({ page, db }) => {
  const person = idpPerson(["runsheet-admins"]);
  await signInWithSso(page, person.username);
  await expect(page.getByRole("banner")).toContainText("Admin");
  expect(userRow(db, person.email)?.role).toBe("ADMIN");

  idp.setPerson({ ...person, groups: ["nbu-operators"] });
  // Signed out of Runsheet (the browser's session ends), still signed in at the IdP.
  expect((await page.request.post("/api/auth/sign-out", { data: {}, headers: { origin: BASE_URL } })).status()).toBe(200);
  await page.goto("/login");
  // The IdP still knows the browser, so the button goes there and straight back.
  await page.getByRole("button", { name: `Sign in with ${OIDC.name}` }).click();
  await expect(page).toHaveURL(`${BASE_URL}/projects`);
  const banner = page.getByRole("banner");
  await expect(banner).toContainText("Operator");
  await expect(banner.getByRole("link", { name: "Users" })).toHaveCount(0);
  expect(userRow(db, person.email)?.role).toBe("OPERATOR");
});

test("someone whose groups map to no Runsheet role is refused, with the reason, and no account is made", async ({ page, db }) => {
  const person = idpPerson(["everyone"]);
  await signInWithSso(page, person.username);
  await expect(page).toHaveURL(/\/login\?error=no_runsheet_role/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(`Your ${OIDC.name} account has no Runsheet role. Ask to be added to a Runsheet group, then sign in again.`);
  expect(userRow(db, person.email)).toBeUndefined();
});

test("a deactivated user is refused at SSO sign-in", async ({ page, db, adminApi }) => {
  const person = idpPerson(["nbu-operators"]);
  await signInWithSso(page, person.username);
  await expect(page).toHaveURL(`${BASE_URL}/projects`);
  const row = userRow(db, person.email)!;
  expect((await adminApi.patch(`/api/users/${row.id}`, { active: false })).status).toBe(200);

  await page.reload();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByRole("button", { name: `Sign in with ${OIDC.name}` }).click();
  await expect(page).toHaveURL(/\/login\?error=account_deactivated/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("This account has been deactivated. Ask an admin.");
  expect(userRow(db, person.email)?.deactivatedAt).not.toBeNull();
});

test("Cancel at the IdP comes back to the login page saying so", async ({ page }) => {
  idpPerson(["nbu-operators"]);
  await page.goto("/login");
  await page.getByRole("button", { name: `Sign in with ${OIDC.name}` }).click();
  await expect(page.getByRole("heading", { name: "Test IdP sign-in" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page).toHaveURL(/\/login\?error=access_denied/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(`Sign-in was cancelled or refused at ${OIDC.name}.`);
});

test("with SSO configured but not 'only', the password form is there and works", async ({ page, createUser, db }) => {
  const user = await createUser({ role: "VIEWER" });
  await page.goto("/login");
  await expect(page.getByRole("button", { name: `Sign in with ${OIDC.name}` })).toBeVisible();
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(`${BASE_URL}/projects`);
  await expect(page.getByRole("banner")).toContainText(user.name);
  expect((db.prepare(`SELECT count(*) AS n FROM session WHERE userId = ?`).get(user.id) as { n: number }).n).toBe(1);
});

/**
 * "SSO only" can't be the suite's own server (every other spec signs in with a password), so this
 * part starts a second app server of the same build, with RUNSHEET_SSO_ONLY=1, a break-glass
 * account, and its own empty database, on the port after the IdP's.
 */
test.describe("SSO only", () => {
  const port = OIDC.port + 1;
  const origin = `http://127.0.0.1:${port}`;
  const breakGlass = { name: "Glass Admin", email: `${uniqueHost("glass")}@e2e.runsheet.test`, password: "break-glass-password-1" };
  let server: ChildProcess | undefined;
  let output = "";

  test.beforeAll(async ({ playwright }) => {
    server = spawn(process.execPath, ["lib/platform/server/serve.mjs"], {
      env: {
        ...process.env,
        NEXT_DIST_DIR: ".next-e2e",
        NODE_ENV: "production",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        DATABASE_URL: `file:${process.env.E2E_DATABASE_PATH!.replace(/\.db$/, "-sso-only.db")}`,
        RUNSHEET_SEED: "none",
        RUNSHEET_SIGNIN_RATE_LIMIT: "100000",
        RUNSHEET_OIDC_ISSUER: OIDC.issuer,
        RUNSHEET_OIDC_CLIENT_ID: OIDC.clientId,
        RUNSHEET_OIDC_CLIENT_SECRET: OIDC.clientSecret,
        RUNSHEET_OIDC_NAME: OIDC.name,
        RUNSHEET_OIDC_SCOPES: "openid email profile groups",
        RUNSHEET_OIDC_ADMIN_VALUES: "runsheet-admins",
        RUNSHEET_SSO_ONLY: "1",
        RUNSHEET_SSO_BREAK_GLASS: breakGlass.email,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout?.on("data", (chunk) => (output += String(chunk)));
    server.stderr?.on("data", (chunk) => (output += String(chunk)));
    const api = await playwright.request.newContext({ baseURL: origin, extraHTTPHeaders: { origin } });
    // Up once /setup answers (an empty install).
    await expect
      .poll(async () => (await api.get("/setup", { maxRedirects: 0 }).catch(() => null))?.status() ?? 0, { timeout: 60_000, message: "the SSO-only server answers /setup" })
      .toBe(200);
    // The first-run screen's API makes the break-glass admin.
    expect((await api.post("/api/setup", { data: breakGlass })).status(), output).toBe(200);
    await api.dispose();
  });
  test.afterAll(() => {
    server?.kill("SIGTERM");
  });

  test("the password form is hidden; a break-glass admin still signs in with a password; anyone else is refused", async ({ browser }) => {
    const context = await browser.newContext({ baseURL: origin });
    const page = await context.newPage();
    await page.goto("/login");
    await expect(page.getByRole("button", { name: `Sign in with ${OIDC.name}` })).toBeVisible();
    await expect(page.getByLabel("Password")).toHaveCount(0);

    await page.getByRole("button", { name: "Emergency sign-in with a password" }).click();
    await page.getByLabel("Email").fill(breakGlass.email);
    await page.getByLabel("Password").fill(breakGlass.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).toHaveURL(`${origin}/projects`);
    await expect(page.getByRole("banner")).toContainText(breakGlass.name);

    // An operator account with a password, made by the admin: SSO only refuses its password.
    const operator = { name: "Olga Password", email: `${uniqueHost("olga")}@e2e.runsheet.test`, password: "operator-password-1", role: "OPERATOR" };
    expect((await page.request.post("/api/users", { data: operator, headers: { origin } })).status()).toBe(200);
    const other = await browser.newContext({ baseURL: origin });
    const otherPage = await other.newPage();
    await otherPage.goto("/login");
    await otherPage.getByRole("button", { name: "Emergency sign-in with a password" }).click();
    await otherPage.getByLabel("Email").fill(operator.email);
    await otherPage.getByLabel("Password").fill(operator.password);
    const response = otherPage.waitForResponse((r) => r.url().endsWith("/api/auth/sign-in/email"));
    await otherPage.getByRole("button", { name: "Sign in", exact: true }).click();
    expect((await response).status()).toBe(403);
    await expect(otherPage.getByRole("main").getByRole("alert")).toHaveText(`Password sign-in is turned off. Use "Sign in with ${OIDC.name}".`);
    await expect(otherPage).toHaveURL(/\/login$/);
    expect((await other.cookies()).some((c) => c.name.endsWith("session_token"))).toBe(false);
    await other.close();
    await context.close();
  });
});
