/**
 * Full disk, for real: the database lives on its own small tmpfs, which the test fills to the
 * last byte. SQLite then gets ENOSPC when it appends the transaction to the WAL at COMMIT, as
 * on a full production disk (the WAL is checkpointed and truncated first, so a commit needs new
 * blocks). The operator must get 507 {code:"storage"} and the database must be unchanged; once
 * space is freed, sign-offs work again.
 *
 * Mounting a tmpfs needs root (small-disk.ts); where that's not possible the test is skipped.
 * tests/faults/postgres-disk-full.test.ts is the same on PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { fillDisk, tryMountTmpfs, unmount } from "./small-disk";
import { contentFingerprint, integrityCheck, openDb, seededDatabase, signOffConsistency, stepRun, verifyAuditChain, type TestDatabase } from "./helpers";

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-fulldisk-"));
const mounted = tryMountTmpfs(mountPoint, "24m");
if (!mounted) {
  console.warn(`disk-full test skipped: cannot mount a tmpfs at ${mountPoint} (needs root/CAP_SYS_ADMIN).`);
  fs.rmSync(mountPoint, { recursive: true, force: true });
}

describe.skipIf(!mounted)("full disk", () => {
  let database: TestDatabase;
  let server: ServerHandle;
  let cookies: { id: string; cookie: string }[];
  const filler = path.join(mountPoint, "filler");

  beforeAll(async () => {
    database = seededDatabase({ dir: mountPoint, steps: 60, phases: 3, operators: 3, clients: 10 });
    server = await startServer({ databasePath: database.databasePath });
    cookies = await Promise.all(database.seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server.baseUrl, op.email, database.seeded.password) })));
  });
  afterAll(async () => {
    await server?.kill9();
    if (mounted) {
      unmount(mountPoint);
      fs.rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  it("answers 507 storage, changes nothing, and recovers once space is freed", async () => {
    const { seeded, databasePath } = database;
    const runId = seeded.liveRunId!;
    const [first, ...steps] = seeded.signableStepIds;
    const warm = await signOff(server.baseUrl, cookies[0].cookie, runId, first);
    expect(warm.status, warm.text).toBe(200);

    const db = openDb(databasePath);
    try {
      // Empty the WAL so the next commit must allocate new blocks.
      const [checkpoint] = db.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
      expect(checkpoint.busy).toBe(0);
      const before = contentFingerprint(db);

      const filled = fillDisk(filler);
      expect(filled).toBeGreaterThan(0);
      expect(fs.statfsSync(mountPoint).bavail).toBe(0);

      for (const [i, stepId] of steps.slice(0, 3).entries()) {
        const response = await signOff(server.baseUrl, cookies[i % cookies.length].cookie, runId, stepId);
        expect(response.status, response.text).toBe(507);
        expect(response.body).toMatchObject({ error: { code: "storage" } });
        expect(response.text).not.toMatch(/\bat .+:\d+:\d+|stack|prisma|SQLITE/i);
      }
      expect(contentFingerprint(db)).toBe(before);

      // Free the space: the very next sign-off works, nothing from the refused ones reappears.
      fs.rmSync(filler);
      const retry = await signOff(server.baseUrl, cookies[1].cookie, runId, steps[0]);
      expect(retry.status, retry.text).toBe(200);
      expect(stepRun(db, runId, steps[0])).toMatchObject({ status: "DONE", signedOffById: cookies[1].id });
      for (const stepId of steps.slice(1, 3)) expect(stepRun(db, runId, stepId)).toMatchObject({ status: "PENDING", version: 1 });
      expect(integrityCheck(db)).toBe("ok");
      expect(signOffConsistency(db)).toEqual([]);
      expect(verifyAuditChain(db)).toMatchObject({ ok: true });
    } finally {
      fs.rmSync(filler, { force: true });
      db.close();
    }
  });
});
