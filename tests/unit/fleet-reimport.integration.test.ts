/**
 * The fleet import against a real, freshly migrated SQLite file: the dry run reports what would be
 * added, filled in, merged and skipped and writes nothing; a partial import writes exactly the
 * good lines; a re-import fills in empty fields and never overwrites or renames; agentless clients
 * stay out of a run's connectivity and bp.conf steps (and their counts) but not generic ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fleetSample, openFleetWorld, type FleetWorld } from "./helpers/fleet-world";

let world: FleetWorld;
let lib: FleetWorld["lib"];
let admin: FleetWorld["admin"];
const sample = fleetSample;
const newProject = () => world.newProject();
const importText: FleetWorld["importText"] = (projectId, text, extra) => world.importText(projectId, text, extra);

/** Everything the import could have written: clients, run rows and audit events. */
async function snapshot(projectId: string) {
  const [clients, runRows, audit] = await Promise.all([
    lib.db.prisma.fleetClient.findMany({ where: { projectId }, orderBy: { hostname: "asc" }, select: { hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true, updatedAt: true } }),
    lib.db.prisma.fleetClientRun.count({ where: { run: { projectId } } }),
    lib.db.prisma.auditEvent.count({ where: { projectId } }),
  ]);
  return { clients, runRows, audit };
}

const clientsOf = (projectId: string) =>
  lib.db.prisma.fleetClient.findMany({ where: { projectId }, orderBy: { hostname: "asc" }, select: { hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true } });

beforeAll(async () => {
  world = await openFleetWorld("fleet-reimport");
  ({ lib, admin } = world);
}, 60_000);

afterAll(async () => world?.close());

describe("dry run", () => {
  it("reports what would be added, filled in, merged and skipped, and writes nothing", async () => {
    const projectId = await newProject();
    await importText(projectId, "hostname,os,policy\nsql_prod01,,OS_Std\nfiler01,NDMP,\n");
    const before = await snapshot(projectId);
    const result = await importText(projectId, sample("clients-vm-display-names.csv"), { dryRun: true, skipInvalid: true });
    expect(result).toMatchObject({ dryRun: true, imported: 0, added: 2, updated: 2, unchanged: 0, errorCount: 3, skipped: 3, mergedRows: 1, importable: 4 });
    expect(result.addedClients.map((c) => [c.hostname, c.networkHostname, c.osFamily])).toEqual([
      ["SQL Server 2019 (prod)", "sqlprod19.corp.example", "AGENTLESS"],
      ["Payroll app (legacy)", "payroll01", "UNKNOWN"],
    ]);
    expect(result.updatedClients).toEqual([
      { hostname: "sql_prod01", line: 5, filled: ["OS Windows2019", "hardware PC-x64", "owner dba@example.com", "policy + SQL_Daily"] },
      { hostname: "filer01", line: 7, filled: ["hardware NDMP", "owner storage@example.com", "policy + NDMP_Vol"] },
    ]);
    expect(result.merged).toEqual([{ hostname: "SQL Server 2019 (prod)", lines: [2, 3], policies: ["VM_Gold", "VM_Weekly"] }]);
    expect(result.errors.map((e) => e.line)).toEqual([6, 8, 9]);
    expect(result.osFamilies).toEqual({ UNIX: 0, WINDOWS: 1, AGENTLESS: 2, UNKNOWN: 1 });
    expect(await snapshot(projectId)).toEqual(before);
  });
});

