/**
 * API tokens (issue "Integrations" item 1): every route under app/api called with
 * `Authorization: Bearer` as each kind of token, on the world of the authorization matrix
 * (tests/unit/helpers/route-matrix-world.ts). A token acts exactly as a session of its owner with
 * the role its scope allows, so each token's expected answer is a row of the session matrix
 * (tests/unit/helpers/route-registry.ts):
 *
 *   readAdmin / readOperator   read scope: the viewer member's row (an admin's read token too)
 *   operateOperator            the operator member's row
 *   operateAdmin               an admin's operate token: the operator member's row
 *   limitedOperator            an operator's token limited to project B: the row of an operator
 *                              who can't see project A (404 where the project is looked at)
 *   adminToken                 the admin's row
 *   expired / revoked / unknown / malformed: the signed-out row (401), never the cookies they carry
 *
 * and no token may touch the account behind it (password, sessions, tokens): 403. After any 4xx
 * the database must be as before (a token's last-use columns aside).
 */
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseSnapshotter } from "./helpers/database-snapshot";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute, type Method } from "./helpers/http-routes";
import { ROUTE_ACCESS, type AccessRow, type Expected } from "./helpers/route-registry";
import { buildMatrixWorld, type MatrixBody } from "./helpers/route-matrix-world";
import { SAMPLE_PASSWORD } from "./helpers/route-samples";

const METHODS: Method[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const TOKEN_ACTORS = ["malformed", "unknown", "expired", "revoked", "readAdmin", "readOperator", "limitedOperator", "operateAdmin", "operateOperator", "adminToken"] as const;
type TokenActor = (typeof TOKEN_ACTORS)[number];

/** Which session actor's answer each token must get. */
const SAME_AS: Record<TokenActor, keyof AccessRow> = {
  malformed: "signedOut",
  unknown: "signedOut",
  expired: "signedOut",
  revoked: "signedOut",
  readAdmin: "viewerMember",
  readOperator: "viewerMember",
  limitedOperator: "otherOperator",
  operateAdmin: "operatorMember",
  operateOperator: "operatorMember",
  adminToken: "admin",
};
const SIGNED_OUT_LIKE = new Set<TokenActor>(["malformed", "unknown", "expired", "revoked"]);
/** The account behind a token: its password, sessions and tokens are changed in person only. */
const isAccountRoute = (key: string) => / \/api\/(account|tokens|admin\/tokens)(\/|$)/.test(key);

function expectedFor(key: string, row: AccessRow, actor: TokenActor): Expected {
  if (isAccountRoute(key) && !SIGNED_OUT_LIKE.has(actor)) return 403;
  return row[SAME_AS[actor]];
}

let db: TestDatabase;
let raw: Database.Database;
let routes: ApiRoute[];
let paramsFor: (key: string) => Record<string, string>;
let bodyFor: (key: string) => MatrixBody;
let snapshot: () => { version: number | string; hash: string };
const secrets = {} as Record<TokenActor, string>;
let built: Awaited<ReturnType<typeof buildMatrixWorld>>;
let tokens: typeof import("@/lib/tokens/service");
let adminCookie: string;
let operatorCookie: string;

beforeAll(async () => {
  db = await openTestDatabase("token-matrix", { projectVisibility: "members" });
  raw = db.openRaw();
  snapshot = databaseSnapshotter(raw, { api_token: ["lastUsedAt", "lastUsedAddress"] });
  routes = await loadApiRoutes();
  built = await buildMatrixWorld(db);
  paramsFor = built.paramsFor;
  bodyFor = built.bodyFor;
  const { team, projects } = built.world;
  const members = await import("@/lib/projects/members");
  await members.addProjectMember({ actor: team.admin, projectId: projects[1].id, input: { userId: team.operator.id, role: "OPERATOR" } });
  tokens = await import("@/lib/tokens/service");
  const make = async (actor: typeof team.admin, scope: "READ" | "OPERATE" | "ADMIN", name: string, projectIds: string[] = []) =>
    (await tokens.createApiToken({ actor, input: { name, scope, projectIds, expiresInDays: 30, kind: "PERSONAL" } })).secret;
  secrets.readAdmin = await make(team.admin, "READ", "ada-read");
  secrets.readOperator = await make(team.operator, "READ", "olivia-read");
  secrets.limitedOperator = await make(team.operator, "OPERATE", "olivia-project-b", [projects[1].id]);
  secrets.operateAdmin = await make(team.admin, "OPERATE", "ada-operate");
  secrets.operateOperator = await make(team.operator, "OPERATE", "backup-scripts");
  secrets.adminToken = await make(team.admin, "ADMIN", "ada-admin");
  secrets.expired = await make(team.admin, "ADMIN", "ada-expired");
  secrets.revoked = await make(team.admin, "ADMIN", "ada-revoked");
  secrets.unknown = "rs_live_" + "A".repeat(43);
  secrets.malformed = "not-a-token";
  const expired = await db.lib.prisma.apiToken.findFirstOrThrow({ where: { name: "ada-expired" } });
  await db.lib.prisma.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  const revoked = await db.lib.prisma.apiToken.findFirstOrThrow({ where: { name: "ada-revoked" } });
  await tokens.revokeApiToken({ actor: team.admin, tokenId: revoked.id });
  adminCookie = await signIn(routes, { email: "ada@example.test", password: SAMPLE_PASSWORD });
  operatorCookie = await signIn(routes, { email: "olivia@example.test", password: SAMPLE_PASSWORD });
}, 60_000);

afterAll(async () => {
  raw?.close();
  await db?.close();
});

const allowed = (status: number) => (status >= 200 && status < 300) || status === 409;
const matches = (expected: Expected, status: number) => (expected === "ok" ? allowed(status) : status === expected);
const bearer = (actor: TokenActor) => ({ authorization: `Bearer ${secrets[actor]}` });

async function call(key: string, options: { headers?: Record<string, string>; cookie?: string; origin?: string | false; body?: MatrixBody } = {}) {
  const [method, pattern] = key.split(" ") as [Method, string];
  const route = routes.find((r) => r.pattern === pattern)!;
  const sample = options.body ?? bodyFor(key);
  const controller = new AbortController();
  const response = await callRoute(route, method, paramsFor(key), { ...sample, headers: { ...(sample.headers ?? {}), ...(options.headers ?? {}) }, cookie: options.cookie, origin: options.origin, signal: controller.signal });
  let text = "";
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    controller.abort();
    await response.body?.cancel().catch(() => undefined);
  } else text = await response.text();
  return { status: response.status, text, headers: response.headers };
}

