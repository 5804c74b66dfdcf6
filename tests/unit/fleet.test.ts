/**
 * Fleet import and ticking against a real, freshly migrated SQLite file: 2,000 clients imported
 * in one call, 500 ticked in one call, counts and the single audit event checked.
 */
import { fleetUpdateInput, updateFleetClientInput, type FleetStepQuery } from "@/lib/fleet/schemas";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The database is chosen from DATABASE_URL when lib/platform/db/client is first imported, so set it first
// and import the lib modules dynamically below.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-fleet-"));
process.env.DATABASE_URL = `file:${path.join(tmp, "fleet.db")}`;
// lib/platform/db/client keeps its client on globalThis across reloads; make sure it opens *this* file.
delete (globalThis as { runsheetPrisma?: unknown }).runsheetPrisma;

type Lib = {
  db: typeof import("@/lib/platform/db/client");
  fleet: typeof import("@/lib/fleet/service");
  projects: typeof import("@/lib/projects/service");
  runs: typeof import("@/lib/runs/service");
  audit: typeof import("@/lib/audit/service");
};
let lib: Lib;

const admin = { id: "u-admin", name: "Ada Admin", role: "ADMIN" as const };
const operator = { id: "u-operator", name: "Otto Operator", role: "OPERATOR" as const };
const viewer = { id: "u-viewer", name: "Vera Viewer", role: "VIEWER" as const };

let projectId: string;
let runId: string;
let fleetStepId: string;

