/**
 * The API description's answers are true (issue 15 item 2): every route under app/api is called
 * in-process on a real SQLite file, as an admin with the sample bodies of
 * tests/unit/helpers/route-samples.ts, and each 2xx JSON answer must parse with the zod schema
 * the route declares as its `response`, with no field the schema doesn't name (the published
 * JSON Schema says additionalProperties: false). A route that declares a content type instead
 * must answer with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createProject } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute, type Method } from "./helpers/http-routes";
import { buildMatrixWorld, type MatrixBody } from "./helpers/route-matrix-world";
import { SAMPLE_PASSWORD } from "./helpers/route-samples";

const METHODS: Method[] = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/** Routes whose answer this test doesn't check, each with why. */
const NOT_CALLED: Record<string, string> = {
  "GET /api/auth/[...all]": "The auth library's own endpoints, described by hand.",
  "POST /api/auth/[...all]": "The auth library's own endpoints, described by hand.",
  "GET /api/bench/floor": "Benchmark only; 404 without RUNSHEET_BENCH=1.",
  "POST /api/bench/floor": "Benchmark only; 404 without RUNSHEET_BENCH=1.",
  "GET /api/projects/[projectId]/events": "An event stream that stays open; its answer is not described yet.",
  "GET /api/runs/[runId]/export/pdf": "A PDF being reworked elsewhere; its answer is not described yet.",
  "POST /api/setup": "First-run only: refused (409) once any user exists, as in every world with routes to call.",
};

/**
 * Calls whose sample meets the world in a state that refuses it: the answer's shape can't be
 * checked from this world, only its type (the compiler) and the description.
 */
const MAY_REFUSE: Record<string, string> = {
  "POST /api/runs/[runId]/steps/[stepId]/gate": "The world's gates wait for predecessors no earlier call finishes (409).",
  "POST /api/projects/[projectId]/recalibrate": "No rehearsal of the world has measured a step (400).",
  "POST /api/approve/[token]": "Needs a gate that is ready and a link mailed for it; tests/unit/notifications.integration.test.ts decides one through this route.",
};

/** The JSON as the schema reads it: parsing strips fields the schema doesn't name, so a difference is an undeclared (or mistyped) field. */
function checkAgainst(schema: z.ZodType, json: unknown): string | null {
  const parsed = schema.safeParse(json);
  if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
  try {
    expect(parsed.data).toStrictEqual(json);
  } catch {
    return `fields the schema doesn't declare: ${JSON.stringify(json).slice(0, 300)}`;
  }
  return null;
}

let db: TestDatabase;
let routes: ApiRoute[];
let adminCookie: string;
let paramsFor: (key: string) => Record<string, string>;
let bodyFor: (key: string) => Promise<MatrixBody>;
let routeSpecOf: typeof import("@/lib/platform/http/openapi").routeSpecOf;