describe("API tokens across every route", () => {
  it("each scope gets exactly what a session with that role gets, no token touches its account, and a refused call changes nothing", { timeout: 180_000 }, async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of routes) {
      for (const method of METHODS) {
        if (!route.methods[method]) continue;
        const key = `${method} ${route.pattern}`;
        const entry = ROUTE_ACCESS[key];
        if (!entry || "skip" in entry) continue;
        for (const actor of TOKEN_ACTORS) {
          const before = snapshot();
          // Cookies of an admin ride along on every call: a bearer request must never fall back to them.
          const { status, text } = await call(key, { headers: bearer(actor), cookie: adminCookie });
          calls++;
          const expected = expectedFor(key, entry.expect, actor);
          if (!matches(expected, status)) mismatches.push(`${key} as ${actor}: expected ${expected}, got ${status} ${text.slice(0, 200)}`);
          if (status >= 400 && snapshot().hash !== before.hash) mismatches.push(`${key} as ${actor}: answered ${status} but the database changed`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(50 * TOKEN_ACTORS.length);
  });

  it("says why an expired, revoked or unknown token is refused (401)", async () => {
    for (const [actor, message] of [
      ["expired", /has expired/],
      ["revoked", /has been revoked/],
      ["unknown", /isn't valid/],
    ] as const) {
      const { status, text } = await call("GET /api/runs/[runId]/status", { headers: bearer(actor) });
      expect(status).toBe(401);
      expect(JSON.parse(text).error.message).toMatch(message);
    }
    // An empty bearer is a refused token, not a reason to look at the admin's cookies next to it.
    const empty = await call("GET /api/runs/[runId]/status", { headers: { authorization: "Bearer" }, cookie: adminCookie });
    expect(empty.status).toBe(401);
  });

  it("a cross-origin request is refused with cookies and accepted with a bearer token", async () => {
    const key = "POST /api/runs/[runId]/steps/[stepId]/actions";
    const body = { body: JSON.stringify({ action: "done", note: "cross-origin try" }) };
    const withCookie = await call(key, { cookie: operatorCookie, origin: "https://evil.example", body });
    expect(withCookie.status).toBe(403);
    expect(withCookie.text).toMatch(/Cross-site request refused/);
    const withoutOrigin = await call(key, { cookie: operatorCookie, origin: false, body });
    expect(withoutOrigin.status).toBe(403);
    const withToken = await call(key, { headers: bearer("operateOperator"), origin: "https://evil.example", body: { body: JSON.stringify({ action: "done", note: "signed off by a script" }) } });
    expect([200, 409]).toContain(withToken.status);
  });

  it("every change made with a token names it in the audit log, and its use is recorded", async () => {
    const stepId = paramsFor("POST /api/runs/[runId]/steps/[stepId]/actions").stepId;
    const runId = paramsFor("POST /api/runs/[runId]/steps/[stepId]/actions").runId;
    const events = await db.lib.prisma.auditEvent.findMany({ where: { runId, actorName: { contains: "(token: backup-scripts)" } }, select: { action: true, actorName: true, actorId: true } });
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.actorId === built.world.team.operator.id)).toBe(true);
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["evidence.attach"]));
    const stepRun = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId } }, select: { status: true } });
    expect(["DONE", "IN_PROGRESS"]).toContain(stepRun.status);
    const row = await db.lib.prisma.apiToken.findFirstOrThrow({ where: { name: "backup-scripts" } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.secretHash).not.toContain(secrets.operateOperator.slice(8));
    const creates = await db.lib.prisma.auditEvent.findMany({ where: { action: "token.create", entityId: row.id } });
    expect(creates).toHaveLength(1);
    expect(creates[0].after).not.toContain(secrets.operateOperator);
    expect(await db.lib.prisma.auditEvent.count({ where: { action: "token.revoke" } })).toBe(1);
  });

  it("an operator can't make an admin token or limit one to a project they can't see", async () => {
    const { projects } = built.world;
    const admin = await call("POST /api/tokens", { cookie: operatorCookie, body: { body: JSON.stringify({ name: "too much", scope: "ADMIN", expiresInDays: 7 }) } });
    expect(admin.status).toBe(400);
    const nina = await signIn(routes, { email: built.nina.email, password: SAMPLE_PASSWORD });
    const hidden = await call("POST /api/tokens", { cookie: nina, body: { body: JSON.stringify({ name: "sneaky", scope: "READ", projectIds: [projects[0].id], expiresInDays: 7 }) } });
    expect(hidden.status).toBe(400);
    const service = await call("POST /api/tokens", { cookie: operatorCookie, body: { body: JSON.stringify({ name: "svc", scope: "READ", kind: "SERVICE", expiresInDays: 7 }) } });
    expect(service.status).toBe(403);
    expect(await db.lib.prisma.apiToken.count({ where: { name: { in: ["too much", "sneaky", "svc"] } } })).toBe(0);
    // Someone else's token is not there for an operator; an admin may revoke it.
    const own = await db.lib.prisma.apiToken.findFirstOrThrow({ where: { name: "ada-read" } });
    const tokensRoute = routes.find((r) => r.pattern === "/api/tokens/[tokenId]")!;
    const refused = await callRoute(tokensRoute, "DELETE", { tokenId: own.id }, { cookie: operatorCookie });
    expect(refused.status).toBe(404);
    expect((await db.lib.prisma.apiToken.findUniqueOrThrow({ where: { id: own.id } })).revokedAt).toBeNull();
  });

  it("a token over its rate limit gets 429 with Retry-After, and other tokens don't", async () => {
    const previous = process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE;
    process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE = "3";
    try {
      const { secret } = await tokens.createApiToken({ actor: built.world.team.viewer, input: { name: "chatty", scope: "READ", projectIds: [], expiresInDays: 7, kind: "PERSONAL" } });
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 5; i++) {
        const answer = await call("GET /api/runs/[runId]/status", { headers: { authorization: `Bearer ${secret}` } });
        statuses.push(answer.status);
        if (answer.status === 429) retryAfter = answer.headers.get("retry-after");
      }
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // Another token, quiet this minute, is not held back by the chatty one.
      const { secret: quiet } = await tokens.createApiToken({ actor: built.world.team.viewer, input: { name: "quiet", scope: "READ", projectIds: [], expiresInDays: 7, kind: "PERSONAL" } });
      const other = await call("GET /api/runs/[runId]/status", { headers: { authorization: `Bearer ${quiet}` } });
      expect(other.status).toBe(200);
    } finally {
      if (previous === undefined) delete process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE;
      else process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE = previous;
    }
  });
});
