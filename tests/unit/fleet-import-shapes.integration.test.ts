/**
 * The fleet import of real NetBackup client lists on a real, freshly migrated SQLite file: every
 * bpplclients shape imports as it is, repeated clients merge with their policies, names with "_"
 * and "+" are kept, "import the valid rows, skip the rest" writes only the good lines and reports
 * the others, and the client search finds names with "_" literally.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetSample, openFleetWorld, type FleetWorld } from "./helpers/fleet-world";

let world: FleetWorld;
let lib: FleetWorld["lib"];
let admin: FleetWorld["admin"];
const sample = fleetSample;
const newProject = () => world.newProject();
const importText: FleetWorld["importText"] = (projectId, text, extra) => world.importText(projectId, text, extra);

const clientsOf = (projectId: string) =>
  lib.db.prisma.fleetClient.findMany({ where: { projectId }, orderBy: { hostname: "asc" }, select: { hostname: true, hardware: true, os: true, policy: true } });

beforeAll(async () => {
  world = await openFleetWorld("fleet-shapes");
  ({ lib, admin } = world);
}, 60_000);

afterAll(async () => world?.close());

describe("every shape imports as it is", () => {
  it.each([
    ["bpplclients-plain.txt", "bpplclients", 6, 3],
    ["bpplclients-allunique.txt", "bpplclients", 7, 0],
    ["bpplclients-allunique-l.txt", "bpplclients-long", 6, 0],
    ["bpplclients-noheader.txt", "bpplclients", 6, 0],
    ["bpplclients-allunique-crlf.txt", "bpplclients", 4, 0],
    ["client-names.txt", "host-list", 5, 0],
    ["clients-per-policy.csv", "csv", 4, 4],
  ] as const)("%s", async (file, shape, clients, mergedRows) => {
    const projectId = await newProject();
    const preview = await importText(projectId, sample(file), { dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, shape, importable: clients, errorCount: 0, skipped: 0, mergedRows });
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);
    const result = await importText(projectId, sample(file));
    expect(result).toMatchObject({ imported: clients, mergedRows, clientCount: clients });
    const stored = await clientsOf(projectId);
    expect(stored).toHaveLength(clients);
    expect(stored.map((c) => c.hostname)).toEqual(expect.arrayContaining(["acct-db01", "exch+mbx", "sql_prod01"]));
  });

  it("a client once per policy is one client with its policies; the first spelling is kept", async () => {
    const projectId = await newProject();
    const result = await importText(projectId, sample("clients-per-policy.csv"));
    expect(result.mergeNote).toBe("Merged 4 repeated lines into 3 clients, their policies collected.");
    expect(await clientsOf(projectId)).toEqual([
      { hostname: "acct-db01", hardware: "Solaris", os: "Solaris9", policy: "ACCT_DB_Daily, OS_Std" },
      { hostname: "acct-db02", hardware: "Solaris", os: "Solaris10", policy: "ACCT_DB_Daily" },
      { hostname: "exch+mbx", hardware: "PC", os: "Windows2003", policy: "EXCH_Full, OS_Std" },
      { hostname: "sql_prod01", hardware: "PC-x64", os: "Windows2008", policy: "SQL_Daily, SQL_Weekly, OS_Std" },
    ]);
  });

  it("the fleet step of a run shows commands for sql_prod01 (the bp.conf check accepts the name)", async () => {
    const projectId = await newProject();
    await importText(projectId, sample("bpplclients-allunique-l.txt"));
    const run = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "" } });
    const rows = await lib.db.prisma.fleetClientRun.findMany({ where: { runId: run.id }, include: { client: true } });
    expect(rows.map((r) => r.client.hostname)).toEqual(expect.arrayContaining(["sql_prod01", "exch+mbx"]));
  });
});

describe("import the valid rows, skip the rest", () => {
  const text = ["Hardware  OS  Client", "--------  --  ------", "Solaris Solaris9 acct-db01", "PC Windows2003 -bad", "PC-x64 Windows2008 sql_prod01", "Linux RedHat2.6", "PC-x64 Windows2008 SQL_PROD01", "Linux RedHat2.6 web/fe01"].join("\n");

  it("without the option nothing is written and the lines are named", async () => {
    const projectId = await newProject();
    const failure = await importText(projectId, text).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 400, message: "Nothing was imported: 3 lines have problems (lines 4, 6, 8)." });
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);
  });

  it("the dry run says what would be imported, merged and skipped; the import writes exactly that, with one audit event", async () => {
    const projectId = await newProject();
    const preview = await importText(projectId, text, { dryRun: true, skipInvalid: true });
    expect(preview).toMatchObject({ importable: 2, imported: 0, skipped: 3, mergedRows: 1, skipInvalid: true });
    expect(preview.errors.map((e) => [e.line, e.hostname])).toEqual([
      [4, "-bad"],
      [6, null],
      [8, "web/fe01"],
    ]);
    expect(preview.errors[1].message).toBe('Expected hardware, OS and client name separated by spaces; found 2 fields ("Linux RedHat2.6").');
    expect(preview.merged).toEqual([{ hostname: "sql_prod01", lines: [5, 7], policies: [] }]);
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);

    const auditBefore = await lib.db.prisma.auditEvent.count();
    const result = await importText(projectId, text, { skipInvalid: true });
    expect(result).toMatchObject({ imported: 2, skipped: 3, clientCount: 2 });
    expect((await clientsOf(projectId)).map((c) => c.hostname)).toEqual(["acct-db01", "sql_prod01"]);
    const events = await lib.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: auditBefore });
    expect(events.map((e) => e.action)).toEqual(["fleet.import"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ imported: 2, skipped: 3, mergedRows: 1, skippedLines: [expect.stringMatching(/^Line 4: /), expect.stringMatching(/^Line 6: /), expect.stringMatching(/^Line 8: /)] });
  });

  it("re-importing adds the new clients and leaves the ones already there (no errors)", async () => {
    const projectId = await newProject();
    await importText(projectId, sample("bpplclients-noheader.txt"));
    const result = await importText(projectId, sample("bpplclients-allunique.txt"), { skipInvalid: true });
    expect(result.imported).toBe(3);
    expect(result.added).toBe(3);
    expect(result.errors).toEqual([]);
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(9);
  });

  it("with no valid line at all, nothing is written and the error says so", async () => {
    const projectId = await newProject();
    await expect(importText(projectId, "PC Windows2003 -bad\n", { skipInvalid: true })).rejects.toMatchObject({ status: 400, message: "Nothing was imported: 1 line has a problem (line 1)." });
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);
  });
});

describe("searching names with _ and +", () => {
  it("finds them literally: _ is not a wildcard, + is a character, case is ignored; other characters match nothing", async () => {
    const projectId = await newProject();
    await importText(projectId, "sql_prod01\nsql-prod02\nsqlxprod03\nexch+mbx\nexch-mbx\n");
    const search = async (q: string) => (await lib.fleet.listFleetClients({ actor: admin, projectId, query: { q, page: 1, pageSize: 100 } })).clients.map((c) => c.hostname);
    expect(await search("sql_prod")).toEqual(["sql_prod01"]);
    expect(await search("SQL_PROD0")).toEqual(["sql_prod01"]);
    expect(await search("_")).toEqual(["sql_prod01"]);
    expect(await search("sql-prod")).toEqual(["sql-prod02"]);
    expect(await search("exch+")).toEqual(["exch+mbx"]);
    expect(await search("exch")).toEqual(["exch+mbx", "exch-mbx"]);
    expect(await search("%")).toEqual([]);
    expect(await search("sql prod")).toEqual([]);
    const page = await lib.fleet.listFleetClients({ actor: admin, projectId, query: { q: "_", page: 1, pageSize: 100 } });
    expect(page).toMatchObject({ total: 5, matching: 1 });
  });

  it("the fleet step of a run filters the same way, for the view and the clients.txt list", async () => {
    const projectId = await newProject();
    await importText(projectId, "sql_prod01\nsql-prod02\nexch+mbx\n");
    const run = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "" } });
    const stepId = (await lib.db.prisma.step.findFirstOrThrow({ where: { projectId, isFleet: true } })).id;
    const view = await lib.fleet.getFleetStepView({ actor: admin, runId: run.id, stepId, query: { status: "ALL", q: "sql_", page: 1, pageSize: 100 } });
    expect(view.rows.map((r) => r.hostname)).toEqual(["sql_prod01"]);
    expect(await lib.fleet.listFleetStepHostnames({ actor: admin, runId: run.id, stepId, query: { status: "ALL", q: "_prod" } })).toBe("sql_prod01\n");
    expect(await lib.fleet.listFleetStepHostnames({ actor: admin, runId: run.id, stepId, query: { status: "PENDING", q: "+mbx" } })).toBe("exch+mbx\n");
  });
});
