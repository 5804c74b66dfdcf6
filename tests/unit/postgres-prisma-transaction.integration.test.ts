/**
 * The Prisma services' transactions on PostgreSQL (runPrismaPgTransaction), against a real server:
 * one at a time under the chain lock, so the read-then-write services written for SQLite's single
 * writer stay correct with many writers; audit appends through Prisma take the chain lock (alone and mixed with the direct
 * store's), and the commit reaches this instance's listeners and the other instances.
 */
import type pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PrismaClient as PostgresPrisma } from "@/lib/generated/prisma-postgres/client";
import type { Tx } from "@/lib/platform/db/client";
import { appendAuditEvent } from "@/lib/audit/service";
import { insertAuditEventPg } from "@/lib/audit/store.postgres";
import { verifyChain } from "@/lib/audit/chain";
import { listenForChanges } from "@/lib/platform/db/change-channel-postgres";
import { onProjectsCommitted } from "@/lib/platform/db/commits";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { createPostgresPool } from "@/lib/platform/db/postgres-pool";
import { runPgTransaction, runPrismaPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { BusyError } from "@/lib/platform/errors";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";

// lib/audit/service opens this process's SQLite client on import: a throw-away file, not ./data.
await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("pg-prisma"));

let server: PostgresServer;
let url: string;
let pool: pg.Pool;
let prisma: PostgresPrisma;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase("prisma_tx");
  await applyPostgresMigrations({ connectionString: url });
  pool = createPostgresPool({ connectionString: url, max: 12 });
  prisma = new PostgresPrisma({ adapter: new PrismaPg({ connectionString: url, max: 12 }) });
  await prisma.user.create({ data: { id: "u-olivia", name: "Olivia Chen", email: "olivia@example.test", role: "OPERATOR" } });
}, 60_000);

afterAll(async () => {
  for (const close of closers) await close();
  await prisma?.$disconnect();
  await pool?.end();
  await server?.stop();
});

const asTx = (client: PostgresPrisma) => client as unknown as Parameters<typeof runPrismaPgTransaction>[0];

/** Starts `n` tasks that each read, wait until all have read (first attempt only), then write. */
function barrier(n: number) {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return async () => {
    if (++arrived === n) release();
    await all;
  };
}

describe("runPrismaPgTransaction", () => {
  it("keeps read-then-write correct with many writers: ten concurrent increments all count, each run once", async () => {
    await prisma.setting.create({ data: { key: "counter", value: "0" } });
    const attempts: number[] = Array(10).fill(0);
    await Promise.all(
      attempts.map((_, n) =>
        runPrismaPgTransaction(
          asTx(prisma),
          async (tx: Tx) => {
            const value = Number((await tx.setting.findUniqueOrThrow({ where: { key: "counter" } })).value);
            attempts[n]++;
            await tx.$executeRawUnsafe(`SELECT pg_sleep(0.02)`); // time for the others to read the same value, were they let in
            await tx.setting.update({ where: { key: "counter" }, data: { value: String(value + 1) } });
          },
          { budgetMs: 30_000 },
        ),
      ),
    );
    expect((await prisma.setting.findUniqueOrThrow({ where: { key: "counter" } })).value).toBe("10");
    expect(attempts).toEqual(Array(10).fill(1)); // queued on the lock, not aborted and retried
  });

  it("the control: the same increments in plain READ COMMITTED transactions lose updates", async () => {
    await prisma.setting.create({ data: { key: "counter-control", value: "0" } });
    const allRead = barrier(10);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        prisma.$transaction(async (tx) => {
          const value = Number((await tx.setting.findUniqueOrThrow({ where: { key: "counter-control" } })).value);
          await allRead();
          await tx.setting.update({ where: { key: "counter-control" }, data: { value: String(value + 1) } });
        }),
      ),
    );
    expect(Number((await prisma.setting.findUniqueOrThrow({ where: { key: "counter-control" } })).value)).toBeLessThan(10);
  });

  it("audit appends through Prisma and through the direct store, all at once, make one linear chain", async () => {
    const viaPrisma = Array.from({ length: 12 }, (_, n) =>
      runPrismaPgTransaction(asTx(prisma), (tx) => appendAuditEvent(tx, { actor: { id: "u-olivia", name: "Olivia Chen" }, projectId: "project-chain", action: "plan.edit", entityType: "step", entityId: `p-${n}`, before: null, after: { n } }), { budgetMs: 30_000 }),
    );
    const direct = Array.from({ length: 12 }, (_, n) =>
      runPgTransaction(pool, (tx) => insertAuditEventPg(tx, { actor: null, projectId: "project-chain", action: "step.done", entityType: "step_run", entityId: `d-${n}`, before: null, after: { n } })),
    );
    await Promise.all([...viaPrisma, ...direct]);
    const rows = (await pool.query(`SELECT * FROM "audit_event" ORDER BY "seq"`)).rows;
    expect(rows).toHaveLength(24);
    expect(verifyChain(rows)).toMatchObject({ ok: true, count: 24 });
  });

  it("tells this instance's listeners and the other instances after the commit, and neither after a rollback", async () => {
    const heardHere: string[][] = [];
    onProjectsCommitted("prisma-pg-test", (projects) => heardHere.push([...projects]));
    const heardThere: (string[] | "all")[] = [];
    const other = listenForChanges({ connectionString: url, instance: "other-instance", onChange: (p) => heardThere.push(p), onGap: () => undefined });
    closers.push(() => other.close());
    await other.listening();
    const append = (projectId: string) => (tx: Tx) => appendAuditEvent(tx, { actor: null, projectId, action: "plan.edit", entityType: "plan", entityId: projectId, before: null, after: {} });
    await expect(
      runPrismaPgTransaction(asTx(prisma), async (tx) => {
        await append("project-rolled-back")(tx);
        throw new Error("the edit failed after its audit event");
      }),
    ).rejects.toThrow("the edit failed after its audit event");
    await runPrismaPgTransaction(asTx(prisma), append("project-committed"));
    await vi.waitFor(() => expect(heardThere).toEqual([["project-committed"]]));
    expect(heardHere.filter((p) => p.includes("project-committed") || p.includes("project-rolled-back"))).toEqual([["project-committed"]]);
  });

  it("a conflict that outlasts the budget is busy (503); other errors pass through", async () => {
    const conflict = runPrismaPgTransaction(asTx(prisma), async (tx) => tx.$executeRawUnsafe(`DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001'; END $$`), { budgetMs: 50 });
    await expect(conflict).rejects.toBeInstanceOf(BusyError);
    const missing = runPrismaPgTransaction(asTx(prisma), async (tx) => tx.setting.findUniqueOrThrow({ where: { key: "no-such-setting" } }));
    await expect(missing).rejects.toMatchObject({ code: "P2025" });
  });
});
