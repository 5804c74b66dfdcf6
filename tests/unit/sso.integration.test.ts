/**
 * Single sign-on against a real OpenID Provider (oidc-provider on loopback, tests/support), driven
 * through our own /api/auth route handler in-process: the same code the browser reaches, with the
 * cookies carried by hand. The e2e suite (e2e/sso.spec.ts) does the same through Chromium.
 *
 * This install is "SSO only" with one break-glass account, so it also shows password sign-in
 * refused for everyone else.
 */
import { freePort } from "./helpers/free-port";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIdp, type IdpPerson, type TestIdp } from "../support/oidc-provider";
import { createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

const ORIGIN = "http://runsheet.test:8080";
const CLIENT_ID = "runsheet-unit";
const CLIENT_SECRET = "unit-secret-unit-secret";

let db: TestDatabase;
let idp: TestIdp;
let route: typeof import("@/app/api/auth/[...all]/route");
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  const port = await freePort();
  idp = await startTestIdp({ port, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [`${ORIGIN}/api/auth/callback/oidc`] });
  Object.assign(process.env, {
    RUNSHEET_OIDC_ISSUER: idp.issuer,
    RUNSHEET_OIDC_CLIENT_ID: CLIENT_ID,
    RUNSHEET_OIDC_CLIENT_SECRET: CLIENT_SECRET,
    RUNSHEET_OIDC_NAME: "Test IdP",
    RUNSHEET_OIDC_SCOPES: "openid email profile groups",
    RUNSHEET_OIDC_ROLE_CLAIM: "groups",
    RUNSHEET_OIDC_ADMIN_VALUES: "runsheet-admins",
    RUNSHEET_OIDC_OPERATOR_VALUES: "nbu-operators",
    RUNSHEET_SSO_ONLY: "1",
    RUNSHEET_SSO_BREAK_GLASS: "ada@example.test",
  });
  db = await openTestDatabase("sso");
  team = await createTeam(db.lib);
  route = await import("@/app/api/auth/[...all]/route");
});
afterAll(async () => {
  await db?.close();
  await idp?.close();
});

/** name=value pairs of a cookie jar, updated from Set-Cookie (an expired cookie is removed). */
class Jar {
  private cookies = new Map<string, string>();
  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const name = pair.slice(0, pair.indexOf("=")).trim();
      const value = pair.slice(pair.indexOf("=") + 1).trim();
      if (!value || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
  has(fragment: string) {
    return [...this.cookies.keys()].some((name) => name.includes(fragment));
  }
}

/** A request to our route as a browser at ORIGIN makes it, though Next.js hands the handler a localhost URL. */
async function app(method: "GET" | "POST", pathAndQuery: string, jar: Jar, body?: unknown): Promise<Response> {
  const request = new Request(`http://localhost:3000${pathAndQuery}`, {
    method,
    headers: { host: new URL(ORIGIN).host, origin: ORIGIN, cookie: jar.header(), ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const response = method === "GET" ? await route.GET(request) : await route.POST(request);
  jar.take(response);
  return response;
}

/** Follows the IdP's redirects (with its own cookies) until it sends the browser back to us. */
async function atIdp(url: string, jar: Jar, init?: RequestInit): Promise<{ url: string; html?: string }> {
  let next = url;
  let options: RequestInit | undefined = init;
  for (let hop = 0; hop < 10; hop++) {
    if (next.startsWith(ORIGIN)) return { url: next };
    const response = await fetch(next, { ...options, redirect: "manual", headers: { ...(options?.headers ?? {}), cookie: jar.header() } });
    jar.take(response);
    const location = response.headers.get("location");
    if (!location) return { url: next, html: await response.text() };
    next = new URL(location, next).toString();
    options = undefined;
  }
  throw new Error("too many redirects at the IdP");
}

/** One SSO sign-in as `username`: the sign-in button, the IdP's form, and our callback. Returns where we sent the browser. */
async function signInWithSso(username: string, jars = { app: new Jar(), idp: new Jar() }) {
  const start = await app("POST", "/api/auth/sign-in/social", jars.app, { provider: "oidc", callbackURL: "/projects", newUserCallbackURL: "/projects", errorCallbackURL: "/login" });
  expect(start.status).toBe(200);
  const { url } = (await start.json()) as { url: string };
  let at = await atIdp(url, jars.idp);
  if (at.html) {
    // The IdP's sign-in screen: post the username to the form's action.
    const action = /<form method="post" action="([^"]+\/login)"/.exec(at.html)?.[1];
    expect(action, at.html).toBeTruthy();
    at = await atIdp(new URL(action!, at.url).toString(), jars.idp, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ username }).toString() });
  }
  expect(at.url.startsWith(`${ORIGIN}/api/auth/callback/oidc?`), at.url).toBe(true);
  const callback = await app("GET", at.url.slice(ORIGIN.length), jars.app);
  expect(callback.status).toBe(302);
  return { location: callback.headers.get("location") ?? "", signedIn: jars.app.has("session_token"), jars };
}

