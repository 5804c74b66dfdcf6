/**
 * The demo on a real SQLite file: its published accounts sign in only from the machine itself,
 * and "Remove the demo" deletes its projects and turns its accounts off in one step, leaving the
 * audit chain whole.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let authRoute: typeof import("@/app/api/auth/[...all]/route");
let demo: typeof import("@/lib/demo/remove");

beforeAll(async () => {
  db = await openTestDatabase("demo");
  authRoute = await import("@/app/api/auth/[...all]/route");
  demo = await import("@/lib/demo/remove");
  // As the server's start-up does: the signing key, then the demo.
  await (await import("@/lib/audit/checkpointer")).anchorAuditChainAtStartup();
  const { seedDemo } = await import("@/lib/demo/seed");
  expect(await seedDemo()).toBe(true);
}, 120_000);
afterAll(async () => db?.close());

async function signIn(peer: string, email: string, password: string) {
  const response = await authRoute.POST(
    new Request("http://runsheet.test/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://runsheet.test", host: "runsheet.test", "x-runsheet-peer-address": peer, "x-runsheet-peer-protocol": "http" },
      body: JSON.stringify({ email, password }),
    }),
  );
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
}

describe("the demo", () => {
  it("marks what it created", async () => {
    expect(await db.lib.prisma.user.count({ where: { isDemo: true } })).toBe(3);
    expect(await db.lib.prisma.project.count({ where: { isDemo: true } })).toBe(1);
    expect(await demo.hasDemo()).toBe(true);
  });

  it("its accounts sign in from the machine itself, never from the network", async () => {
    const { DEMO_PASSWORD } = await import("@/lib/demo/seed");
    const remote = await signIn("192.168.1.20", "operator@runsheet.local", DEMO_PASSWORD);
    expect(remote.status).toBe(403);
    expect(remote.body).toMatchObject({ code: "DEMO_ACCOUNT_LOCAL_ONLY", message: expect.stringContaining("only on the machine Runsheet runs on") });
    expect(await db.lib.prisma.session.count({ where: { user: { email: "operator@runsheet.local" } } })).toBe(0);
    expect((await signIn("127.0.0.1", "operator@runsheet.local", DEMO_PASSWORD)).status).toBe(200);
    expect((await signIn("::1", "viewer@runsheet.local", DEMO_PASSWORD)).status).toBe(200);
  });

  it("can't be removed while signed in with a demo account, and is removed whole by a real admin", async () => {
    const demoAdmin = await db.lib.prisma.user.findUniqueOrThrow({ where: { email: "admin@runsheet.local" }, select: { id: true, name: true, role: true } });
    await expect(demo.removeDemo({ actor: demoAdmin })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/^You are signed in with a demo account/) });
    const realAdmin = await db.lib.users.createUser({ actor: demoAdmin, input: { name: "Rita Real", email: "rita@example.test", password: "tape-vault-orange-kettle", role: "ADMIN" } });
    const operator = await db.lib.prisma.user.findUniqueOrThrow({ where: { email: "operator@runsheet.local" }, select: { id: true, name: true, role: true } });
    await expect(demo.removeDemo({ actor: operator })).rejects.toMatchObject({ status: 403 });
    const eventsBefore = await db.lib.prisma.auditEvent.count();

    const removed = await demo.removeDemo({ actor: realAdmin });
    expect(removed).toEqual({ projects: 1, accounts: 3 });
    expect(await db.lib.prisma.project.count()).toBe(0);
    expect(await db.lib.prisma.run.count()).toBe(0);
    expect(await db.lib.prisma.stepRun.count()).toBe(0);
    expect(await db.lib.prisma.session.count({ where: { user: { isDemo: true } } })).toBe(0);
    expect(await db.lib.prisma.account.count({ where: { user: { isDemo: true } } })).toBe(0);
    expect(await db.lib.prisma.user.count({ where: { isDemo: true, deactivatedAt: null } })).toBe(0);
    expect(await demo.hasDemo()).toBe(false);
    // Nothing was taken off the chain; the removal is on it, and it still verifies.
    expect(await db.lib.prisma.auditEvent.count()).toBe(eventsBefore + 1);
    expect(await db.lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { action: true, actorId: true } })).toEqual({ action: "demo.remove", actorId: realAdmin.id });
    expect(await db.lib.audit.verifyAuditChain()).toMatchObject({ ok: true });
    // The full check too: the demo's runs being gone is what its removal event says, not tampering.
    await (await import("@/lib/audit/checkpointer")).flushAuditCheckpoint({ readHead: true });
    expect((await db.lib.audit.verifyAuditTrailNow())).toMatchObject({ ok: true, findings: [] });
    await expect(demo.removeDemo({ actor: realAdmin })).rejects.toMatchObject({ status: 409 });
  });
});
