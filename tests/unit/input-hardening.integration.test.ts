/**
 * Issue 12 item 9: what the security test found, through the real route handlers on a real SQLite
 * file. Each test names the finding it covers and checks what the caller gets back and what is (not)
 * in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, TESTS_ON_POSTGRES, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, ORIGIN, signIn, type ApiRoute } from "./helpers/http-routes";

let db: TestDatabase;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
const cookies: Record<"admin" | "operator" | "viewer", string> = { admin: "", operator: "", viewer: "" };
const PASSWORD = "correct horse battery";

const r = (pattern: string) => {
  const found = routes.find((route) => route.pattern === pattern);
  if (!found) throw new Error(`No route ${pattern}`);
  return found;
};
const json = (value: unknown) => JSON.stringify(value);

beforeAll(async () => {
  db = await openTestDatabase("input-hardening");
  routes = await loadApiRoutes();
  team = await createTeam(db.lib);
  cookies.admin = await signIn(routes, { email: "ada@example.test", password: PASSWORD });
  cookies.operator = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
  cookies.viewer = await signIn(routes, { email: "vera@example.test", password: PASSWORD });
}, 60_000);
afterAll(async () => db?.close());

async function firstStep(projectId: string) {
  const plan = await db.lib.projects.getProjectPlan({ projectId });
  return plan.phases[0].steps[0];
}

const validProject = (overrides: Record<string, unknown> = {}) => ({
  name: `Project ${Math.random().toString(36).slice(2, 8)}`,
  sourceHost: "nbu-old.example.test",
  targetHost: "nbu-new.example.test",
  hostnameStrategy: "KEEP",
  timezone: "Europe/Berlin",
  windowStart: "2030-03-02T20:00:00.000Z",
  windowEnd: "2030-03-03T04:00:00.000Z",
  template: "empty",
  ...overrides,
});

describe("body cap", () => {
  it("a signed-out 100 MB POST to /api/setup that says so is refused with 413 without reading a byte", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const response = await callRoute(r("/api/setup"), "POST", {}, { body, headers: { "content-length": String(100 * 1024 * 1024) } });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("too_large");
    // A stream starts by filling its queue once; nothing beyond that was asked for.
    expect(pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it("a chunked body with no Content-Length is read only up to the cap, then refused with 413", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024;
        if (pulled > 100 * 1024 * 1024) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024).fill(32));
      },
    });
    const response = await callRoute(r("/api/setup"), "POST", {}, { body });
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
    expect(await db.lib.prisma.user.count()).toBe(4);
  });

  it("a signed-in admin's oversized JSON is refused too, and an import route takes more than 1 MB", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Cap project", template: "empty" });
    const big = json({ title: "x".repeat(1_100_000) });
    const phase = await callRoute(r("/api/projects/[projectId]/phases"), "POST", { projectId: project.id }, { cookie: cookies.admin, body: big });
    expect(phase.status).toBe(413);
    // 1.1 MB of CSV reaches the import's own checks (a 400 naming the problem, not a 413).
    const csv = `Title,Minutes,Details\nA step,5,${"x".repeat(1_100_000)}\n`;
    const imported = await callRoute(r("/api/projects/[projectId]/import"), "POST", { projectId: project.id }, {
      cookie: cookies.admin,
      body: json({ csv, fileName: "big.csv", options: { mapping: { title: 0, plannedMinutes: 1, details: 2 }, predecessorsBy: "row", durationUnit: "minutes" } }),
    });
    expect(imported.status).toBe(400);
    expect((await imported.json()).error.fieldErrors["rows.1"]).toEqual(['Column "Details": The details is longer than 20000 characters.']);
  });

  it("the sign-in endpoint refuses a large body with 413", async () => {
    const response = await callRoute(r("/api/auth/[...all]"), "POST", { all: "sign-in/email" }, { body: json({ email: "a@example.test", password: "p".repeat(100_000) }) });
    expect(response.status).toBe(413);
  });
});

describe("permission before validation", () => {
  it("a viewer gets 403 without field details for an invalid body, and the step is unchanged", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Viewer project" });
    const step = await firstStep(project.id);
    const response = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: step.id }, { cookie: cookies.viewer, body: json({ plannedMinutes: "lots", bogus: 1 }) });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toEqual({ code: "forbidden", message: "Only admins can edit the plan.", fieldErrors: {} });
    const row = await db.lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } });
    expect(row.plannedMinutes).toBe(step.plannedMinutes);
    expect(row.version).toBe(step.version);
  });

  it("an operator creating a user with a malformed body gets 403; signed out gets 401", async () => {
    const operator = await callRoute(r("/api/users"), "POST", {}, { cookie: cookies.operator, body: "{not json" });
    expect(operator.status).toBe(403);
    const signedOut = await callRoute(r("/api/users"), "POST", {}, { body: "{not json" });
    expect(signedOut.status).toBe(401);
  });
});

describe("no type coercion", () => {
  it("plannedMinutes true, null, [] and \"30\" are refused and the row is unchanged", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Coercion project" });
    const step = await firstStep(project.id);
    for (const plannedMinutes of [true, null, [], "30", 1.5, -1]) {
      const response = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: step.id }, { cookie: cookies.admin, body: json({ plannedMinutes, expectedVersion: step.version }) });
      expect(response.status, JSON.stringify(plannedMinutes)).toBe(400);
      expect((await response.json()).error.fieldErrors.plannedMinutes).toBeDefined();
    }
    const row = await db.lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } });
    expect({ plannedMinutes: row.plannedMinutes, version: row.version }).toEqual({ plannedMinutes: step.plannedMinutes, version: step.version });
    const ok = await callRoute(r("/api/steps/[stepId]"), "PATCH", { stepId: step.id }, { cookie: cookies.admin, body: json({ plannedMinutes: 42, expectedVersion: step.version }) });
    expect(ok.status).toBe(200);
    expect((await db.lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } })).plannedMinutes).toBe(42);
  });

  it("fleet page numbers in the query string are digits only", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Query project", template: "empty" });
    for (const page of ["1e3", "0x10", " 2", "-1", "0"]) {
      const response = await callRoute(r("/api/projects/[projectId]/fleet"), "GET", { projectId: project.id }, { cookie: cookies.viewer, query: `page=${encodeURIComponent(page)}` });
      expect(response.status, page).toBe(400);
    }
    const ok = await callRoute(r("/api/projects/[projectId]/fleet"), "GET", { projectId: project.id }, { cookie: cookies.viewer, query: "page=2&pageSize=10" });
    expect(ok.status).toBe(200);
  });
});

describe("dates", () => {
  it("Feb 30, years 0000, 275760 and 1970, numbers and dates without a zone are refused; nothing is created", async () => {
    const before = await db.lib.prisma.project.count();
    const bad: [string, unknown][] = [
      ["2030-02-30T20:00:00.000Z", "2030-03-03T04:00:00.000Z"],
      ["0000-01-01T00:00:00.000Z", "0000-01-01T06:00:00.000Z"],
      ["+275760-09-12T00:00:00.000Z", "+275760-09-13T00:00:00.000Z"],
      ["275760-09-12T00:00:00.000Z", "275760-09-13T00:00:00.000Z"],
      ["1970-01-01T00:00:00.000Z", "1970-01-01T06:00:00.000Z"],
      ["2101-01-01T00:00:00.000Z", "2101-01-01T06:00:00.000Z"],
      ["2030-13-01T00:00:00.000Z", "2030-13-01T06:00:00.000Z"],
      ["2030-03-02T24:00:00.000Z", "2030-03-03T04:00:00.000Z"],
      ["2030-03-02T20:00:00", "2030-03-03T04:00:00"],
      [1_900_000_000_000, 1_900_000_100_000],
      [true, false],
    ].map(([start, end]) => [String(start), { windowStart: start, windowEnd: end }] as [string, unknown]);
    for (const [label, window] of bad) {
      const response = await callRoute(r("/api/projects"), "POST", {}, { cookie: cookies.admin, body: json(validProject(window as Record<string, unknown>)) });
      expect(response.status, label).toBe(400);
      const body = await response.json();
      expect(Object.keys(body.error.fieldErrors), label).toContain("windowStart");
    }
    const feb30 = await callRoute(r("/api/projects"), "POST", {}, { cookie: cookies.admin, body: json(validProject({ windowStart: "2030-02-30T20:00:00.000Z" })) });
    expect((await feb30.json()).error.fieldErrors.windowStart).toEqual(["2030-02 has no day 30."]);
    expect(await db.lib.prisma.project.count()).toBe(before);
    // A leap day and the edges of the range are real.
    const leap = await callRoute(r("/api/projects"), "POST", {}, { cookie: cookies.admin, body: json(validProject({ windowStart: "2028-02-29T22:00:00+01:00", windowEnd: "2028-03-01T04:00:00+01:00" })) });
    expect(leap.status).toBe(200);
    const stored = await db.lib.prisma.project.findUniqueOrThrow({ where: { id: (await leap.json()).id } });
    expect(stored.windowStart.toISOString()).toBe("2028-02-29T21:00:00.000Z");
  });

  it("an offline tick's own time is held to the same range", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Tick project" });
    const run = await db.lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    const step = await firstStep(project.id);
    const before = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId: step.id } } });
    for (const occurredAt of ["1970-01-01T00:00:00.000Z", "2030-02-30T01:00:00.000Z", 0]) {
      const response = await callRoute(r("/api/runs/[runId]/steps/[stepId]/actions"), "POST", { runId: run.id, stepId: step.id }, { cookie: cookies.operator, body: json({ action: "start", occurredAt }) });
      expect(response.status, String(occurredAt)).toBe(400);
      expect((await response.json()).error.fieldErrors.occurredAt).toBeDefined();
    }
    const after = await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId: step.id } } });
    expect(after).toEqual(before);
  });
});

describe("control and bidirectional characters", () => {
  it("NUL and U+202E are refused in a title and a command with a message; tabs and line breaks stay allowed in commands", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Text project", template: "empty" });
    const phaseResponse = await callRoute(r("/api/projects/[projectId]/phases"), "POST", { projectId: project.id }, { cookie: cookies.admin, body: json({ title: "Phase" }) });
    const phaseId = (await phaseResponse.json()).id as string;
    const step = (fields: Record<string, unknown>) =>
      callRoute(r("/api/projects/[projectId]/steps"), "POST", { projectId: project.id }, { cookie: cookies.admin, body: json({ phaseId, title: "Stop services", plannedMinutes: 5, kind: "TASK", ...fields }) });

    const nul = await step({ title: "Stop\u0000 services" });
    expect(nul.status).toBe(400);
    expect((await nul.json()).error.fieldErrors.title).toEqual(["Title contains a NUL character (U+0000); remove it."]);
    const rlo = await step({ commands: "rm -rf /tmp/\u202Egnp.exe" });
    expect(rlo.status).toBe(400);
    expect((await rlo.json()).error.fieldErrors.commands[0]).toContain("bidirectional control character U+202E");
    const tabInTitle = await step({ title: "Stop\tservices" });
    expect(tabInTitle.status).toBe(400);
    const bell = await step({ details: "ring \u0007" });
    expect(bell.status).toBe(400);
    const c1 = await step({ title: "Stop \u0085services" });
    expect(c1.status).toBe(400);
    expect(await db.lib.prisma.step.count({ where: { phase: { projectId: project.id } } })).toBe(0);

    const fine = await step({ commands: "bpdown -f\n\tbpup -f\r\n", title: "Stop services — NetBackup ✓" });
    expect(fine.status).toBe(200);
    const stored = await db.lib.prisma.step.findUniqueOrThrow({ where: { id: (await fine.json()).id } });
    expect(stored.commands).toBe("bpdown -f\n\tbpup -f");
  });

  it("a name, a note and a template document are checked the same way", async () => {
    const user = await callRoute(r("/api/users"), "POST", {}, { cookie: cookies.admin, body: json({ name: "Eve\u202Enimda", email: "eve@example.test", password: "long enough password", role: "VIEWER" }) });
    expect(user.status).toBe(400);
    expect(await db.lib.prisma.user.count({ where: { email: "eve@example.test" } })).toBe(0);
    const template = await callRoute(r("/api/templates"), "POST", {}, {
      cookie: cookies.admin,
      body: json({ name: "T", document: { format: "runsheet.runbook", version: 1, name: "T", phases: [{ title: "P", steps: [{ key: "1", title: "a\u2066b", plannedMinutes: 1 }] }] } }),
    });
    expect(template.status).toBe(400);
    expect(Object.keys((await template.json()).error.fieldErrors)).toEqual(["document.phases.0.steps.0.title"]);
  });

  it("a CSV step import names the row holding a NUL or an override character and imports nothing", async () => {
    const project = await createProject(db.lib, team.admin, { name: "CSV text project", template: "empty" });
    const csv = "Title,Minutes,Commands\nFirst,5,ok\nSec\u0000ond,5,ok\nThird,5,\"run \u202Eevil\"\n";
    const response = await callRoute(r("/api/projects/[projectId]/import"), "POST", { projectId: project.id }, {
      cookie: cookies.admin,
      body: json({ csv, fileName: "steps.csv", options: { mapping: { title: 0, plannedMinutes: 1, commands: 2 }, predecessorsBy: "row", durationUnit: "minutes" } }),
    });
    expect(response.status).toBe(400);
    const errors = (await response.json()).error.fieldErrors;
    expect(errors["rows.2"]).toEqual([expect.stringContaining("NUL character")]);
    expect(errors["rows.3"]).toEqual([expect.stringContaining("U+202E")]);
    expect(await db.lib.prisma.step.count({ where: { phase: { projectId: project.id } } })).toBe(0);
  });
});

describe("fleet search", () => {
  it("% and _ match literally (no host name holds them), while a plain part of a name still matches", async () => {
    const project = await createProject(db.lib, team.admin, { name: "Fleet search project", template: "empty" });
    const imported = await callRoute(r("/api/projects/[projectId]/fleet/import"), "POST", { projectId: project.id }, {
      cookie: cookies.admin,
      body: json({ text: "hostname,os\nclient-a1.example.test,Linux\nclientxb2.example.test,Linux\nother.example.test,Windows\n", format: "csv" }),
    });
    expect(imported.status).toBe(200);
    const search = async (q: string) => {
      const response = await callRoute(r("/api/projects/[projectId]/fleet"), "GET", { projectId: project.id }, { cookie: cookies.viewer, query: `q=${encodeURIComponent(q)}` });
      expect(response.status).toBe(200);
      const body = await response.json();
      return (body.clients as { hostname: string }[]).map((c) => c.hostname).sort();
    };
    expect(await search("client")).toEqual(["client-a1.example.test", "clientxb2.example.test"]);
    expect(await search("%")).toEqual([]);
    expect(await search("client_")).toEqual([]);
    expect(await search("client%b")).toEqual([]);
    expect(await search("client-")).toEqual(["client-a1.example.test"]);
  });
});

describe("same-origin check", () => {
  const post = (headers: Record<string, string>, origin: string | false) =>
    callRoute(r("/api/projects"), "POST", {}, { cookie: cookies.admin, body: json(validProject()), headers, origin });

  it("refuses a missing Origin, another host, another scheme and an untrusted X-Forwarded-Host; nothing is created", async () => {
    const before = await db.lib.prisma.project.count();
    const refused: [string, Response][] = [
      ["no Origin", await post({}, false)],
      ["no Origin, cross-site fetch", await post({ "sec-fetch-site": "cross-site" }, false)],
      ["another host", await post({}, "http://evil.test")],
      ["https instead of http", await post({}, "https://runsheet.test")],
      ["Origin null", await post({}, "null")],
      ["forged X-Forwarded-Host", await post({ "x-forwarded-host": "evil.test" }, "http://evil.test")],
    ];
    for (const [label, response] of refused) {
      expect(response.status, label).toBe(403);
      expect((await response.json()).error.code, label).toBe("forbidden");
    }
    expect(await db.lib.prisma.project.count()).toBe(before);
  });

  it("accepts the request's own origin, and Sec-Fetch-Site: same-origin from a browser that sent no Origin", async () => {
    expect((await post({}, ORIGIN)).status).toBe(200);
    expect((await post({ "sec-fetch-site": "same-origin" }, false)).status).toBe(200);
  });

  it("X-Forwarded-Host and -Proto count from a trusted proxy", async () => {
    const previous = process.env.RUNSHEET_TRUSTED_PROXIES;
    process.env.RUNSHEET_TRUSTED_PROXIES = "10.0.0.0/8";
    try {
      const viaProxy = { "x-runsheet-peer-address": "10.0.0.9", "x-runsheet-peer-protocol": "http", "x-forwarded-host": "runsheet.corp", "x-forwarded-proto": "https" };
      expect((await post(viaProxy, "https://runsheet.corp")).status).toBe(200);
      expect((await post(viaProxy, "http://runsheet.corp")).status).toBe(403);
      const notProxy = { ...viaProxy, "x-runsheet-peer-address": "192.0.2.7" };
      expect((await post(notProxy, "https://runsheet.corp")).status).toBe(403);
    } finally {
      if (previous === undefined) delete process.env.RUNSHEET_TRUSTED_PROXIES;
      else process.env.RUNSHEET_TRUSTED_PROXIES = previous;
    }
  });
});

// SQLite installations from before the range was enforced; PostgreSQL support came after it, and its
// timestamps can't hold year 0 at all.
describe.skipIf(TESTS_ON_POSTGRES)("dates stored before the range was enforced", () => {
  it("the JSON, CSV and PDF exports and the dashboard still answer for a window in year 275760 or year 0", { timeout: 120_000 }, async () => {
    const project = await createProject(db.lib, team.admin, { name: "Legacy dates project" });
    const run = await db.lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    const { getRunDashboard } = await import("@/lib/dashboard/queries");
    const MAX = 8.64e15;
    for (const [start, end] of [
      [new Date(MAX - 2 * 86_400_000), new Date(MAX - 86_400_000)],
      [new Date("0000-01-01T00:00:00.000Z"), new Date("0000-01-01T01:00:00.000Z")],
    ]) {
      await db.lib.prisma.project.update({ where: { id: project.id }, data: { windowStart: start, windowEnd: end } });
      for (const kind of ["json", "csv", "pdf"]) {
        const response = await callRoute(r(`/api/runs/[runId]/export/${kind}`), "GET", { runId: run.id }, { cookie: cookies.viewer });
        expect(response.status, `${kind} with a window starting ${start.toISOString()}`).toBe(200);
      }
      await expect(getRunDashboard({ runId: run.id })).resolves.toBeDefined();
    }
  });
});