const hosts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(4, "0")}`);

beforeAll(async () => {
  lib = {
    db: await import("@/lib/platform/db/client"),
    fleet: await import("@/lib/fleet/service"),
    projects: await import("@/lib/projects/service"),
    runs: await import("@/lib/runs/service"),
    audit: await import("@/lib/audit/service"),
  };
  const { prisma } = lib.db;
  // Every project visible to everyone (tests/unit/helpers/db-setup.ts says why); per-project access has its own tests.
  await prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });
  for (const u of [admin, operator, viewer]) await prisma.user.create({ data: { id: u.id, name: u.name, email: `${u.id}@test.local`, role: u.role } });
  const now = Date.now();
  const project = await lib.projects.createProject({
    actor: admin,
    input: {
      name: "Fleet test",
      description: "",
      sourceHost: "nbu-master1",
      targetHost: "nbu-master2",
      product: "NetBackup",
      hostnameStrategy: "RENAME",
      mediaServers: ["nbu-media1"],
      timezone: "Europe/Berlin",
      windowStart: new Date(now - 3_600_000),
      windowEnd: new Date(now + 8 * 3_600_000),
      template: "netbackup-keep-hostname",
    },
  });
  projectId = project.id;
  const fleetStep = await prisma.step.findFirstOrThrow({ where: { projectId, isFleet: true } });
  fleetStepId = fleetStep.id;
  // The run starts before the import: the import must expand into the active run's fleet step.
  runId = (await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "" } })).id;
}, 60_000);

afterAll(async () => {
  await lib?.db.disconnectDatabase();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("import", () => {
  it("only admins may import", async () => {
    await expect(lib.fleet.importFleetClients({ actor: operator, projectId, input: { text: "a-host", format: "auto", dryRun: false } })).rejects.toMatchObject({ status: 403 });
  });

  it("a list with errors imports nothing and names the lines (a repeated client is merged, not an error)", async () => {
    const text = ["hostname,os", "good-01,Linux", "bad/01,Linux", "GOOD-01,Linux", "also bad,Linux"].join("\n");
    const preview = await lib.fleet.importFleetClients({ actor: admin, projectId, input: { text, format: "auto", dryRun: true } });
    expect(preview).toMatchObject({ dryRun: true, format: "csv", importable: 0, errorCount: 2, mergedRows: 1 });
    expect(preview.errors.map((e) => e.line)).toEqual([3, 5]);
    const failure = await lib.fleet.importFleetClients({ actor: admin, projectId, input: { text, format: "auto", dryRun: false } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ status: 400, message: "Nothing was imported: 2 lines have problems (lines 3, 5)." });
    expect((failure as { fieldErrors: Record<string, string[]> }).fieldErrors.text).toEqual([
      'Line 3: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad/01".',
      'Line 5: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "also bad".',
    ]);
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(0);
  });

  it("imports 2,000 clients in one call, with one audit event, and expands them into the active run", async () => {
    const names = [...hosts("unix-a", 500), ...hosts("unix-b", 1000), ...hosts("win-c", 500)];
    const text = "Hardware  OS  Client\n--------  --  ------\n" + names.map((n) => (n.startsWith("win") ? `PC-x64  Windows2008  ${n}` : `Solaris  Solaris10  ${n}`)).join("\n");
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const started = performance.now();
    const result = await lib.fleet.importFleetClients({ actor: admin, projectId, input: { text, format: "auto", dryRun: false } });
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ dryRun: false, format: "bpplclients", imported: 2000, errorCount: 0, runRowsCreated: 2000, clientCount: 2000, osFamilies: { WINDOWS: 500, UNIX: 1500 } });
    expect(elapsed).toBeLessThan(10_000);
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(2000);
    expect(await lib.db.prisma.fleetClientRun.count({ where: { runId, stepId: fleetStepId, status: "PENDING" } })).toBe(2000);
    const events = await lib.db.prisma.auditEvent.findMany({ where: { seq: { gt: 0 } }, orderBy: { seq: "asc" }, skip: auditBefore });
    expect(events.map((e) => e.action)).toEqual(["fleet.import"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ imported: 2000, clientCount: 2000, runRowsCreated: 2000 });
  }, 60_000);

  it("re-importing matches the clients already in the project by name (any case) instead of refusing them", async () => {
    const preview = await lib.fleet.importFleetClients({ actor: admin, projectId, input: { text: "Solaris Solaris10 UNIX-A-0001\nLinux RedHat2.6 new-one", format: "auto", dryRun: true } });
    expect(preview.errors).toEqual([]);
    expect(preview.added).toBe(1);
    expect(preview.addedClients.map((c) => c.hostname)).toEqual(["new-one"]);
    expect(preview.updated + preview.unchanged).toBe(1);
  });

  it("a run started after the import tracks every client", async () => {
    const later = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "Second" } });
    expect(await lib.db.prisma.fleetClientRun.count({ where: { runId: later.id, stepId: fleetStepId } })).toBe(2000);
    await lib.db.prisma.run.update({ where: { id: later.id }, data: { status: "ABORTED" } });
  });

  it("lists the project's clients a page at a time", async () => {
    const page = await lib.fleet.listFleetClients({ actor: viewer, projectId, query: { q: "win-c", page: 3, pageSize: 100 } });
    expect(page).toMatchObject({ total: 2000, matching: 500, page: 3, pageCount: 5 });
    expect(page.clients[0]).toMatchObject({ hostname: "win-c-0201", osFamily: "WINDOWS" });
  });
});

describe("ticking clients", () => {
  const view = (query: Partial<FleetStepQuery> = {}) =>
    lib.fleet.getFleetStepView({ actor: viewer, runId, stepId: fleetStepId, query: { status: "ALL", q: "", page: 1, pageSize: 100, ...query } });

  it("the panel's view: counts, a page of the filter and the bp.conf lines (rename project)", async () => {
    const v = await view({ q: "unix-a" });
    expect(v.counts).toEqual({ PENDING: 2000, UPDATED: 0, VERIFIED: 0, FAILED: 0, total: 2000 });
    expect(v.matching).toBe(500);
    expect(v.rows).toHaveLength(100);
    expect(v.rows[0]).toMatchObject({ hostname: "unix-a-0001", status: "PENDING", version: 1, osFamily: "UNIX", updatedBy: null });
    // Before the final Go of a rename the old master stays second, so a rollback can still push from it.
    expect(v.bpconf?.lines).toEqual(["SERVER = nbu-master2", "SERVER = nbu-master1", "SERVER = nbu-media1"]);
    expect(v.bpconf?.keepPrevious).toBe(true);
  });

  it("bulk-updates 500 clients matching a filter in one call: one transaction, one audit event", async () => {
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const started = performance.now();
    const result = await lib.fleet.updateFleetClients({
      actor: operator,
      runId,
      stepId: fleetStepId,
      input: { status: "UPDATED", reason: "", selection: { kind: "filter", status: "PENDING", q: "unix-a", expectedCount: 500, excludeIds: [] } },
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ updated: 500, unchanged: 0, counts: { PENDING: 1500, UPDATED: 500, VERIFIED: 0, FAILED: 0, total: 2000 } });
    const rows = await lib.db.prisma.fleetClientRun.findMany({ where: { runId, stepId: fleetStepId, status: "UPDATED" }, include: { client: true } });
    expect(rows).toHaveLength(500);
    expect(rows.every((r) => r.client.hostname.startsWith("unix-a-") && r.version === 2 && r.updatedById === operator.id)).toBe(true);
    const events = await lib.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: auditBefore });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "fleet.bulk_update", runId, projectId, entityId: fleetStepId, actorName: operator.name });
    const after = JSON.parse(events[0].after) as { status: string; count: number; clientIds: string[]; hostnames: string[] };
    expect(after).toMatchObject({ status: "UPDATED", count: 500 });
    expect(new Set(after.clientIds)).toEqual(new Set(rows.map((r) => r.clientId)));
    expect(after.hostnames).toHaveLength(500);
    expect(JSON.parse(events[0].before)).toEqual({ statusCounts: { PENDING: 500 } });
    expect((await lib.audit.verifyAuditChain()).ok).toBe(true);
  });

  it("bulk-updates 500 explicitly selected clients (ids with versions) in one call", async () => {
    const page = await lib.db.prisma.fleetClientRun.findMany({ where: { runId, stepId: fleetStepId, client: { hostname: { startsWith: "unix-b-" } } }, orderBy: { client: { hostname: "asc" } }, take: 500 });
    const result = await lib.fleet.updateFleetClients({
      actor: operator,
      runId,
      stepId: fleetStepId,
      input: { status: "VERIFIED", reason: "", selection: { kind: "ids", items: page.map((r) => ({ id: r.id, version: r.version })) } },
    });
    expect(result.counts).toEqual({ PENDING: 1000, UPDATED: 500, VERIFIED: 500, FAILED: 0, total: 2000 });
  });

  it("refuses the whole batch when one row changed underneath (no lost update)", async () => {
    const rows = await lib.db.prisma.fleetClientRun.findMany({ where: { runId, stepId: fleetStepId, status: "PENDING" }, orderBy: { id: "asc" }, take: 3 });
    // Someone else ticks the second one first.
    await lib.fleet.updateFleetClients({ actor: admin, runId, stepId: fleetStepId, input: { status: "VERIFIED", reason: "", selection: { kind: "ids", items: [{ id: rows[1].id, version: rows[1].version }] } } });
    const attempt = lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input: { status: "UPDATED", reason: "", selection: { kind: "ids", items: rows.map((r) => ({ id: r.id, version: r.version })) } } });
    await expect(attempt).rejects.toMatchObject({ status: 409 });
    const now = await lib.db.prisma.fleetClientRun.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: "asc" } });
    expect(now.map((r) => r.status)).toEqual(["PENDING", "VERIFIED", "PENDING"]);
  });

  it("a single tick is one audit event naming the client, and a stale single tick says who won", async () => {
    const row = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, status: "PENDING" }, include: { client: true } });
    await lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input: { status: "FAILED", reason: "bpcd port 13782 blocked", selection: { kind: "ids", items: [{ id: row.id, version: row.version }] } } });
    const event = await lib.db.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
    expect(event).toMatchObject({ action: "fleet.update", entityType: "fleet_client_run", entityId: row.id });
    expect(JSON.parse(event.after)).toMatchObject({ status: "FAILED", reason: "bpcd port 13782 blocked", hostname: row.client.hostname });
    const stale = lib.fleet.updateFleetClients({ actor: admin, runId, stepId: fleetStepId, input: { status: "VERIFIED", reason: "", selection: { kind: "ids", items: [{ id: row.id, version: row.version }] } } });
    await expect(stale).rejects.toThrow(new RegExp(`^${row.client.hostname} was already marked failed by Otto Operator at \\d\\d:\\d\\d [A-Z]{3,4}\\. Nothing was changed\\.$`));
  });

  it("a filter selection whose size changed is refused", async () => {
    const attempt = lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input: { status: "UPDATED", reason: "", selection: { kind: "filter", status: "PENDING", q: "", expectedCount: 1000, excludeIds: [] } } });
    await expect(attempt).rejects.toThrow(/The selection changed while you were looking: 99[0-9] clients match now, you selected 1,000/);
  });

  it("FAILED needs a reason; viewers can't tick", () => {
    const parsed = fleetUpdateInput.safeParse({ status: "FAILED", selection: { kind: "ids", items: [{ id: "x", version: 1 }] } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["reason"], message: "Say why the client failed." });
    return expect(
      lib.fleet.updateFleetClients({ actor: viewer, runId, stepId: fleetStepId, input: { status: "UPDATED", reason: "", selection: { kind: "ids", items: [{ id: "x", version: 1 }] } } }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("back to pending clears the reason", async () => {
    const failed = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, status: "FAILED" } });
    await lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input: { status: "PENDING", reason: "", selection: { kind: "ids", items: [{ id: failed.id, version: failed.version }] } } });
    expect(await lib.db.prisma.fleetClientRun.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({ status: "PENDING", reason: "" });
  });

  it("a tick retried with its idempotency key is applied once; the offline tap time is in the audit", async () => {
    const row = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, status: "PENDING", version: 1 }, include: { client: true } });
    // Between the run's start and now: a tap made while the device was offline.
    const runStartedAt = (await lib.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).startedAt.getTime();
    const tappedAt = new Date(Math.floor((runStartedAt + Date.now()) / 2));
    const input = { status: "UPDATED" as const, reason: "", selection: { kind: "ids" as const, items: [{ id: row.id, version: row.version }] }, idempotencyKey: "offline-fleet-tick-0001", occurredAt: tappedAt };
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const first = await lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input });
    const again = await lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input });
    expect(first).toMatchObject({ updated: 1 });
    expect(first.replayed).toBeUndefined();
    expect(again).toMatchObject({ updated: 1, replayed: true });
    expect(await lib.db.prisma.fleetClientRun.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "UPDATED", version: 2, updatedById: operator.id });
    const events = await lib.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: auditBefore });
    expect(events.map((e) => e.action)).toEqual(["fleet.update"]);
    expect(JSON.parse(events[0].after)).toMatchObject({ hostname: row.client.hostname, status: "UPDATED", offline: true, tappedAt: tappedAt.toISOString() });
    // A device clock far off can't put a time in the record.
    const other = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, status: "PENDING", version: 1 } });
    const future = lib.fleet.updateFleetClients({ actor: operator, runId, stepId: fleetStepId, input: { ...input, selection: { kind: "ids", items: [{ id: other.id, version: 1 }] }, idempotencyKey: "offline-fleet-tick-0002", occurredAt: new Date(Date.now() + 3_600_000) } });
    await expect(future).rejects.toMatchObject({ status: 400, fieldErrors: { occurredAt: ["In the future."] } });
    expect((await lib.db.prisma.fleetClientRun.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("PENDING");
    // Someone else's request can't reuse the key.
    await expect(lib.fleet.updateFleetClients({ actor: admin, runId, stepId: fleetStepId, input })).rejects.toMatchObject({ status: 409, message: "That idempotency key belongs to another user." });
  });

  it("ticks in an ended run are refused", async () => {
    const other = await lib.runs.startRun({ actor: admin, projectId, input: { kind: "REHEARSAL", name: "Ended" } });
    await lib.db.prisma.run.update({ where: { id: other.id }, data: { status: "ABORTED" } });
    const attempt = lib.fleet.updateFleetClients({ actor: operator, runId: other.id, stepId: fleetStepId, input: { status: "UPDATED", reason: "", selection: { kind: "filter", status: "ALL", q: "", expectedCount: 2000, excludeIds: [] } } });
    await expect(attempt).rejects.toThrow("This run has ended; its record can't be changed.");
  });
});

describe("editing a client", () => {
  it("corrects the OS (and with it the OS family) and policy, in one audit event", async () => {
    const client = await lib.db.prisma.fleetClient.findFirstOrThrow({ where: { projectId, hostname: "unix-b-0500" } });
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const result = await lib.fleet.updateFleetClient({ actor: admin, clientId: client.id, input: { os: "Windows2019", policy: "WIN_FULL" } });
    expect(result).toMatchObject({ hostname: "unix-b-0500", os: "Windows2019", policy: "WIN_FULL", osFamily: "WINDOWS" });
    expect(await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: client.id } })).toMatchObject({ os: "Windows2019", policy: "WIN_FULL", hardware: client.hardware });
    const events = await lib.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: auditBefore });
    expect(events.map((e) => [e.action, e.entityId])).toEqual([["fleet.client_update", client.id]]);
    expect(JSON.parse(events[0].before)).toMatchObject({ os: client.os, policy: client.policy });
    expect(JSON.parse(events[0].after)).toMatchObject({ os: "Windows2019", policy: "WIN_FULL" });
  });

  it("a host name another client has (in any case) is a field error; nothing changes", async () => {
    const client = await lib.db.prisma.fleetClient.findFirstOrThrow({ where: { projectId, hostname: "unix-b-0501" } });
    const attempt = lib.fleet.updateFleetClient({ actor: admin, clientId: client.id, input: { hostname: "UNIX-B-0502", os: "Linux" } });
    await expect(attempt).rejects.toMatchObject({ status: 400, fieldErrors: { hostname: ['"unix-b-0502" is already a client of this project.'] } });
    expect(await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: client.id } })).toMatchObject({ hostname: "unix-b-0501", os: client.os });
  });

  it("renames an untouched client, but not one already ticked in a run", async () => {
    const untouched = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, version: 1 }, include: { client: true } });
    await lib.fleet.updateFleetClient({ actor: admin, clientId: untouched.clientId, input: { hostname: `${untouched.client.hostname}-renamed` } });
    expect((await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: untouched.clientId } })).hostname).toBe(`${untouched.client.hostname}-renamed`);

    const ticked = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, version: { gt: 1 } }, include: { client: true } });
    const attempt = lib.fleet.updateFleetClient({ actor: admin, clientId: ticked.clientId, input: { hostname: "brand-new-name" } });
    await expect(attempt).rejects.toMatchObject({ status: 400, message: expect.stringContaining("so its host name can't change") });
    expect((await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: ticked.clientId } })).hostname).toBe(ticked.client.hostname);
    // Its other details can still be corrected.
    await lib.fleet.updateFleetClient({ actor: admin, clientId: ticked.clientId, input: { owner: "backup-team@example.com" } });
    expect((await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: ticked.clientId } })).owner).toBe("backup-team@example.com");
  });

  it("only admins edit clients, and bad input is refused at the boundary", async () => {
    const client = await lib.db.prisma.fleetClient.findFirstOrThrow({ where: { projectId } });
    await expect(lib.fleet.updateFleetClient({ actor: operator, clientId: client.id, input: { os: "Linux" } })).rejects.toMatchObject({ status: 403 });
    // A name with a space may be a VM's display name: the boundary lets it through, the service
    // refuses it for a client with neither a host name nor agentless hardware.
    expect(updateFleetClientInput.safeParse({ hostname: "bad\thost" }).success).toBe(false);
    expect(updateFleetClientInput.safeParse({ networkHostname: "bad host" }).success).toBe(false);
    await expect(lib.fleet.updateFleetClient({ actor: admin, clientId: client.id, input: { hostname: "bad host" } })).rejects.toMatchObject({ status: 400, fieldErrors: { hostname: [expect.stringContaining("Not a valid client name")] } });
    expect((await lib.db.prisma.fleetClient.findUniqueOrThrow({ where: { id: client.id } })).hostname).toBe(client.hostname);
    expect(updateFleetClientInput.safeParse({ os: "x".repeat(201) }).success).toBe(false);
    expect(updateFleetClientInput.safeParse({ version: 3 }).success).toBe(false);
  });
});

describe("removing clients", () => {
  it("an untouched client goes, with its run rows, in one audit event naming it", async () => {
    await lib.fleet.importFleetClients({ actor: admin, projectId, input: { text: "hostname\ntypo-hots-01\ntypo-hots-02", format: "auto", dryRun: false } });
    const typos = await lib.db.prisma.fleetClient.findMany({ where: { projectId, hostname: { startsWith: "typo-" } }, orderBy: { hostname: "asc" } });
    expect(await lib.db.prisma.fleetClientRun.count({ where: { clientId: { in: typos.map((c) => c.id) } } })).toBeGreaterThan(0);
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const before = await lib.db.prisma.fleetClient.count({ where: { projectId } });

    const result = await lib.fleet.removeFleetClients({ actor: admin, projectId, input: { clientIds: typos.map((c) => c.id) } });

    expect(result).toEqual({ removed: 2, clientCount: before - 2 });
    expect(await lib.db.prisma.fleetClient.count({ where: { id: { in: typos.map((c) => c.id) } } })).toBe(0);
    expect(await lib.db.prisma.fleetClientRun.count({ where: { clientId: { in: typos.map((c) => c.id) } } })).toBe(0);
    const events = await lib.db.prisma.auditEvent.findMany({ orderBy: { seq: "asc" }, skip: auditBefore });
    // One for the project, one in the active run the clients left (its own trail shows it).
    expect(events.map((e) => [e.action, e.runId])).toEqual([
      ["fleet.remove", null],
      ["fleet.remove", runId],
    ]);
    const runName = (await lib.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).name;
    expect(JSON.parse(events[0].after)).toEqual({ clientCount: before - 2, removed: ["typo-hots-01", "typo-hots-02"], fromRuns: [runName] });
  });

  it("a client that is part of an ended run's record can't be removed", async () => {
    // The first import's clients also have rows in the runs aborted above.
    const row = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { run: { status: "ABORTED" }, version: 1, client: { runs: { every: { version: 1, status: "PENDING" } } } }, include: { client: true, run: true } });
    const attempt = lib.fleet.removeFleetClients({ actor: admin, projectId, input: { clientIds: [row.clientId] } });
    await expect(attempt).rejects.toMatchObject({ status: 409, message: `${row.client.hostname} is part of the record of "${row.run.name}", which has ended, so it can't be removed. Nothing was removed.` });
    expect(await lib.db.prisma.fleetClient.count({ where: { id: row.clientId } })).toBe(1);
  });

  it("a client ticked in a run (even if set back to pending) can't be removed; nothing is", async () => {
    const ticked = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, version: { gt: 1 } }, include: { client: true } });
    const untouched = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, version: 1 } });
    const count = await lib.db.prisma.fleetClient.count({ where: { projectId } });
    const auditBefore = await lib.db.prisma.auditEvent.count();
    const attempt = lib.fleet.removeFleetClients({ actor: admin, projectId, input: { clientIds: [untouched.clientId, ticked.clientId] } });
    await expect(attempt).rejects.toMatchObject({ status: 409, message: expect.stringContaining(`${ticked.client.hostname} was already ticked in`) });
    expect(await lib.db.prisma.fleetClient.count({ where: { projectId } })).toBe(count);
    expect(await lib.db.prisma.auditEvent.count()).toBe(auditBefore);
  });

  it("only admins remove clients, and only their project's", async () => {
    const client = await lib.db.prisma.fleetClientRun.findFirstOrThrow({ where: { runId, stepId: fleetStepId, version: 1 } });
    await expect(lib.fleet.removeFleetClients({ actor: operator, projectId, input: { clientIds: [client.clientId] } })).rejects.toMatchObject({ status: 403 });
    const otherProject = await lib.projects.createProject({
      actor: admin,
      input: { name: "Other fleet", description: "", sourceHost: "a", targetHost: "b", product: "NetBackup", hostnameStrategy: "KEEP", mediaServers: [], timezone: "UTC", windowStart: new Date(), windowEnd: new Date(Date.now() + 3_600_000), template: "empty" },
    });
    await expect(lib.fleet.removeFleetClients({ actor: admin, projectId: otherProject.id, input: { clientIds: [client.clientId] } })).rejects.toMatchObject({ status: 404 });
    expect(await lib.db.prisma.fleetClient.count({ where: { id: client.clientId } })).toBe(1);
  });
});
