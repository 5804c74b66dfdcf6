/**
 * The rest of the direct SQL, held to one contract on SQLite and PostgreSQL (a real server started
 * for the test): the session and API-token reads every request makes, the project access reads
 * every check makes, the one-time approval link, and the fleet's bulk statements. Each scenario
 * runs on both from the same fixture; the answers must be equal (./helpers/two-databases.ts).
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as authSqlite from "@/lib/platform/auth/store.sqlite";
import * as authPostgres from "@/lib/platform/auth/store.postgres";
import * as projectsSqlite from "@/lib/projects/store.sqlite";
import * as projectsPostgres from "@/lib/projects/store.postgres";
import * as fleetSqlite from "@/lib/fleet/store.sqlite";
import * as fleetPostgres from "@/lib/fleet/store.postgres";
import { claimApprovalLinkSql } from "@/lib/notifications/store.sqlite";
import { claimApprovalLink } from "@/lib/notifications/store.postgres";
import type { Tx } from "@/lib/platform/db/client";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { onBoth as onBothSides, openBothSides, type Side } from "./helpers/two-databases";

// The SQLite stores read through this process's own connection (DATABASE_URL): make that the
// contract's SQLite file (vi.hoisted runs before the imports).
const sqliteFile = await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("store-contract"));

let sides: Side[];
const onBoth = <T>(scenario: (side: Side) => Promise<T>) => onBothSides(sides, scenario);

const T0 = new Date("2026-12-05T21:00:00.000Z");
const FUTURE = new Date("2099-01-01T00:00:00.000Z");

async function seed(side: Side) {
  const { prisma } = side;
  await prisma.user.create({ data: { id: "u-olivia", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
  await prisma.user.create({ data: { id: "u-raj", name: "Raj Patel", email: "raj@example.test", role: "VIEWER", deactivatedAt: T0 } });
  await prisma.setting.upsert({ where: { key: "projectVisibility" }, create: { key: "projectVisibility", value: "members" }, update: { value: "members" } });
  await prisma.project.create({ data: { id: "project-1", name: "Move nbu-master-01", sourceHost: "nbu-master-01", targetHost: "nbu-master-02", timezone: "Europe/Berlin", windowStart: T0, windowEnd: FUTURE } });
  await prisma.projectMember.create({ data: { projectId: "project-1", userId: "u-olivia", role: "OPERATOR" } });
  await prisma.session.create({ data: { id: "s-1", token: "token-1", userId: "u-olivia", expiresAt: FUTURE, createdAt: T0 } });
  await prisma.apiToken.create({ data: { id: "t-1", userId: "u-raj", name: "backup scripts", scope: "OPERATE", prefix: "rs_ab", secretHash: "hash-1", expiresAt: FUTURE, createdAt: T0 } });
  await prisma.run.create({ data: { id: "run-active", projectId: "project-1", kind: "LIVE", name: "Live", windowStart: T0, windowEnd: FUTURE, startedAt: T0 } });
  await prisma.run.create({ data: { id: "run-ended", projectId: "project-1", kind: "REHEARSAL", name: "Rehearsal", windowStart: T0, windowEnd: FUTURE, startedAt: T0, status: "COMPLETED", endedAt: T0 } });
  const clients = [
    { id: "c-1", hostname: "app_01", networkHostname: "" },
    { id: "c-2", hostname: "APPX01", networkHostname: "" },
    { id: "c-3", hostname: "db01", networkHostname: "db01-BACKUP", os: "Solaris 11" },
  ];
  for (const c of clients) await prisma.fleetClient.create({ data: { projectId: "project-1", ...c } });
  for (const runId of ["run-active", "run-ended"]) for (const c of clients) await prisma.fleetClientRun.create({ data: { id: `${runId}-${c.id}`, runId, stepId: "F", clientId: c.id } });
  await prisma.gateApprovalLink.create({ data: { id: "link-1", tokenHash: "lh-1", stepRunId: "sr-gate", approverId: "u-olivia", expiresAt: FUTURE } });
  await prisma.gateApprovalLink.create({ data: { id: "link-expired", tokenHash: "lh-2", stepRunId: "sr-gate", approverId: "u-olivia", expiresAt: T0 } });
}

let closeSides: (() => Promise<void>) | undefined;
beforeAll(async () => {
  const both = await openBothSides({ sqliteFile, seed });
  sides = both.sides;
  closeSides = both.close;
}, 60_000);
afterAll(() => closeSides?.());

describe("sessions and API tokens", () => {
  it("finds a session's user by token and by id, times in one format, and nothing for an unknown one", async () => {
    const found = await onBoth(async (side) =>
      side.name === "sqlite"
        ? { byToken: authSqlite.findSessionUser("token-1"), byId: authSqlite.findSessionById("s-1"), none: authSqlite.findSessionUser("nope") ?? null }
        : { byToken: await authPostgres.findSessionUser(side.pool, "token-1"), byId: await authPostgres.findSessionById(side.pool, "s-1"), none: (await authPostgres.findSessionUser(side.pool, "nope")) ?? null },
    );
    expect(found.byToken).toEqual({
      id: "u-olivia",
      name: "Olivia Chen",
      email: "olivia@example.test",
      role: "OPERATOR",
      deactivatedAt: null,
      sessionId: "s-1",
      sessionCreatedAt: "2026-12-05T21:00:00.000+00:00",
      sessionExpiresAt: "2099-01-01T00:00:00.000+00:00",
    });
    expect(found.byId).toEqual(found.byToken);
    expect(found.none).toBeNull();
  });

  it("finds a token's owner by secret hash and by id, and records its last use", async () => {
    const at = "2026-12-05T22:15:00.000+00:00";
    const token = await onBoth(async (side) => {
      if (side.name === "sqlite") {
        const before = authSqlite.findApiTokenUser("secretHash", "hash-1");
        authSqlite.recordApiTokenUse({ tokenId: "t-1", at, address: "10.0.0.5" });
        return { before, after: authSqlite.findApiTokenUser("id", "t-1") };
      }
      const before = await authPostgres.findApiTokenUser(side.pool, "secretHash", "hash-1");
      await authPostgres.recordApiTokenUse(side.pool, { tokenId: "t-1", at, address: "10.0.0.5" });
      return { before, after: await authPostgres.findApiTokenUser(side.pool, "id", "t-1") };
    });
    expect(token.before).toMatchObject({ tokenId: "t-1", tokenName: "backup scripts", scope: "OPERATE", projectIds: "[]", revokedAt: null, lastUsedAt: null, role: "VIEWER", deactivatedAt: "2026-12-05T21:00:00.000+00:00" });
    expect(token.after).toMatchObject({ lastUsedAt: at, lastUsedAddress: "10.0.0.5" });
  });
});

describe("project access", () => {
  it("reads the visibility setting, a member's role, no role for a non-member, and a run's project", async () => {
    const access = await onBoth(async (side) =>
      side.name === "sqlite"
        ? {
            member: projectsSqlite.readProjectAccess({ userId: "u-olivia", projectId: "project-1" }),
            stranger: projectsSqlite.readProjectAccess({ userId: "u-raj", projectId: "project-1" }),
            visibility: projectsSqlite.readProjectVisibility(),
            runProject: projectsSqlite.readRunProjectId("run-active"),
            noRun: projectsSqlite.readRunProjectId("nope"),
          }
        : {
            member: await projectsPostgres.readProjectAccess(side.pool, { userId: "u-olivia", projectId: "project-1" }),
            stranger: await projectsPostgres.readProjectAccess(side.pool, { userId: "u-raj", projectId: "project-1" }),
            visibility: await projectsPostgres.readProjectVisibility(side.pool),
            runProject: await projectsPostgres.readRunProjectId(side.pool, "run-active"),
            noRun: await projectsPostgres.readRunProjectId(side.pool, "nope"),
          },
    );
    expect(access).toEqual({ member: { visibility: "members", memberRole: "OPERATOR" }, stranger: { visibility: "members", memberRole: null }, visibility: "members", runProject: "project-1", noRun: null });
  });
});

describe("one-time approval links", () => {
  it("are spent once, only by their approver for their gate, and not after they expire", async () => {
    const now = new Date("2026-12-05T23:00:00.000Z");
    const claims = await onBoth(async (side) => {
      const attempts = [
        { linkId: "link-1", stepRunId: "sr-other", approverId: "u-olivia" },
        { linkId: "link-1", stepRunId: "sr-gate", approverId: "u-raj" },
        { linkId: "link-1", stepRunId: "sr-gate", approverId: "u-olivia" },
        { linkId: "link-1", stepRunId: "sr-gate", approverId: "u-olivia" },
        { linkId: "link-expired", stepRunId: "sr-gate", approverId: "u-olivia" },
      ];
      const results: boolean[] = [];
      for (const attempt of attempts) {
        if (side.name === "sqlite") {
          const { db } = side;
          results.push(db.transaction(() => claimApprovalLinkSql({ db, touchedProjects: new Set() }, { ...attempt, now })).immediate());
        } else {
          results.push(await runPgTransaction(side.pool, (tx) => claimApprovalLink(tx, { ...attempt, now })));
        }
      }
      const link = await side.prisma.gateApprovalLink.findUniqueOrThrow({ where: { id: "link-1" } });
      return { results, usedAt: link.usedAt };
    });
    expect(claims).toEqual({ results: [false, false, true, false, false], usedAt: now });
  });
});

describe("the fleet's bulk statements", () => {
  const tx = (side: Side) => side.prisma as unknown as Tx;
  /** On SQLite: the raw insert's createdAt and updatedAt text has the shape of one Prisma wrote (client c-1, from the seed). */
  const sameStoredTimeShape = (id: string) => {
    const raw = new Database(sqliteFile, { readonly: true });
    try {
      const shape = (text: string) => text.replace(/\d/g, "9");
      const byPrisma = raw.prepare(`SELECT "createdAt" FROM "fleet_client" WHERE "id" = 'c-1'`).pluck().get() as string;
      const row = raw.prepare(`SELECT "createdAt", "updatedAt" FROM "fleet_client" WHERE "id" = ?`).get(id) as { createdAt: string; updatedAt: string };
      return typeof byPrisma === "string" && shape(row.createdAt) === shape(byPrisma) && shape(row.updatedAt) === shape(byPrisma);
    } finally {
      raw.close();
    }
  };

  it("finds clients whose host name contains the text literally, ignoring case ('_' is not a wildcard)", async () => {
    const found = await onBoth(async (side) => {
      const store = side.name === "sqlite" ? fleetSqlite : fleetPostgres;
      const search = async (q: string) => (await store.clientIdsWithHostnameContaining(tx(side), { projectId: "project-1", q })).sort();
      return { underscore: await search("_"), app: await search("app"), backup: await search("backup"), none: await search("%") };
    });
    expect(found).toEqual({ underscore: ["c-1"], app: ["c-1", "c-2"], backup: ["c-3"], none: [] });
  });

  it("fills in re-imported fields in one statement and keeps the ones not given", async () => {
    const filled = await onBoth(async (side) => {
      const store = side.name === "sqlite" ? fleetSqlite : fleetPostgres;
      const count = await store.fillClientFields(tx(side), [
        { id: "c-1", changes: { os: "RHEL 9", owner: "Backup team" } },
        { id: "c-3", changes: { hardware: "T8-1" } },
      ]);
      const rows = await side.prisma.fleetClient.findMany({ where: { id: { in: ["c-1", "c-3"] } }, orderBy: { id: "asc" }, select: { id: true, os: true, owner: true, hardware: true } });
      return { count, rows };
    });
    expect(filled).toEqual({
      count: 2,
      rows: [
        { id: "c-1", os: "RHEL 9", owner: "Backup team", hardware: "" },
        { id: "c-3", os: "Solaris 11", owner: "", hardware: "T8-1" },
      ],
    });
  });

  it("freezes a client's facts onto ended runs only, once", async () => {
    const frozen = await onBoth(async (side) => {
      const store = side.name === "sqlite" ? fleetSqlite : fleetPostgres;
      const one = await store.freezeClientForEndedRuns(tx(side), { id: "c-2", hostname: "APPX01", networkHostname: "", os: "AIX 7.3", hardware: "", policy: "", owner: "" });
      const many = await store.freezeClientsForEndedRuns(tx(side), ["c-1", "c-2", "c-3"]);
      const again = await store.freezeClientsForEndedRuns(tx(side), ["c-1", "c-3"]);
      const none = await store.freezeClientsForEndedRuns(tx(side), []);
      const rows = await side.prisma.fleetClientRun.findMany({ orderBy: { id: "asc" }, select: { id: true, hostname: true, os: true } });
      return { one, many, again, none, rows };
    });
    expect(frozen).toEqual({
      one: 1,
      many: 2,
      again: 0,
      none: 0,
      rows: [
        { id: "run-active-c-1", hostname: null, os: null },
        { id: "run-active-c-2", hostname: null, os: null },
        { id: "run-active-c-3", hostname: null, os: null },
        { id: "run-ended-c-1", hostname: "app_01", os: "RHEL 9" },
        { id: "run-ended-c-2", hostname: "APPX01", os: "AIX 7.3" },
        { id: "run-ended-c-3", hostname: "db01", os: "Solaris 11" },
      ],
    });
  });

  it("adds an import's new clients and their fleet rows in one statement each, readable as Prisma writes them", async () => {
    const added = await onBoth(async (side) => {
      const store = side.name === "sqlite" ? fleetSqlite : fleetPostgres;
      const clients = [
        { hostname: "win-sql_07", networkHostname: "", os: "Windows2019", hardware: "PC-x64", policy: "SQL_DAILY", owner: "Jürgen Müller" },
        { hostname: "Payroll VM", networkHostname: "payroll01.corp.example", os: "", hardware: "VMware", policy: "", owner: "" },
        { hostname: "o'brien-nas", networkHostname: "", os: "", hardware: "NDMP", policy: "NAS \"weekly\"", owner: "" },
      ];
      const created = await store.insertFleetClients(tx(side), { projectId: "project-1", clients });
      const rows = await side.prisma.fleetClient.findMany({ where: { id: { in: created.map((c) => c.id) } }, orderBy: { hostname: "asc" } });
      const fleetRows = await store.insertFleetRowsForClients(tx(side), { runId: "run-active", stepId: "G", clientIds: created.map((c) => c.id) });
      const none = await store.insertFleetRowsForClients(tx(side), { runId: "run-active", stepId: "G", clientIds: [] });
      const runRows = await side.prisma.fleetClientRun.findMany({ where: { runId: "run-active", stepId: "G" }, include: { client: { select: { hostname: true } } } });
      // A host name the project has already: the unique key refuses the whole statement.
      const duplicate = await store.insertFleetClients(tx(side), { projectId: "project-1", clients: [{ ...clients[0], hostname: "zz-new" }, { ...clients[0], hostname: "db01" }] }).then(
        () => "added",
        () => "refused",
      );
      return {
        // RETURNING's order is not promised; the service matches rows by host name.
        returned: created.map((c) => ({ hostname: c.hostname, os: c.os, hardware: c.hardware })).sort((a, b) => (a.hostname < b.hostname ? -1 : 1)),
        // Times stored as Prisma stores them (on SQLite, text Prisma also reads back as the same date).
        storedTimesLikePrisma: side.name === "sqlite" ? sameStoredTimeShape(created[0].id) : true,
        idsLookRight: created.every((c) => /^c[0-9a-f]{24}$/.test(c.id)) && new Set(created.map((c) => c.id)).size === 3,
        rows: rows.map((r) => ({ id: created.find((c) => c.hostname === r.hostname)!.id === r.id, hostname: r.hostname, networkHostname: r.networkHostname, os: r.os, hardware: r.hardware, policy: r.policy, owner: r.owner, timesAreDates: r.createdAt instanceof Date && r.createdAt.getTime() === r.updatedAt.getTime() && Math.abs(Date.now() - r.createdAt.getTime()) < 60_000 })),
        fleetRows,
        none,
        runRows: runRows.map((r) => [r.client.hostname, r.status, r.reason, r.version, r.hostname]).sort(),
        duplicate,
        zzAdded: await side.prisma.fleetClient.count({ where: { hostname: "zz-new" } }),
      };
    });
    expect(added).toEqual({
      returned: [
        { hostname: "Payroll VM", os: "", hardware: "VMware" },
        { hostname: "o'brien-nas", os: "", hardware: "NDMP" },
        { hostname: "win-sql_07", os: "Windows2019", hardware: "PC-x64" },
      ],
      storedTimesLikePrisma: true,
      idsLookRight: true,
      rows: [
        { id: true, hostname: "Payroll VM", networkHostname: "payroll01.corp.example", os: "", hardware: "VMware", policy: "", owner: "", timesAreDates: true },
        { id: true, hostname: "o'brien-nas", networkHostname: "", os: "", hardware: "NDMP", policy: 'NAS "weekly"', owner: "", timesAreDates: true },
        { id: true, hostname: "win-sql_07", networkHostname: "", os: "Windows2019", hardware: "PC-x64", policy: "SQL_DAILY", owner: "Jürgen Müller", timesAreDates: true },
      ],
      fleetRows: 3,
      none: 0,
      runRows: [
        ["Payroll VM", "PENDING", "", 1, null],
        ["o'brien-nas", "PENDING", "", 1, null],
        ["win-sql_07", "PENDING", "", 1, null],
      ],
      duplicate: "refused",
      zzAdded: 0,
    });
  });
});