let counter = 0;
function person(groups: string[], extra: Partial<IdpPerson> = {}): IdpPerson {
  counter += 1;
  const p: IdpPerson = { username: `sso-unit-${counter}`, email: `sso-unit-${counter}@example.test`, name: `Sam Single ${counter}`, groups, ...extra };
  idp.setPerson(p);
  return p;
}

const userRow = (email: string) => db.lib.prisma.user.findUnique({ where: { email }, include: { accounts: { select: { providerId: true, accountId: true } } } });

describe("the sign-in button's request", () => {
  it("gets the IdP's authorization URL, with the callback on the origin the browser used (not Next's localhost), PKCE and a nonce", async () => {
    const response = await app("POST", "/api/auth/sign-in/social", new Jar(), { provider: "oidc", callbackURL: "/projects", errorCallbackURL: "/login" });
    expect(response.status).toBe(200);
    const url = new URL(((await response.json()) as { url: string }).url);
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${ORIGIN}/api/auth/callback/oidc`,
      response_type: "code",
      code_challenge_method: "S256",
      scope: expect.stringMatching(/\bopenid\b.*\bgroups\b/),
    });
    expect(url.searchParams.get("nonce")).toBeTruthy();
  });

  it("anything beyond that request is refused: an ID token handed in directly, other providers, extra scopes", async () => {
    for (const body of [
      { provider: "oidc", idToken: { token: "eyJhbGciOiJub25lIn0.e30." } },
      { provider: "github", callbackURL: "/projects" },
      { provider: "oidc", scopes: ["offline_access"] },
      { provider: "oidc", callbackURL: "https://evil.example/steal" },
      { provider: "oidc", callbackURL: "/projects", errorCallbackURL: "//evil.example/login" },
    ]) {
      const response = await app("POST", "/api/auth/sign-in/social", new Jar(), body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    // Other providers' callbacks, and the generic plugin's old endpoints, don't exist.
    expect((await app("GET", "/api/auth/callback/github?code=x&state=y", new Jar())).status).toBe(404);
    expect((await app("POST", "/api/auth/sign-in/oauth2", new Jar(), { providerId: "oidc" })).status).toBe(404);
  });
});

describe("signing in with the IdP", () => {
  it("creates the user on first sign-in with the role the claim maps to, name and email from the claims", async () => {
    const p = person(["everyone", "runsheet-admins"]);
    const result = await signInWithSso(p.username);
    expect(result).toMatchObject({ location: "/projects", signedIn: true });
    const row = await userRow(p.email);
    expect(row).toMatchObject({ name: p.name, email: p.email, role: "ADMIN", emailVerified: true, deactivatedAt: null });
    expect(row?.accounts).toEqual([{ providerId: "oidc", accountId: p.username }]);
    expect(await db.lib.prisma.session.count({ where: { userId: row!.id } })).toBe(1);
  });

  it("re-maps the role at every sign-in: out of the admin group is an operator next time", async () => {
    const p = person(["runsheet-admins"]);
    await signInWithSso(p.username);
    expect((await userRow(p.email))?.role).toBe("ADMIN");
    idp.setPerson({ ...p, groups: ["nbu-operators"] });
    const again = await signInWithSso(p.username);
    expect(again).toMatchObject({ location: "/projects", signedIn: true });
    const id = (await userRow(p.email))!.id;
    expect((await userRow(p.email))?.role).toBe("OPERATOR");
    // Both sign-ins and the demotion are on the audit chain.
    const events = await db.lib.prisma.auditEvent.findMany({ where: { entityId: id, action: { startsWith: "auth." } }, orderBy: { seq: "asc" }, select: { action: true, before: true, after: true } });
    expect(events.map((e) => e.action)).toEqual(["auth.sign_in", "auth.sso_role_change", "auth.sign_in"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ method: "sso" });
    expect([JSON.parse(events[1].before).role, JSON.parse(events[1].after).role]).toEqual(["ADMIN", "OPERATOR"]);
  });

  it("someone whose claim maps to no role is refused, with the reason, and no user is created", async () => {
    const p = person(["everyone"]);
    const result = await signInWithSso(p.username);
    expect(result.signedIn).toBe(false);
    expect(result.location).toMatch(/^\/login\?error=no_runsheet_role&/);
    expect(await userRow(p.email)).toBeNull();
  });

  it("losing every Runsheet group refuses the next sign-in and ends the person's other sessions", async () => {
    const p = person(["nbu-operators"]);
    await signInWithSso(p.username);
    const row = await userRow(p.email);
    expect(await db.lib.prisma.session.count({ where: { userId: row!.id } })).toBe(1);
    idp.setPerson({ ...p, groups: [] });
    const result = await signInWithSso(p.username);
    expect(result.location).toMatch(/^\/login\?error=no_runsheet_role&/);
    expect(await db.lib.prisma.session.count({ where: { userId: row!.id } })).toBe(0);
    expect((await userRow(p.email))?.role).toBe("OPERATOR");
    expect(await db.lib.prisma.auditEvent.count({ where: { entityId: row!.id, action: "auth.sso_access_removed" } })).toBe(1);
  });

  it("a deactivated user is refused", async () => {
    const p = person(["nbu-operators"]);
    await signInWithSso(p.username);
    await db.lib.prisma.user.update({ where: { email: p.email }, data: { deactivatedAt: new Date() } });
    const result = await signInWithSso(p.username);
    expect(result).toMatchObject({ signedIn: false, location: expect.stringMatching(/^\/login\?error=account_deactivated&/) });
  });

  it("an existing password account is joined when the IdP says the email is verified, and its role follows the claims", async () => {
    const p = person(["runsheet-admins"], { email: "olivia@example.test" });
    const result = await signInWithSso(p.username);
    expect(result).toMatchObject({ location: "/projects", signedIn: true });
    const row = await userRow("olivia@example.test");
    expect(row?.id).toBe(team.operator.id);
    expect(row?.role).toBe("ADMIN");
    expect(row?.accounts.map((a) => a.providerId).sort()).toEqual(["credential", "oidc"]);
  });

  it("an unverified email at the IdP never takes over an existing account", async () => {
    const p = person(["runsheet-admins"], { email: "vera@example.test", emailVerified: false });
    const result = await signInWithSso(p.username);
    expect(result).toMatchObject({ signedIn: false, location: expect.stringMatching(/^\/login\?error=account_not_linked/) });
    const row = await userRow("vera@example.test");
    expect(row).toMatchObject({ id: team.viewer.id, role: "VIEWER" });
    expect(row?.accounts.map((a) => a.providerId)).toEqual(["credential"]);
  });

  it("Cancel at the IdP comes back to the login page with access_denied", async () => {
    const jars = { app: new Jar(), idp: new Jar() };
    const start = await app("POST", "/api/auth/sign-in/social", jars.app, { provider: "oidc", callbackURL: "/projects", errorCallbackURL: "/login" });
    const at = await atIdp(((await start.json()) as { url: string }).url, jars.idp);
    const abort = /<form method="post" action="([^"]+\/abort)"/.exec(at.html ?? "")?.[1];
    const back = await atIdp(new URL(abort!, at.url).toString(), jars.idp, { method: "POST" });
    const callback = await app("GET", back.url.slice(ORIGIN.length), jars.app);
    expect(callback.headers.get("location")).toMatch(/^\/login\?error=access_denied/);
    expect(jars.app.has("session_token")).toBe(false);
  });
});

describe("SSO only", () => {
  it("refuses password sign-in with a clear message, and counts nobody in", async () => {
    const response = await app("POST", "/api/auth/sign-in/email", new Jar(), { email: "otto@example.test", password: "correct horse battery" });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "PASSWORD_SIGN_IN_OFF", message: 'Password sign-in is turned off. Use "Sign in with Test IdP".' });
    expect(response.headers.getSetCookie().some((c) => c.includes("session_token"))).toBe(false);
    expect(await db.lib.prisma.session.count({ where: { userId: team.operator2.id } })).toBe(0);
    // Not a wrong password: the refusal doesn't count towards the sign-in throttle.
    expect(await db.lib.prisma.signInThrottle.count({ where: { key: { startsWith: "account:otto@example.test|" } } })).toBe(0);
  });

  it("the break-glass account may still sign in with its password", async () => {
    const jar = new Jar();
    const response = await app("POST", "/api/auth/sign-in/email", jar, { email: "ADA@example.test", password: "correct horse battery" });
    expect(response.status).toBe(200);
    expect(jar.has("session_token")).toBe(true);
  });
});
