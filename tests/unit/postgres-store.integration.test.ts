/**
 * The PostgreSQL store layer's foundations against a real PostgreSQL server: the transaction
 * runner (retry on deadlock, classified failures), the audit append under its advisory lock with
 * several writers, and the same audit contract on SQLite and PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertAuditEventPg, readAuditHeadPg } from "@/lib/audit/store.postgres";
import { insertAuditEventSql, readAuditHeadSql } from "@/lib/audit/store.sqlite";
import { chainLink, GENESIS_HASH, verifyChain, verifyStoredChain, type AuditInput, type StoredAuditRow } from "@/lib/audit/chain";
import { BusyError, DatabaseUnavailableError, StorageError } from "@/lib/platform/errors";
import { applyMigrations } from "@/lib/platform/db/migrate";
import { applyPostgresMigrations } from "@/lib/platform/db/migrate-postgres";
import { createPostgresPool } from "@/lib/platform/db/postgres-pool";
import { classifyDatabaseError } from "@/lib/platform/db/classify-error";
import { onProjectsCommitted } from "@/lib/platform/db/commits";
import type { SqlTx } from "@/lib/platform/db/transaction";
import { runPgTransaction } from "@/lib/platform/db/transaction-postgres";
import { PrismaClient } from "@/lib/generated/prisma-postgres/client";
import { startPostgres, type PostgresServer } from "./helpers/postgres-server";

// The audit append names API tokens through the auth module, which opens this process's SQLite
// client on import: point it at a throw-away file, not ./data (vi.hoisted runs before the imports).
await vi.hoisted(async () => (await import("./helpers/throwaway-database-url")).useThrowawayDatabaseUrl("pg-store"));

let server: PostgresServer;
let databaseCount = 0;
const pools: pg.Pool[] = [];

async function migratedPool(max = 10): Promise<{ url: string; pool: pg.Pool }> {
  const url = await server.createDatabase(`store_${++databaseCount}`);
  await applyPostgresMigrations({ connectionString: url });
  const pool = createPostgresPool({ connectionString: url, max });
  pools.push(pool);
  return { url, pool };
}

const event = (n: number, projectId = "project-a"): AuditInput => ({
  actor: null,
  projectId,
  runId: null,
  action: "step.done",
  entityType: "step_run",
  entityId: `step-${n}`,
  before: { status: "IN_PROGRESS" },
  after: { status: "DONE", n },
});

async function readChainPg(pool: pg.Pool) {
  const rows = await pool.query(`SELECT * FROM "audit_event" ORDER BY "seq"`);
  return rows.rows as (Parameters<typeof verifyChain>[0] extends Iterable<infer R> ? R : never)[];
}

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  for (const pool of pools) await pool.end();
  await server?.stop();
});

describe("the audit store contract, on SQLite and on PostgreSQL", () => {
  // One contract, two stores: each appends to a fresh migrated database through its own transaction.
  const stores: Record<string, () => Promise<{ append: (input: AuditInput) => Promise<{ seq: number; hash: string }>; head: () => Promise<{ seq: number; hash: string } | null>; verify: () => Promise<ReturnType<typeof verifyChain>>; close: () => Promise<void> }>> = {
    sqlite: async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-audit-contract-"));
      const file = path.join(dir, "contract.db");
      applyMigrations({ databasePath: file });
      const db = new Database(file);
      return {
        append: async (input) => db.transaction(() => insertAuditEventSql({ db, touchedProjects: new Set() } satisfies SqlTx, input)).immediate(),
        head: async () => readAuditHeadSql(db),
        verify: async () => verifyStoredChain(db.prepare(`SELECT * FROM "audit_event" ORDER BY "seq"`).all() as StoredAuditRow[]),
        close: async () => {
          db.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    postgresql: async () => {
      const { pool } = await migratedPool();
      return {
        append: (input) => runPgTransaction(pool, (tx) => insertAuditEventPg(tx, input)),
        head: () => readAuditHeadPg(pool as unknown as pg.ClientBase),
        verify: async () => verifyChain(await readChainPg(pool)),
        close: async () => undefined,
      };
    },
  };

  for (const [dialect, open] of Object.entries(stores)) {
    it(`${dialect}: an empty chain has no head; appends link to each other, get rising seqs and verify`, async () => {
      const store = await open();
      try {
        expect(await store.head()).toBeNull();
        const first = await store.append(event(1));
        const second = await store.append(event(2));
        const third = await store.append(event(3, "project-b"));
        expect(second.seq).toBeGreaterThan(first.seq);
        expect(third.seq).toBeGreaterThan(second.seq);
        expect(await store.head()).toEqual(third);
        expect(await store.verify()).toEqual({ ok: true, count: 3, head: third.hash });
      } finally {
        await store.close();
      }
    });
  }

  it("both stores hash the same event to the same link (one chain format)", async () => {
    const sqlite = await stores.sqlite();
    const postgres = await stores.postgresql();
    try {
      await sqlite.append(event(1));
      await postgres.append(event(1));
      // The hash covers the time too, so compare each row against a link recomputed from its own content.
      for (const verdict of [await sqlite.verify(), await postgres.verify()]) expect(verdict).toMatchObject({ ok: true, count: 1 });
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });
});

describe("the audit append's hash, computed by PostgreSQL in SQL", () => {
  it("is the hash Node computes, for text JSON escapes and text it doesn't: the chain verifies in Node, event by event", async () => {
    const { pool } = await migratedPool(2);
    const awkward: AuditInput[] = [
      { ...event(1), entityType: 'Zoë "night shift" O\'Brien \\ 🦉' },
      { ...event(2), entityId: "line1\nline2\ttab\u0001\u2028\u2029", after: { note: "tar cf - /usr/openv | ssh nbu-02 'tar xf - -C /'", lone: "\ud800", ß: "Straße" } },
      { ...event(3), before: null, after: [1.5, true, null, "日本語"] },
      // A lone surrogate in a text column: stored as U+FFFD, so it must be hashed that way too.
      { ...event(6), entityId: "step-\ud800-x" },
    ];
    const appended = [];
    for (const input of awkward) appended.push(await runPgTransaction(pool, (tx) => insertAuditEventPg(tx, input)));
    // Two appends in one transaction: the second reuses the chain lock the first took.
    const pair = await runPgTransaction(pool, async (tx) => [await insertAuditEventPg(tx, event(4)), await insertAuditEventPg(tx, event(5))]);
    const chain = await readChainPg(pool);
    expect(chain.map((row) => row.hash)).toEqual([...appended, ...pair].map((a) => a.hash));
    expect(chain.map((row) => row.entityType)[0]).toBe('Zoë "night shift" O\'Brien \\ 🦉');
    expect(chain.map((row) => row.entityId)[3]).toBe("step-\ufffd-x");
    expect(verifyChain(chain)).toEqual({ ok: true, count: 6, head: pair[1].hash });
  });
});

describe("the audit chain with several writers on PostgreSQL", () => {
  it("stays linear: 40 concurrent appends over 10 connections, every one committed, the chain verifies", async () => {
    const { pool } = await migratedPool(10);
    const results = await Promise.all(Array.from({ length: 40 }, (_, n) => runPgTransaction(pool, (tx) => insertAuditEventPg(tx, event(n)))));
    const chain = await readChainPg(pool);
    expect(chain).toHaveLength(40);
    expect(verifyChain(chain)).toEqual({ ok: true, count: 40, head: chain[39].hash });
    expect(new Set(results.map((r) => r.seq)).size).toBe(40);
  });

  it("without the lock the same appends collide (the control: the lock is what keeps it linear)", async () => {
    const { pool } = await migratedPool(10);
    const naiveAppend = (n: number) =>
      runPgTransaction(pool, async (tx) => {
        const last = await tx.client.query(`SELECT "hash" FROM "audit_event" ORDER BY "seq" DESC LIMIT 1`);
        // Give the other writers time to read the same head, as a busy server would.
        await tx.client.query(`SELECT pg_sleep(0.02)`);
        const { content, prevHash, hash } = chainLink(last.rows[0]?.hash ?? GENESIS_HASH, event(n));
        await tx.client.query(
          `INSERT INTO "audit_event" ("at","actorId","actorName","projectId","runId","action","entityType","entityId","before","after","prevHash","hash") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
          [content.at.toISOString(), content.actorId, content.actorName, content.projectId, content.runId, content.action, content.entityType, content.entityId, content.before, content.after, prevHash, hash],
        );
      });
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => naiveAppend(n)));
    expect(outcomes.filter((o) => o.status === "rejected").length).toBeGreaterThan(0);
  });

  it("seq order is commit order: a reader following the log by seq misses nothing while slow writers commit", async () => {
    const { pool } = await migratedPool(12);
    const seen = new Set<number>();
    let cursor = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) {
        const rows = await pool.query<{ seq: number }>(`SELECT "seq" FROM "audit_event" WHERE "seq" > $1 ORDER BY "seq"`, [cursor]);
        for (const row of rows.rows) seen.add(row.seq);
        if (rows.rows.length > 0) cursor = rows.rows[rows.rows.length - 1].seq;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Each writer holds its transaction open a little after the append, in a random order.
    await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        runPgTransaction(pool, async (tx) => {
          await insertAuditEventPg(tx, event(n));
          await tx.client.query(`SELECT pg_sleep($1)`, [Math.random() * 0.01]);
        }),
      ),
    );
    writing = false;
    await reader;
    const rows = await pool.query<{ seq: number }>(`SELECT "seq" FROM "audit_event" WHERE "seq" > $1 ORDER BY "seq"`, [cursor]);
    for (const row of rows.rows) seen.add(row.seq);
    const all = (await pool.query<{ seq: number }>(`SELECT "seq" FROM "audit_event"`)).rows.map((r) => r.seq);
    expect(all).toHaveLength(30);
    // A cursor only moves forward: had a lower seq committed after a higher one was read, it would be missing.
    expect([...seen].sort((a, b) => a - b)).toEqual(all.sort((a, b) => a - b));
  });

  it("live pages hear of the projects an append touched, after the commit and not after a rollback", async () => {
    const { pool } = await migratedPool();
    const heard: string[][] = [];
    onProjectsCommitted("postgres-store-test", (projects) => heard.push([...projects]));
    await runPgTransaction(pool, (tx) => insertAuditEventPg(tx, event(1, "project-heard")));
    await expect(
      runPgTransaction(pool, async (tx) => {
        await insertAuditEventPg(tx, event(2, "project-rolled-back"));
        throw new Error("the change failed after its audit event");
      }),
    ).rejects.toThrow("the change failed after its audit event");
    expect(heard).toEqual([["project-heard"]]);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "audit_event"`)).rows[0].n).toBe(1);
  });
});

describe("runPgTransaction and the PostgreSQL error classes", () => {
  it("a deadlock rolls one transaction back and runs it again: both changes are committed", async () => {
    const { pool } = await migratedPool();
    await pool.query(`CREATE TABLE "pair" ("id" INT PRIMARY KEY, "n" INT NOT NULL); INSERT INTO "pair" VALUES (1, 0), (2, 0);`);
    let attempts = 0;
    let bothLockedFirstRow!: () => void;
    const firstRowsLocked = new Promise<void>((resolve) => (bothLockedFirstRow = resolve));
    let locked = 0;
    const crossing = (first: number, second: number) =>
      runPgTransaction(pool, async (tx) => {
        attempts++;
        await tx.client.query(`UPDATE "pair" SET "n" = "n" + 1 WHERE "id" = $1`, [first]);
        if (++locked === 2) bothLockedFirstRow();
        await firstRowsLocked; // both hold one row: each now waits for the other's
        await tx.client.query(`UPDATE "pair" SET "n" = "n" + 1 WHERE "id" = $1`, [second]);
      });
    await Promise.all([crossing(1, 2), crossing(2, 1)]);
    expect(attempts).toBe(3); // two first attempts, one rerun of the deadlock's victim
    expect((await pool.query(`SELECT "n" FROM "pair" ORDER BY "id"`)).rows.map((r) => r.n)).toEqual([2, 2]);
  });

  it("a read-only database is a storage error (507) and nothing is written", async () => {
    const { url, pool } = await migratedPool();
    const name = new URL(url).pathname.slice(1);
    await pool.query(`ALTER DATABASE "${name}" SET default_transaction_read_only = on`);
    const readOnlyPool = createPostgresPool({ connectionString: url });
    pools.push(readOnlyPool);
    await expect(runPgTransaction(readOnlyPool, (tx) => insertAuditEventPg(tx, event(1)))).rejects.toBeInstanceOf(StorageError);
    // Prisma's shape of the same failure classifies the same way.
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    try {
      const failure = await prisma.team.create({ data: { name: "BA", key: "ba" } }).catch((error: unknown) => error);
      expect(classifyDatabaseError(failure)).toBeInstanceOf(StorageError);
    } finally {
      await prisma.$disconnect();
    }
    expect((await readOnlyPool.query(`SELECT count(*)::int AS n FROM "audit_event"`)).rows[0].n).toBe(0);
  });

  it("a server that can't be reached, or that ends the connection mid-transaction, is 'unavailable' (503)", async () => {
    const { pool } = await migratedPool();
    const nowhere = createPostgresPool({ connectionString: "postgresql://runsheet@127.0.0.1:1/none" });
    pools.push(nowhere);
    await expect(runPgTransaction(nowhere, async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailableError);

    const killed = runPgTransaction(pool, async (tx) => {
      const pid = (await tx.client.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0].pid;
      await insertAuditEventPg(tx, event(1));
      await pool.query(`SELECT pg_terminate_backend($1)`, [pid]);
      await tx.client.query(`SELECT 1`);
    });
    await expect(killed).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect((await pool.query(`SELECT count(*)::int AS n FROM "audit_event"`)).rows[0].n).toBe(0);
  });

  it("an idle pooled connection that PostgreSQL ends (a restart, a failover, pg_terminate_backend) leaves the pool, not the process, and the next transaction opens a new one", async () => {
    const { url, pool } = await migratedPool(2);
    await runPgTransaction(pool, (tx) => insertAuditEventPg(tx, event(1)));
    expect(pool.idleCount).toBe(1);
    // Another session ends every connection of this database but its own (an unhandled 'error' on
    // the pool would be thrown at the process: vitest fails the run on it).
    const admin = createPostgresPool({ connectionString: url, max: 1 });
    pools.push(admin);
    const ended = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = current_database() AND "pid" <> pg_backend_pid()) t`);
    expect(ended.rows[0].n).toBeGreaterThanOrEqual(1);
    await vi.waitFor(() => expect(pool.totalCount).toBe(0), { timeout: 5000, interval: 20 });
    const next = await runPgTransaction(pool, (tx) => insertAuditEventPg(tx, event(2)));
    expect(verifyChain(await readChainPg(pool))).toEqual({ ok: true, count: 2, head: next.hash });
  });

  it("a conflict that outlasts the budget is busy (503), and other errors pass through unchanged", async () => {
    const { pool } = await migratedPool();
    const serializationFailure = runPgTransaction(pool, async (tx) => tx.client.query(`DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001'; END $$`), { budgetMs: 50 });
    await expect(serializationFailure).rejects.toBeInstanceOf(BusyError);
    const syntax = runPgTransaction(pool, async (tx) => tx.client.query(`SELEC 1`));
    await expect(syntax).rejects.toMatchObject({ code: "42601" });
  });

  it("times read back as written, through the pool and through Prisma, whatever the process zone", async () => {
    const { url, pool } = await migratedPool();
    // Tests pin TZ=UTC, where a local-time mistake can't show: run this one where it would.
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(new Date("2026-12-01T12:00:00Z").getHours()).toBe(7);
      const written = await runPgTransaction(pool, (tx) => insertAuditEventPg(tx, event(1)));
      const viaPool = (await pool.query<{ at: Date }>(`SELECT "at" FROM "audit_event" WHERE "seq" = $1`, [written.seq])).rows[0].at;
      const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
      try {
        const viaPrisma = (await prisma.auditEvent.findUniqueOrThrow({ where: { seq: written.seq } })).at;
        expect(viaPool.toISOString()).toBe(viaPrisma.toISOString());
        expect(Math.abs(viaPool.getTime() - Date.now())).toBeLessThan(60_000);
      } finally {
        await prisma.$disconnect();
      }
    } finally {
      process.env.TZ = zone;
    }
  });
});
