/**
 * Every auth-library endpoint the product doesn't use is refused before the library sees it, so
 * nobody can rename themselves (names on records are facts) or reach a flow the product never
 * configured. The list comes from the library itself, so an endpoint added by an upgrade is
 * covered without editing this test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let endpoints: { path: string; method: string }[];
let route: typeof import("@/app/api/auth/[...all]/route");
let inUse: ReadonlySet<string>;

beforeAll(async () => {
  db = await openTestDatabase("auth-endpoints");
  const { auth } = await import("@/lib/platform/auth/auth");
  route = await import("@/app/api/auth/[...all]/route");
  inUse = (await import("@/lib/platform/auth/endpoints")).AUTH_PATHS_IN_USE;
  endpoints = Object.values(auth.api as Record<string, { path?: string; options?: { method?: string | string[] } }>)
    .filter((e) => typeof e?.path === "string")
    .map((e) => ({ path: e.path!, method: [e.options?.method ?? "POST"].flat()[0] === "GET" ? "GET" : "POST" }));
});
afterAll(async () => db?.close());

const call = (method: string, path: string, body?: unknown) => {
  const request = new Request(`http://runsheet.test/api/auth${path}`, {
    method,
    headers: { "content-type": "application/json", origin: "http://runsheet.test", host: "runsheet.test" },
    body: method === "GET" ? undefined : JSON.stringify(body ?? {}),
  });
  return method === "GET" ? route.GET(request) : route.POST(request);
};

describe("auth endpoints", () => {
  it("the library still has the endpoints we use, and many we don't", () => {
    const paths = endpoints.map((e) => e.path);
    for (const path of inUse) expect(paths).toContain(path);
    expect(paths).toContain("/update-user");
    expect(endpoints.length).toBeGreaterThan(inUse.size + 10);
  });

  it("every endpoint the product doesn't use answers 404, also with doubled or trailing slashes", async () => {
    const unused = endpoints.filter((e) => !inUse.has(e.path));
    for (const endpoint of unused) {
      for (const path of [endpoint.path, `/${endpoint.path}`, `${endpoint.path}/`]) {
        const response = await call(endpoint.method, path);
        expect(response.status, `${endpoint.method} ${path}`).toBe(404);
      }
    }
  });

  it("update-user can't rename anyone: the user row keeps its name", async () => {
    const team = await createTeam(db.lib);
    const response = await call("POST", "/update-user", { name: "Alex Admin", image: "javascript:alert(1)" });
    expect(response.status).toBe(404);
    const row = await db.lib.prisma.user.findUniqueOrThrow({ where: { id: team.operator.id } });
    expect(row).toMatchObject({ name: team.operator.name, image: null });
  });

  it("the endpoints in use still reach the library", async () => {
    const signOut = await call("POST", "/sign-out");
    expect(signOut.status).not.toBe(404);
    const signIn = await call("POST", "/sign-in/email", { email: "nobody@example.test", password: "wrong-password-1" });
    expect(signIn.status).not.toBe(404);
  });
});

describe("secure cookies follow the request's protocol", () => {
  it("HTTPS (directly or through a trusted proxy) gets Secure cookies; plain HTTP on a LAN doesn't; a forged X-Forwarded-Proto changes nothing", async () => {
    const { authFor } = await import("@/lib/platform/auth/auth");
    const secure = (headers: Record<string, string>, url?: string) => authFor(new Headers(headers), url).options.advanced?.useSecureCookies;
    const fromPeer = (peer: string, extra: Record<string, string> = {}) => ({ "x-runsheet-peer-address": peer, "x-runsheet-peer-protocol": "http", ...extra });
    expect(secure({}, "http://runsheet.corp:3000/api/auth/sign-in/email")).toBe(false);
    expect(secure({}, "https://runsheet.corp/api/auth/sign-in/email")).toBe(true);
    const previous = process.env.RUNSHEET_TRUSTED_PROXIES;
    try {
      delete process.env.RUNSHEET_TRUSTED_PROXIES;
      expect(secure(fromPeer("10.0.0.9", { "x-forwarded-proto": "https" }), "http://10.0.0.5:3000/api/auth/sign-in/email")).toBe(false);
      process.env.RUNSHEET_TRUSTED_PROXIES = "10.0.0.0/24";
      expect(secure(fromPeer("10.0.0.9", { "x-forwarded-proto": "https" }), "http://10.0.0.5:3000/api/auth/sign-in/email")).toBe(true);
      expect(secure(fromPeer("10.0.1.9", { "x-forwarded-proto": "https" }), "http://10.0.0.5:3000/api/auth/sign-in/email")).toBe(false);
      // A page render has no URL: the connection's own headers say it.
      expect(secure(fromPeer("10.0.0.9", { "x-forwarded-proto": "https" }))).toBe(true);
      expect(secure(fromPeer("192.168.1.20"))).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.RUNSHEET_TRUSTED_PROXIES;
      else process.env.RUNSHEET_TRUSTED_PROXIES = previous;
    }
  });
});
