/**
 * GET /api/health: what a load balancer in front of several instances asks, and what the run
 * page asks when its live stream fails (components/live/use-live-updates.ts).
 */
import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, TESTS_ON_POSTGRES, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase("health");
});
afterAll(async () => db?.close());

/** A loopback port with nothing listening: a database server that is down. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("GET /api/health", () => {
  it("answers 200 with the database reachable, never from a cache, to anyone", async () => {
    const { GET } = await import("@/app/api/health/route");
    const response = await GET(new Request("http://runsheet.test/api/health"), { params: Promise.resolve({}) });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok", database: { provider: TESTS_ON_POSTGRES ? "postgresql" : "sqlite", reachable: true } });
  });

  it("says unavailable when the database doesn't answer", async () => {
    const { checkHealth } = await import("@/lib/platform/health/check-health");
    const { PrismaClient } = await import("@/lib/generated/prisma-postgres/client");
    const down = new PrismaClient({ adapter: new PrismaPg({ connectionString: `postgresql://runsheet@127.0.0.1:${await closedPort()}/runsheet`, connectionTimeoutMillis: 2000 }) });
    try {
      const health = await checkHealth({ client: down as never });
      expect(health).toMatchObject({ status: "unavailable", database: { reachable: false } });
    } finally {
      await down.$disconnect();
    }
  });
});