describe("partial import", () => {
  it("writes exactly the valid rows, reports the skipped ones by line, and records them in one audit event", async () => {
    const projectId = await newProject();
    const result = await importText(projectId, sample("clients-vm-display-names.csv"), { skipInvalid: true });
    expect(result).toMatchObject({ imported: 4, added: 4, updated: 0, skipped: 3 });
    expect(await clientsOf(projectId)).toEqual([
      { hostname: "Payroll app (legacy)", networkHostname: "payroll01", os: "", hardware: "", policy: "APP_Daily", owner: "hr-it@example.com" },
      { hostname: "SQL Server 2019 (prod)", networkHostname: "sqlprod19.corp.example", os: "Virtual_Machine", hardware: "VMware", policy: "VM_Gold, VM_Weekly", owner: "dba@example.com" },
      { hostname: "filer01", networkHostname: "", os: "NDMP", hardware: "NDMP", policy: "NDMP_Vol", owner: "storage@example.com" },
      { hostname: "sql_prod01", networkHostname: "", os: "Windows2019", hardware: "PC-x64", policy: "SQL_Daily", owner: "dba@example.com" },
    ]);
    const events = await lib.db.prisma.auditEvent.findMany({ where: { projectId, action: "fleet.import" } });
    expect(events).toHaveLength(1);
    const after = JSON.parse(events[0].after!) as { added: number; updated: number; skipped: number; skippedLines: string[] };
    expect(after).toMatchObject({ added: 4, updated: 0, skipped: 3 });
    expect(after.skippedLines[0]).toMatch(/^Line 6: /);
  });

  it("without skipInvalid the same list writes nothing", async () => {
    const projectId = await newProject();
    await expect(importText(projectId, sample("clients-vm-display-names.csv"))).rejects.toMatchObject({ status: 400, message: "Nothing was imported: 3 lines have problems (lines 6, 8, 9)." });
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);
  });
});

describe("re-import", () => {
  it("adds new clients, fills in empty fields, never overwrites, and counts both in the audit event", async () => {
    const projectId = await newProject();
    await importText(projectId, sample("bpplclients-allunique.txt"));
    const csv = ["hostname,os,hardware,policy,owner", "acct-db01,Solaris11,Solaris,ACCT_DB_Daily,dba@example.com", "web-fe01,,,WEB_Daily,web@example.com", "new-host01,RedHat9,Linux,OS_Std,"].join("\n");
    const result = await importText(projectId, csv);
    expect(result).toMatchObject({ added: 1, imported: 1, updated: 2, conflictCount: 1 });
    expect(result.conflicts).toEqual([expect.objectContaining({ hostname: "acct-db01", field: "os", kept: "Solaris9", listed: "Solaris11" })]);
    // Ordered as SQLite compares text: upper case first.
    const clients = await clientsOf(projectId);
    expect(clients.find((c) => c.hostname === "acct-db01")).toMatchObject({ os: "Solaris9", policy: "ACCT_DB_Daily", owner: "dba@example.com" });
    expect(clients.find((c) => c.hostname === "web-fe01")).toMatchObject({ os: "RedHat2.6", policy: "WEB_Daily", owner: "web@example.com" });
    expect(clients.find((c) => c.hostname === "new-host01")).toMatchObject({ os: "RedHat9" });
    const event = await lib.db.prisma.auditEvent.findFirstOrThrow({ where: { projectId, action: "fleet.import" }, orderBy: { seq: "desc" } });
    expect(JSON.parse(event.after!)).toMatchObject({ added: 1, updated: 2, conflicts: 1 });

    // The same list again: nothing left to do, nothing written, no event.
    const events = await lib.db.prisma.auditEvent.count({ where: { projectId } });
    const again = await importText(projectId, csv);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 3 });
    expect(await lib.db.prisma.auditEvent.count({ where: { projectId } })).toBe(events);
  });

  it("never changes the host name of a client ticked in a run; an ended run keeps the facts it recorded", async () => {
    const projectId = await newProject();
    await importText(projectId, "Hardware OS Client\nVMware Virtual_Machine SQL Server 2019 (prod)\nVMware Virtual_Machine Exchange DAG node 2\n");
    const step = await lib.db.prisma.step.findFirstOrThrow({ where: { phase: { projectId }, isFleet: true } });
    await lib.db.prisma.step.update({ where: { id: step.id }, data: { fleetAction: "GENERIC" } });
    const run = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "R1" } });
    const row = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId: run.id, client: { hostname: "SQL Server 2019 (prod)" } } });
    await lib.fleet.updateFleetClients({ actor: admin, runId: run.id, stepId: step.id, input: { status: "UPDATED", reason: "", selection: { kind: "ids", items: [{ id: row.id, version: row.version }] } } });
    await lib.db.prisma.run.update({ where: { id: run.id }, data: { status: "ABORTED", endedAt: new Date() } });

    const result = await importText(projectId, "Client,Host name,Owner\nSQL Server 2019 (prod),sqlprod19,dba@example.com\nExchange DAG node 2,exch02,mail@example.com\n");
    expect(result.conflicts).toEqual([expect.objectContaining({ hostname: "SQL Server 2019 (prod)", field: "networkHostname", reason: "already ticked in a run, so its host name stays as recorded" })]);
    const clients = await clientsOf(projectId);
    expect(clients.map((c) => [c.hostname, c.networkHostname, c.owner])).toEqual([
      ["Exchange DAG node 2", "exch02", "mail@example.com"],
      ["SQL Server 2019 (prod)", "", "dba@example.com"],
    ]);
    // The ended run froze the facts it had before the fill.
    const frozen = await lib.db.prisma.fleetClientRun.findUniqueOrThrow({ where: { id: row.id } });
    expect(frozen).toMatchObject({ hostname: "SQL Server 2019 (prod)", networkHostname: "", owner: "" });
  });
});

