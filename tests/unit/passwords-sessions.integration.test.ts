/**
 * Passwords and sessions on a real SQLite file, through the real auth route and lib functions:
 * the policy, changing your own password, an admin's one-time reset, session revocation taking
 * effect on the very next request, the idle and absolute limits, and the audit events of each.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let authRoute: typeof import("@/app/api/auth/[...all]/route");
let session: typeof import("@/lib/platform/auth/session");
let passwords: typeof import("@/lib/users/passwords");
let sessions: typeof import("@/lib/users/sessions");
let policy: typeof import("@/lib/platform/auth/password-policy");
let schemas: typeof import("@/lib/users/schemas");
let team: Awaited<ReturnType<typeof createTeam>>;
const PASSWORD = "correct horse battery";
const ORIGIN = "http://runsheet.test";

beforeAll(async () => {
  db = await openTestDatabase("passwords-sessions");
  authRoute = await import("@/app/api/auth/[...all]/route");
  session = await import("@/lib/platform/auth/session");
  passwords = await import("@/lib/users/passwords");
  sessions = await import("@/lib/users/sessions");
  policy = await import("@/lib/platform/auth/password-policy");
  schemas = await import("@/lib/users/schemas");
  team = await createTeam(db.lib);
}, 60_000);
afterAll(async () => db?.close());

/** Signs in through the auth route; answers the Cookie header a browser would send next. */
async function signIn(email: string, password: string, peer = "192.168.1.10"): Promise<{ status: number; cookie: string }> {
  const response = await authRoute.POST(
    new Request(`${ORIGIN}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, host: "runsheet.test", "x-runsheet-peer-address": peer, "x-runsheet-peer-protocol": "http", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0" },
      body: JSON.stringify({ email, password }),
    }),
  );
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { status: response.status, cookie };
}

const userOf = (cookie: string) => session.getUserFromRequest(new Request(`${ORIGIN}/api/x`, { headers: { cookie, host: "runsheet.test", "x-runsheet-peer-address": "192.168.1.10", "x-runsheet-peer-protocol": "http" } }));

const lastAudit = async () => db.lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { action: true, actorId: true, entityId: true, after: true } });

describe("the password policy", () => {
  it("wants 12 characters and refuses easy ones, the person's own name and email included", () => {
    expect(policy.passwordProblem("short-pass")).toBe("Use at least 12 characters.");
    for (const weak of ["aaaaaaaaaaaa", "password1234", "qwertyuiop12", "123456789012"]) expect(policy.passwordProblem(weak), weak).toMatch(/^This password is too easy to guess\./);
    expect(policy.passwordProblem("Olivia Operator!", ["Olivia Operator", "olivia@example.test"])).toMatch(/It shouldn't contain your name or email\./);
    expect(policy.passwordProblem("tape-vault-orange-kettle")).toBeNull();
  });

  it("is applied where users are created, with a field error", () => {
    const parsed = schemas.createUserInput.safeParse({ name: "New Person", email: "new@example.test", password: "password1234", role: "VIEWER" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => ({ path: i.path.join("."), message: i.message }))).toEqual([{ path: "password", message: expect.stringMatching(/^This password is too easy to guess\./) }]);
  });
});

describe("changing your own password", () => {
  it("needs the current one, refuses a weak new one, and signs out your other sessions", { timeout: 30_000 }, async () => {
    const here = await signIn("olivia@example.test", PASSWORD);
    const there = await signIn("olivia@example.test", PASSWORD, "192.168.1.77");
    const me = (await userOf(here.cookie))!;
    expect(me.id).toBe(team.operator.id);
    expect((await userOf(there.cookie))?.id).toBe(team.operator.id);

    await expect(passwords.changeOwnPassword({ actor: me, currentSessionId: me.sessionId, input: { currentPassword: "not-my-password", newPassword: "tape-vault-orange-kettle" } })).rejects.toMatchObject({ status: 400, fieldErrors: { currentPassword: ["That isn't your current password."] } });
    await expect(passwords.changeOwnPassword({ actor: me, currentSessionId: me.sessionId, input: { currentPassword: PASSWORD, newPassword: "password1234" } })).rejects.toMatchObject({ status: 400, fieldErrors: { newPassword: [expect.stringMatching(/too easy/)] } });
    expect((await signIn("olivia@example.test", PASSWORD, "192.168.1.90")).status).toBe(200);

    const result = await passwords.changeOwnPassword({ actor: me, currentSessionId: me.sessionId, input: { currentPassword: PASSWORD, newPassword: "tape-vault-orange-kettle" } });
    expect(result.otherSessionsEnded).toBe(2);
    expect((await userOf(here.cookie))?.id).toBe(team.operator.id);
    expect(await userOf(there.cookie)).toBeNull();
    expect((await signIn("olivia@example.test", PASSWORD, "192.168.1.91")).status).toBe(401);
    expect((await signIn("olivia@example.test", "tape-vault-orange-kettle", "192.168.1.91")).status).toBe(200);
    expect(await lastAudit()).toMatchObject({ action: "auth.sign_in", actorId: team.operator.id });
    const change = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "auth.password_change" }, select: { actorId: true, after: true } });
    expect(change).toEqual({ actorId: team.operator.id, after: JSON.stringify({ otherSessionsEnded: 2 }) });
  });
});

describe("an admin's password reset", () => {
  it("stops the old password and every session at once; the one-time link sets a new one, once", { timeout: 30_000 }, async () => {
    const before = await signIn("otto@example.test", PASSWORD);
    expect(await userOf(before.cookie)).not.toBeNull();
    await expect(passwords.createPasswordReset({ actor: team.operator, userId: team.operator2.id })).rejects.toMatchObject({ status: 403 });

    const reset = await passwords.createPasswordReset({ actor: team.admin, userId: team.operator2.id });
    expect(reset.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await userOf(before.cookie)).toBeNull();
    expect((await signIn("otto@example.test", PASSWORD)).status).toBe(401);
    const stored = await db.lib.prisma.passwordReset.findFirstOrThrow({ where: { userId: team.operator2.id } });
    expect(stored.tokenHash).not.toContain(reset.token);
    expect(await passwords.findPasswordReset({ token: reset.token })).toEqual({ name: "Otto Operator", email: "otto@example.test" });

    await expect(passwords.completePasswordReset({ input: { token: reset.token, newPassword: "Otto Operator!" } })).rejects.toMatchObject({ status: 400 });
    expect((await db.lib.prisma.passwordReset.findUniqueOrThrow({ where: { id: stored.id } })).usedAt).toBeNull();
    await passwords.completePasswordReset({ input: { token: reset.token, newPassword: "drive-slot-fourteen-amber" } });
    expect((await signIn("otto@example.test", "drive-slot-fourteen-amber")).status).toBe(200);
    await expect(passwords.completePasswordReset({ input: { token: reset.token, newPassword: "another-fine-passphrase" } })).rejects.toMatchObject({ status: 400, message: "This reset link is not valid any more. Ask an admin for a new one." });

    const actions = (await db.lib.prisma.auditEvent.findMany({ where: { entityId: team.operator2.id, action: { startsWith: "auth.password_reset" } }, orderBy: { seq: "asc" }, select: { action: true, actorId: true } }));
    expect(actions).toEqual([
      { action: "auth.password_reset_issue", actorId: team.admin.id },
      { action: "auth.password_reset_complete", actorId: team.operator2.id },
    ]);
  });

  it("an expired link is refused", async () => {
    const reset = await passwords.createPasswordReset({ actor: team.admin, userId: team.viewer.id });
    await db.lib.prisma.passwordReset.updateMany({ where: { userId: team.viewer.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await passwords.findPasswordReset({ token: reset.token })).toBeNull();
    await expect(passwords.completePasswordReset({ input: { token: reset.token, newPassword: "drive-slot-fourteen-amber" } })).rejects.toMatchObject({ status: 400 });
    // Put the viewer back for the tests below.
    const again = await passwords.createPasswordReset({ actor: team.admin, userId: team.viewer.id });
    await passwords.completePasswordReset({ input: { token: again.token, newPassword: PASSWORD + " again" } });
  });
});

describe("sessions", () => {
  it("a revoked session is refused on its very next request; the list shows the others", async () => {
    const phone = await signIn("vera@example.test", PASSWORD + " again", "10.1.1.5");
    const laptop = await signIn("vera@example.test", PASSWORD + " again", "10.1.1.6");
    const onLaptop = (await userOf(laptop.cookie))!;
    const onPhone = (await userOf(phone.cookie))!;
    const list = await sessions.listSessionsForUser({ userId: team.viewer.id, currentSessionId: onLaptop.sessionId });
    expect(list.map((s) => ({ current: s.current, address: s.address }))).toEqual(expect.arrayContaining([{ current: true, address: "10.1.1.6" }, { current: false, address: "10.1.1.5" }]));
    await expect(sessions.revokeOwnSession({ actor: team.operator, sessionId: onPhone.sessionId })).rejects.toMatchObject({ status: 404 });
    await sessions.revokeOwnSession({ actor: onLaptop, sessionId: onPhone.sessionId });
    expect(await userOf(phone.cookie)).toBeNull();
    expect((await userOf(laptop.cookie))?.id).toBe(team.viewer.id);
    expect(await lastAudit()).toMatchObject({ action: "auth.session_revoke", actorId: team.viewer.id, entityId: onPhone.sessionId });
  });

  it("a session idle past its expiry, or older than the absolute limit, is refused", async () => {
    const { SESSION_LIMITS } = await import("@/lib/platform/auth/auth");
    const idle = await signIn("ada@example.test", PASSWORD, "10.2.2.2");
    const adaSession = (await userOf(idle.cookie))!;
    await db.lib.prisma.session.update({ where: { id: adaSession.sessionId }, data: { createdAt: new Date(Date.now() - SESSION_LIMITS.absoluteMs - 1000) } });
    // Wait out the few seconds a verified cookie is remembered, without a fixed sleep: a fresh Cookie header string misses that memo.
    expect(await userOf(`${idle.cookie}; x=1`)).toBeNull();
    const again = await signIn("ada@example.test", PASSWORD, "10.2.2.3");
    const second = (await userOf(again.cookie))!;
    await db.lib.prisma.session.update({ where: { id: second.sessionId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await userOf(`${again.cookie}; x=2`)).toBeNull();
  });

  it("an admin signs someone out everywhere", async () => {
    const one = await signIn("vera@example.test", PASSWORD + " again", "10.3.3.3");
    expect(await userOf(one.cookie)).not.toBeNull();
    await expect(sessions.revokeAllSessionsOfUser({ actor: team.operator, userId: team.viewer.id })).rejects.toMatchObject({ status: 403 });
    const { revoked } = await sessions.revokeAllSessionsOfUser({ actor: team.admin, userId: team.viewer.id });
    expect(revoked).toBeGreaterThanOrEqual(1);
    expect(await userOf(one.cookie)).toBeNull();
    expect(await db.lib.prisma.session.count({ where: { userId: team.viewer.id } })).toBe(0);
  });
});
