/**
 * This process on PostgreSQL (DATABASE_URL=postgresql://…, a real server started for the test),
 * as an app instance runs there: the project access and session-token reads go to PostgreSQL,
 * and the API-token and approval-link limits are counted in its rate_limit_window table, so every
 * instance on the database shares them (a second connection, standing in for a second instance,
 * takes from the same count).
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const { server, url } = await vi.hoisted(async () => {
  const { startPostgres } = await import("./helpers/postgres-server");
  const started = await startPostgres();
  const databaseUrl = await started.createDatabase("runsheet_process");
  process.env.DATABASE_URL = databaseUrl;
  process.env.RUNSHEET_TOKEN_RATE_PER_MINUTE = "5";
  return { server: started, url: databaseUrl };
});

const { applyPostgresMigrations } = await import("@/lib/platform/db/migrate-postgres");
await applyPostgresMigrations({ connectionString: url });
const { prisma, postgresPool, disconnectDatabase, DATABASE_PROVIDER } = await import("@/lib/platform/db/client");
const access = await import("@/lib/projects/access");
const tokens = await import("@/lib/platform/auth/api-tokens");
const approvalLinks = await import("@/lib/notifications/approval-links");
const { takeFromSharedLimit } = await import("@/lib/platform/db/shared-rate-limit");

const T0 = new Date("2026-12-05T21:00:00.000Z");
let otherInstance: pg.Client;

beforeAll(async () => {
  otherInstance = new pg.Client({ connectionString: url });
  await otherInstance.connect();
  await prisma.user.createMany({
    data: [
      { id: "u-admin", name: "Ada Admin", email: "ada@example.test", role: "ADMIN" },
      { id: "u-member", name: "Mo Member", email: "mo@example.test", role: "OPERATOR" },
      { id: "u-outsider", name: "Otto Outsider", email: "otto@example.test", role: "OPERATOR" },
    ],
  });
  await prisma.project.create({ data: { id: "p-1", name: "Move nbu-master-01", sourceHost: "a", targetHost: "b", timezone: "Europe/Berlin", windowStart: T0, windowEnd: new Date(T0.getTime() + 8 * 3600_000) } });
  await prisma.projectMember.create({ data: { projectId: "p-1", userId: "u-member", role: "VIEWER" } });
  await prisma.run.create({ data: { id: "run-1", projectId: "p-1", kind: "REHEARSAL", name: "Rehearsal 1", windowStart: T0, windowEnd: new Date(T0.getTime() + 8 * 3600_000), startedAt: T0 } });
}, 60_000);

afterAll(async () => {
  await otherInstance?.end();
  await disconnectDatabase();
  await server.stop();
});

describe("a process whose DATABASE_URL is PostgreSQL", () => {
  it("uses the PostgreSQL client and pool, and the migrations' default settings", async () => {
    expect(DATABASE_PROVIDER).toBe("postgresql");
    expect((await postgresPool().query(`SELECT current_database() AS name`)).rows[0].name).toBe("runsheet_process");
    // A new install shows projects to their members only, as on SQLite.
    expect(await access.getProjectVisibility()).toBe("members");
  });

  it("decides project access from PostgreSQL's rows: member role, admin, outsider, unknown run", async () => {
    const member = { id: "u-member", role: "OPERATOR" as const };
    const outsider = { id: "u-outsider", role: "OPERATOR" as const };
    // A viewer-member who is an operator elsewhere has the lower role here.
    expect(await access.projectRoleOf({ user: member, projectId: "p-1" })).toBe("VIEWER");
    expect(await access.projectRoleOf({ user: { id: "u-admin", role: "ADMIN" }, projectId: "p-1" })).toBe("ADMIN");
    expect(await access.projectRoleOf({ user: outsider, projectId: "p-1" })).toBeNull();
    await expect(access.requireRunAccess({ user: member, runId: "run-1", need: "view" })).resolves.toMatchObject({ id: "u-member", role: "VIEWER", projectId: "p-1" });
    await expect(access.requireRunAccess({ user: member, runId: "run-1", need: "operate" })).rejects.toMatchObject({ status: 403 });
    await expect(access.requireRunAccess({ user: outsider, runId: "run-1", need: "view" })).rejects.toThrow("Run not found");
    await expect(access.requireRunAccess({ user: member, runId: "no-such-run", need: "view" })).rejects.toThrow("Run not found");
    // The list filter the portfolio uses: members see their projects, and the outsider none.
    expect((await prisma.project.findMany({ where: await access.visibleProjectsWhere(outsider), select: { id: true } })).map((p) => p.id)).toEqual([]);
    expect((await prisma.project.findMany({ where: await access.visibleProjectsWhere(member), select: { id: true } })).map((p) => p.id)).toEqual(["p-1"]);
  });

  it("counts an API token's requests in the database, across instances, and refuses past the limit with Retry-After", async () => {
    const { secret, prefix, secretHash } = tokens.generateTokenSecret();
    await prisma.apiToken.create({ data: { id: "t-1", userId: "u-member", name: "nightly export", scope: "READ", prefix, secretHash, expiresAt: new Date(Date.now() + 86_400_000) } });
    const headers = new Headers({ authorization: `Bearer ${secret}` });
    // A fixed instant in the middle of a minute, so the five requests share one window.
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 30_000;
    for (let i = 0; i < 3; i++) await expect(tokens.userFromBearer(headers, now)).resolves.toMatchObject({ id: "u-member", role: "VIEWER" });
    // Another instance serves two more requests with the same token in the same minute.
    for (let i = 0; i < 2; i++) {
      await otherInstance.query(
        `INSERT INTO "rate_limit_window" ("key", "windowStart", "count") VALUES ($1, $2, 1) ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "rate_limit_window"."count" + 1`,
        ["token:t-1", new Date(now - 30_000).toISOString()],
      );
    }
    await expect(tokens.userFromBearer(headers, now)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
    const rows = await otherInstance.query(`SELECT "count" FROM "rate_limit_window" WHERE "key" = 'token:t-1'`);
    expect(rows.rows).toEqual([{ count: 6 }]);
    // The next minute starts a new count.
    await expect(tokens.userFromBearer(headers, now + 60_000)).resolves.toMatchObject({ id: "u-member" });
  });

  it("limits approval-link attempts per address across instances", async () => {
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;
    for (let i = 0; i < 10; i++) await approvalLinks.checkApprovalRateLimit({ address: "192.0.2.7", now });
    await expect(approvalLinks.checkApprovalRateLimit({ address: "192.0.2.7", now })).rejects.toMatchObject({ status: 429 });
    // Another address has its own count.
    await expect(approvalLinks.checkApprovalRateLimit({ address: "192.0.2.8", now })).resolves.toBeUndefined();
  });

  it("deletes windows long past as it counts", async () => {
    await otherInstance.query(`INSERT INTO "rate_limit_window" ("key", "windowStart", "count") VALUES ('token:old', $1, 3)`, [new Date(Date.now() - 3600_000).toISOString()]);
    // The prune runs at most every 20 s per process: far enough in the future, it runs now.
    await takeFromSharedLimit({ key: "token:prune", limit: 5, windowMs: 60_000, now: Date.now() + 3600_000 });
    await expect
      .poll(async () => (await otherInstance.query(`SELECT count(*)::int AS n FROM "rate_limit_window" WHERE "key" = 'token:old'`)).rows[0].n, { timeout: 5000 })
      .toBe(0);
  });
});