describe("agentless clients in runs", () => {
  it("a connectivity or bp.conf step leaves them out of its rows and counts; a generic step keeps them", async () => {
    const projectId = await newProject();
    await importText(projectId, sample("bpplclients-vm-l.txt"));
    const step = await lib.db.prisma.step.findFirstOrThrow({ where: { phase: { projectId }, isFleet: true } });
    expect(step.fleetAction).toBe("CHECK_CONNECTIVITY");
    const run = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "R1" } });
    const view = await lib.fleet.getFleetStepView({ actor: admin, runId: run.id, stepId: step.id, query: { status: "ALL", q: "", page: 1, pageSize: 100 } });
    expect(view.counts.total).toBe(3);
    expect(view.rows.map((r) => [r.hostname, r.osFamily])).toEqual([
      ["acct-db01", "UNIX"],
      ["new-box", "UNKNOWN"],
      ["sql_prod01", "WINDOWS"],
    ]);
    expect(view.agentless).toMatchObject({ count: 3 });
    expect(view.agentless!.clients.map((c) => c.hostname)).toEqual(["SQL Server 2019 (prod)", "filer01", "hv_file01"]);

    // Imported mid-run: the VM joins no connectivity row; the agent client does.
    const more = await importText(projectId, "Hardware OS Client\nVMware Virtual_Machine Payroll VM\nLinux RedHat9 late-box\n");
    expect(more.runRowsCreated).toBe(1);
    expect(await lib.db.prisma.fleetClientRun.count({ where: { runId: run.id, stepId: step.id } })).toBe(4);
    const joined = await lib.db.prisma.fleetClientRun.findMany({ where: { runId: run.id, stepId: step.id, client: { hostname: { in: ["late-box", "Payroll VM"] } } }, include: { client: true } });
    expect(joined.map((r) => [r.client.hostname, r.client.os, r.status, r.version])).toEqual([["late-box", "RedHat9", "PENDING", 1]]);
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId, hostname: "Payroll VM", hardware: "VMware" } })).toBe(1);

    // A fill that makes an untouched client agentless takes it out of the step.
    await importText(projectId, "hostname,hardware\nnew-box,VMware\n");
    expect(await lib.db.prisma.fleetClientRun.count({ where: { runId: run.id, stepId: step.id, client: { hostname: "new-box" } } })).toBe(0);

    // Generic fleet steps include every client.
    await lib.db.prisma.run.update({ where: { id: run.id }, data: { status: "ABORTED", endedAt: new Date() } });
    await lib.db.prisma.step.update({ where: { id: step.id }, data: { fleetAction: "GENERIC" } });
    const generic = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "R2" } });
    expect(await lib.db.prisma.fleetClientRun.count({ where: { runId: generic.id, stepId: step.id } })).toBe(8);
    const genericView = await lib.fleet.getFleetStepView({ actor: admin, runId: generic.id, stepId: step.id, query: { status: "ALL", q: "", page: 1, pageSize: 100 } });
    expect(genericView.agentless).toBeNull();
  });

  it("search finds a VM by its display name or its host name", async () => {
    const projectId = await newProject();
    await importText(projectId, sample("clients-vm-display-names.csv"), { skipInvalid: true });
    const search = async (q: string) => (await lib.fleet.listFleetClients({ actor: admin, projectId, query: { q, page: 1, pageSize: 100 } })).clients.map((c) => c.hostname);
    expect(await search("server 2019")).toEqual(["SQL Server 2019 (prod)"]);
    expect(await search("sqlprod19")).toEqual(["SQL Server 2019 (prod)"]);
    expect(await search("payroll01")).toEqual(["Payroll app (legacy)"]);
  });
});
