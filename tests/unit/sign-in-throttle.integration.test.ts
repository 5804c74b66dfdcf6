/**
 * The sign-in throttle through the real auth route, in-process on a real SQLite file: the
 * connection's address is what counts (a forged X-Forwarded-For buys no fresh attempts), another
 * address is never delayed by someone else's failures, and the delays grow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let route: typeof import("@/app/api/auth/[...all]/route");
let throttle: typeof import("@/lib/platform/auth/sign-in-throttle");
let team: Awaited<ReturnType<typeof createTeam>>;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  db = await openTestDatabase("sign-in-throttle");
  route = await import("@/app/api/auth/[...all]/route");
  throttle = await import("@/lib/platform/auth/sign-in-throttle");
  team = await createTeam(db.lib);
}, 60_000);
afterAll(async () => db?.close());

async function signIn(peer: string, email: string, password: string, extra: Record<string, string> = {}) {
  const response = await route.POST(
    new Request("http://runsheet.test/api/auth/sign-in/email", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://runsheet.test", host: "runsheet.test", "x-runsheet-peer-address": peer, "x-runsheet-peer-protocol": "http", ...extra },
      body: JSON.stringify({ email, password }),
    }),
  );
  return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
}

const email = (name: string) => `${name}@example.test`;

describe("sign-in throttle", () => {
  it("grows the delay from 30 s, doubling, up to 15 minutes", () => {
    const { delayAfterFailures, ACCOUNT_FREE_FAILURES: free } = throttle;
    expect([1, 4].map((n) => delayAfterFailures(n, free))).toEqual([0, 0]);
    expect([5, 6, 7, 8, 9, 10, 20].map((n) => delayAfterFailures(n, free) / 1000)).toEqual([30, 60, 120, 240, 480, 900, 900]);
  });

  it("counts the connection's address, whatever X-Forwarded-For says, and never delays another address", async () => {
    for (let i = 1; i <= 5; i++) {
      const answer = await signIn("192.168.7.7", email("olivia"), `wrong-${i}-password`, { "x-forwarded-for": `203.0.113.${i}` });
      expect(answer.status).toBe(401);
    }
    const delayed = await signIn("192.168.7.7", email("olivia"), PASSWORD, { "x-forwarded-for": "198.51.100.1" });
    expect(delayed.status).toBe(429);
    expect(delayed.body.message).toMatch(/^Too many failed sign-ins from this address\. Try again in (29|30) seconds\.$/);

    const own = await signIn("192.168.7.50", email("olivia"), PASSWORD);
    expect(own.status).toBe(200);
    const sessions = await db.lib.prisma.session.findMany({ where: { userId: team.operator.id }, select: { ipAddress: true } });
    expect(sessions).toEqual([{ ipAddress: "192.168.7.50" }]);
    const keys = (await db.lib.prisma.signInThrottle.findMany({ select: { key: true, failures: true }, orderBy: { key: "asc" } })).filter((k) => k.key.includes("192.168.7"));
    expect(keys).toEqual([
      { key: "account:olivia@example.test|192.168.7.7", failures: 5 },
      { key: "address:192.168.7.7", failures: 5 },
    ]);
  });

  it("trusts X-Forwarded-For from a configured proxy: two clients behind it have separate budgets", async () => {
    process.env.RUNSHEET_TRUSTED_PROXIES = "10.9.0.1";
    try {
      for (let i = 1; i <= 5; i++) expect((await signIn("10.9.0.1", email("otto"), `wrong-${i}-password`, { "x-forwarded-for": "172.16.0.66" })).status).toBe(401);
      expect((await signIn("10.9.0.1", email("otto"), PASSWORD, { "x-forwarded-for": "172.16.0.66" })).status).toBe(429);
      expect((await signIn("10.9.0.1", email("otto"), PASSWORD, { "x-forwarded-for": "172.16.0.12" })).status).toBe(200);
    } finally {
      delete process.env.RUNSHEET_TRUSTED_PROXIES;
    }
  });

  it("a success clears the account's failures from that address", async () => {
    for (let i = 1; i <= 3; i++) expect((await signIn("192.168.8.8", email("vera"), `wrong-${i}-password`)).status).toBe(401);
    expect((await signIn("192.168.8.8", email("vera"), PASSWORD)).status).toBe(200);
    expect(await db.lib.prisma.signInThrottle.findUnique({ where: { key: "account:vera@example.test|192.168.8.8" } })).toBeNull();
    expect((await db.lib.prisma.signInThrottle.findUnique({ where: { key: "address:192.168.8.8" } }))?.failures).toBe(3);
  });
});
