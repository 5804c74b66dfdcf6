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
import { buildRouteWorld, SAMPLE_PASSWORD, validBodies } from "./helpers/route-samples";

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
  const { lib } = db;
  const world = await buildRouteWorld(lib);
  const { team, projects, plans, steps, fleetStep, run, clients, template } = world;
  const [projectA, projectB] = projects;
  const make = async (name: string, email: string, role: "OPERATOR" | "VIEWER") => lib.users.createUser({ actor: team.admin, input: { name, email, password: SAMPLE_PASSWORD, role } });
  const nina = await make("Nina Nonmember", "nina@example.test", "VIEWER");
  const carl = await make("Carl Capped", "carl@example.test", "OPERATOR");
  const sam = await make("Sam Spare", "sam@example.test", "VIEWER");
  const dora = await make("Dora Member", "dora@example.test", "VIEWER");
  const members = await import("@/lib/projects/members");
  const add = (projectId: string, userId: string, role: "OPERATOR" | "VIEWER") => members.addProjectMember({ actor: team.admin, projectId, input: { userId, role } });
  await add(projectA.id, team.operator.id, "OPERATOR");
  await add(projectA.id, team.viewer.id, "VIEWER");
  await add(projectA.id, carl.id, "VIEWER");
  await add(projectA.id, dora.id, "VIEWER");
  await add(projectB.id, team.operator2.id, "OPERATOR");

  // What the destructive routes act on, so that they don't take away what the other routes use.
  const phaseToDelete = await lib.plan.addPhase({ actor: team.admin, projectId: projectA.id, input: { title: "Phase to delete", description: "" } });
  const { createStepInput } = await import("@/lib/plan/schemas");
  const stepToDelete = await lib.plan.addStep({ actor: team.admin, projectId: projectA.id, input: createStepInput.parse({ phaseId: plans[0].phases[0].id, title: "Step to delete", plannedMinutes: 5, kind: "TASK" }) });
  const { createTemplate } = await import("@/lib/templates/service");
  const { runbookDocumentSchema } = await import("@/lib/templates/runbook-document");
  const small = runbookDocumentSchema.parse({ format: "runsheet.runbook", version: 1, name: "Small", phases: [{ title: "P", steps: [{ key: "1", title: "S", plannedMinutes: 5 }] }] });
  const templateToDelete = await createTemplate({ actor: team.admin, input: { name: "Template to delete", description: "", document: small } });
  const runToAbort = await lib.runs.startRun({ actor: team.admin, projectId: projectA.id, input: { kind: "REHEARSAL", name: "To abort" } });
  const runToEnd = await lib.runs.startRun({ actor: team.admin, projectId: projectA.id, input: { kind: "REHEARSAL", name: "To end" } });
  const { importFleetClients } = await import("@/lib/fleet/service");
  await importFleetClients({ actor: team.admin, projectId: projectA.id, input: { text: "hostname,os\nfz-spare.example.test,Linux\n", format: "csv", dryRun: false } });
  const spareClient = await lib.prisma.fleetClient.findFirstOrThrow({ where: { hostname: "fz-spare.example.test" }, select: { id: true } });
  // A started step with a file on it: the attachment route's sample, and a step evidence can go on.
  await lib.runs.performStepAction({ actor: team.admin, runId: run.id, stepId: steps[0].id, input: { action: "start", note: "", reason: "" } });
  const evidence = await import("@/lib/runs/evidence");
  const attachment = await evidence.attachEvidence({ actor: team.admin, runId: run.id, stepId: steps[0].id, file: new File(["catalog ok\n"], "catalog.log", { type: "text/plain" }) });
  const gateStep = steps.find((s) => s.kind === "GATE" && s.projectId === projectA.id)!;

  const base: Record<string, string> = {
    projectId: projectA.id,
    runId: run.id,
    stepId: steps[0].id,
    phaseId: plans[0].phases[0].id,
    clientId: clients[0].id,
    userId: sam.id,
    templateId: template.id,
    attachmentId: attachment.id,
    sessionId: "does-not-exist",
    teamId: world.routeTeam.id,
  };
  const overrides: Record<string, Record<string, string>> = {
    "DELETE /api/phases/[phaseId]": { phaseId: phaseToDelete.id },
    "DELETE /api/steps/[stepId]": { stepId: stepToDelete.id },
    "DELETE /api/templates/[templateId]": { templateId: templateToDelete.id },
    "POST /api/runs/[runId]/abort": { runId: runToAbort.id },
    "POST /api/runs/[runId]/end": { runId: runToEnd.id },
    "GET /api/runs/[runId]/fleet/[stepId]": { stepId: fleetStep.id },
    "POST /api/runs/[runId]/fleet/[stepId]": { stepId: fleetStep.id },
    "GET /api/runs/[runId]/fleet/[stepId]/hostnames": { stepId: fleetStep.id },
    "POST /api/runs/[runId]/steps/[stepId]/gate": { stepId: gateStep.id },
    "PATCH /api/projects/[projectId]/members/[userId]": { userId: dora.id },
    "DELETE /api/projects/[projectId]/members/[userId]": { userId: dora.id },
    "POST /api/teams/[teamId]/merge": { teamId: world.teamToMerge.id },
  };
  paramsFor = (key) => ({ ...base, ...(overrides[key] ?? {}) });

  const valid = validBodies(world);
  valid["POST /api/projects/[projectId]/members"] = { userId: sam.id, role: "VIEWER" };
  valid["POST /api/projects/[projectId]/fleet/remove"] = { clientIds: [spareClient.id] };
  const form = new FormData();
  form.set("file", new File(["more output\n"], "more.log", { type: "text/plain" }));
  const multipart = new Response(form);
  const evidenceBody = { body: new Uint8Array(await multipart.arrayBuffer()), headers: { "content-type": multipart.headers.get("content-type")! } };
  bodyFor = (key) => {
    if (key === "POST /api/runs/[runId]/steps/[stepId]/evidence") return evidenceBody;
    if (key === "POST /api/bench/floor") return { body: "{}" };
    if (key.startsWith("GET ") || key.startsWith("DELETE ")) return {};
    if (!(key in valid)) throw new Error(`No sample body for ${key}: add one to tests/unit/helpers/route-samples.ts`);
    return { body: JSON.stringify(valid[key]) };
  };

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

let currentSnapshot: () => { version: number; hash: string };

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
