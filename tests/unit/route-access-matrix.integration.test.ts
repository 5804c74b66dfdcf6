/**
 * The authorization matrix (issue 12 item 7): every route under app/api, called in-process on a
 * real SQLite file as each actor of tests/unit/helpers/route-registry.ts, with a valid sample
 * body (tests/unit/helpers/route-samples.ts), while the installation shows projects to their
 * members only. Each answer must be the registry's status, and after any 4xx the database must be
 * exactly as before (a hash of every row of every table). A route without a registry entry fails.
 */
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseSnapshotter } from "./helpers/database-snapshot";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute, type Method } from "./helpers/http-routes";
import { ACTORS, ROUTE_ACCESS, type Expected, type MatrixActor } from "./helpers/route-registry";
import { SAMPLE_PASSWORD } from "./helpers/route-samples";
import { buildMatrixWorld } from "./helpers/route-matrix-world";

const METHODS: Method[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
/** Refusals first, so the allowed calls that change things come after every refused one. */
const CALL_ORDER: MatrixActor[] = ["signedOut", "nonMemberViewer", "otherOperator", "viewerMember", "cappedOperator", "operatorMember", "admin"];

let db: TestDatabase;
let raw: Database.Database;
let routes: ApiRoute[];
const cookies = {} as Record<MatrixActor, string | undefined>;
let paramsFor: (key: string) => Record<string, string>;
let bodyFor: (key: string) => { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> };

beforeAll(async () => {
  db = await openTestDatabase("access-matrix", { projectVisibility: "members" });
  raw = db.openRaw();
  currentSnapshot = databaseSnapshotter(raw);
  routes = await loadApiRoutes();
  const built = await buildMatrixWorld(db);
  paramsFor = built.paramsFor;
  bodyFor = built.bodyFor;
  const { nina } = built;
  const emails: Record<Exclude<MatrixActor, "signedOut">, string> = {
    viewerMember: "vera@example.test",
    operatorMember: "olivia@example.test",
    cappedOperator: "carl@example.test",
    admin: "ada@example.test",
    otherOperator: "otto@example.test",
    nonMemberViewer: nina.email,
  };
  cookies.signedOut = undefined;
  for (const [actor, email] of Object.entries(emails)) cookies[actor as MatrixActor] = await signIn(routes, { email, password: SAMPLE_PASSWORD });
}, 60_000);

afterAll(async () => {
  raw?.close();
  await db?.close();
});

let currentSnapshot: () => { version: number | string; hash: string };

const allowed = (status: number) => (status >= 200 && status < 300) || status === 409;
const matches = (expected: Expected, status: number) => (expected === "ok" ? allowed(status) : status === expected);

describe("the authorization matrix", () => {
  it("lists every route under app/api, and nothing that isn't there", () => {
    const present = routes.flatMap((r) => METHODS.filter((m) => r.methods[m]).map((m) => `${m} ${r.pattern}`)).sort();
    expect(present.length).toBeGreaterThanOrEqual(45);
    expect(present.filter((key) => !(key in ROUTE_ACCESS)), "routes without an entry in tests/unit/helpers/route-registry.ts").toEqual([]);
    expect(Object.keys(ROUTE_ACCESS).filter((key) => !present.includes(key)), "registry entries whose route is gone").toEqual([]);
  });

  it("every route answers every actor as the registry says, and a refused call changes nothing", { timeout: 120_000 }, async () => {
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of routes) {
      for (const method of METHODS) {
        if (!route.methods[method]) continue;
        const key = `${method} ${route.pattern}`;
        const entry = ROUTE_ACCESS[key];
        if (!entry || "skip" in entry) continue;
        for (const actor of CALL_ORDER) {
          const before = currentSnapshot();
          const controller = new AbortController();
          const response = await callRoute(route, method, paramsFor(key), { cookie: cookies[actor], signal: controller.signal, ...bodyFor(key) });
          calls++;
          let text = "";
          if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
            controller.abort();
            await response.body?.cancel().catch(() => undefined);
          } else text = await response.text();
          const expected = entry.expect[actor];
          if (!matches(expected, response.status)) mismatches.push(`${key} as ${actor}: expected ${expected}, got ${response.status} ${text.slice(0, 200)}`);
          if (response.status >= 400 && currentSnapshot().hash !== before.hash) mismatches.push(`${key} as ${actor}: answered ${response.status} but the database changed`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(45 * ACTORS.length);
  });
});