beforeAll(async () => {
  db = await openTestDatabase("openapi-responses", { projectVisibility: "members" });
  routes = await loadApiRoutes();
  routeSpecOf = (await import("@/lib/platform/http/openapi")).routeSpecOf;
  const built = await buildMatrixWorld(db);
  const admin = built.world.team.admin;
  adminCookie = await signIn(routes, { email: "ada@example.test", password: SAMPLE_PASSWORD });
  // A second session of the admin's, a token and a reset link: so that the routes that act on one
  // answer 200 here, not 404.
  const otherCookie = await signIn(routes, { email: "ada@example.test", password: SAMPLE_PASSWORD });
  const otherSession = await db.lib.prisma.session.findFirstOrThrow({ where: { userId: admin.id }, orderBy: { createdAt: "desc" }, select: { id: true } });
  expect(otherCookie).not.toBe(adminCookie);
  const { createApiToken } = await import("@/lib/tokens/service");
  const token = await createApiToken({ actor: admin, input: { name: "To revoke", scope: "READ", expiresInDays: 30, projectIds: [], kind: "PERSONAL" } });
  const { createPasswordReset } = await import("@/lib/users/passwords");
  const reset = await createPasswordReset({ actor: admin, userId: built.dora.id });
  // A notification of the admin's own, to acknowledge.
  const notification = await db.lib.prisma.notification.create({
    data: { userId: admin.id, kind: "READY", projectId: built.world.projects[0].id, title: "You're up: step 1", dedupKey: `openapi-responses-${Date.now()}` },
    select: { id: true },
  });
  paramsFor = (key) => ({
    ...built.paramsFor(key),
    ...(key === "DELETE /api/account/sessions/[sessionId]" ? { sessionId: otherSession.id } : {}),
    ...(key === "DELETE /api/tokens/[tokenId]" ? { tokenId: token.token.id } : {}),
    ...(key === "POST /api/notifications/[notificationId]/acknowledge" ? { notificationId: notification.id } : {}),
  });
  // A demo to remove: a project of its own, flagged as the demo's (seeding the real demo needs an empty installation).
  const demoProject = await createProject(db.lib, admin, { name: "Demo to remove" });
  await db.lib.prisma.project.update({ where: { id: demoProject.id }, data: { isDemo: true } });
  // The samples name versions as a fresh world has them; earlier calls of this test move them on,
  // so these bodies are made at call time from what the database holds then.
  const { world } = built;
  const [projectA] = world.projects;
  const stepVersion = async (stepId: string) => (await db.lib.prisma.step.findUniqueOrThrow({ where: { id: stepId }, select: { version: true } })).version;
  const planVersion = async () => (await db.lib.prisma.planVersion.findFirstOrThrow({ where: { projectId: projectA.id }, orderBy: { version: "desc" }, select: { version: true } })).version;
  const dynamic: Record<string, () => Promise<unknown>> = {
    "POST /api/password-reset": async () => ({ token: reset.token, newPassword: "tape-vault-orange-kettle" }),
    // The world has started this step: the call signs it off (and the undo after it takes that back).
    "POST /api/runs/[runId]/steps/[stepId]/actions": async () => ({ action: "done", occurredAt: new Date().toISOString() }),
    "PATCH /api/steps/[stepId]": async () => ({ plannedMinutes: 10, title: "Renamed step", expectedVersion: await stepVersion(world.steps[0].id) }),
    "POST /api/projects/[projectId]/steps/bulk": async () => ({
      steps: await Promise.all([world.steps[0].id, world.steps[1].id].map(async (id) => ({ id, version: await stepVersion(id) }))),
      change: { kind: "team", team: "BA" },
    }),
    // The step the world added without predecessors, moved to the front of its phase (no circle).
    "POST /api/projects/[projectId]/steps/reorder": async () => {
      const stepId = built.paramsFor("DELETE /api/steps/[stepId]").stepId;
      return { steps: [{ id: stepId, version: await stepVersion(stepId) }], phaseId: world.plans[0].phases[0].id, beforeStepId: world.steps[0].id };
    },
    // Undo takes back the admin's own last step edit: one made just before.
    "POST /api/projects/[projectId]/plan/undo": async () => {
      await db.lib.plan.updateStep({ actor: admin, stepId: world.steps[2].id, input: { title: "Edited to undo" } });
      return { version: await planVersion() };
    },
    "POST /api/runs/[runId]/plan": async () => ({ reason: "Changes", expectedPlanVersion: await planVersion() }),
  };
  bodyFor = async (key) => (dynamic[key] ? { body: JSON.stringify(await dynamic[key]()) } : built.bodyFor(key));
}, 60_000);

afterAll(async () => db?.close());

describe("the declared answers", () => {
  it("every 2xx answer of every route matches the response it declares", { timeout: 120_000 }, async () => {
    const keys = routes.flatMap((route) => METHODS.filter((m) => route.methods[m]).map((method) => ({ route, method, key: `${method} ${route.pattern}` })));
    // Changing the admin's password signs out their other sessions: last, after the routes that use one.
    const ordered = [...keys.filter((k) => k.key !== "POST /api/account/password"), ...keys.filter((k) => k.key === "POST /api/account/password")];
    const problems: string[] = [];
    const checked: string[] = [];
    const refused: string[] = [];
    for (const { route, method, key } of ordered) {
      if (NOT_CALLED[key]) continue;
      const spec = routeSpecOf(route.methods[method]);
      if (!spec) {
        problems.push(`${key}: not built by route() or publicRoute()`);
        continue;
      }
      const response = await callRoute(route, method, paramsFor(key), { cookie: adminCookie, ...(await bodyFor(key)) });
      const contentType = response.headers.get("content-type") ?? "";
      if (response.status < 200 || response.status >= 300) {
        const text = await response.text();
        if (MAY_REFUSE[key]) refused.push(key);
        else problems.push(`${key}: answered ${response.status} ${text.slice(0, 200)}`);
        continue;
      }
      if (spec.response) {
        expect(contentType, key).toMatch(/^application\/json/);
        const problem = checkAgainst(spec.response, await response.json());
        if (problem) problems.push(`${key}: ${problem}`);
      } else if (spec.responseContentType) {
        await response.arrayBuffer();
        if (spec.responseContentType !== "*/*" && !contentType.startsWith(spec.responseContentType)) problems.push(`${key}: declared ${spec.responseContentType}, answered ${contentType}`);
      } else {
        await response.body?.cancel();
        problems.push(`${key}: declares neither a response schema nor a content type`);
      }
      checked.push(key);
    }
    expect(problems).toEqual([]);
    // Nearly every route is reached; the few that aren't are named above with why.
    expect(checked.length).toBeGreaterThanOrEqual(keys.length - Object.keys(NOT_CALLED).length - Object.keys(MAY_REFUSE).length);
    expect(checked.length).toBeGreaterThanOrEqual(55);
  });

  it("a schema check fails for an answer with a field the schema doesn't declare, or a wrong type", async () => {
    const { stepStatusResult } = await import("@/lib/runs/schemas");
    expect(checkAgainst(stepStatusResult, { status: "DONE", version: 2 })).toBeNull();
    expect(checkAgainst(stepStatusResult, { status: "DONE", version: 2, secret: "x" })).toMatch(/doesn't declare/);
    expect(checkAgainst(stepStatusResult, { status: "DONE", version: "2" })).toMatch(/version/);
  });
});
