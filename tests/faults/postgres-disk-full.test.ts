/**
 * Full disk on PostgreSQL, for real: the app's tables and indexes are moved to a tablespace on
 * their own small tmpfs, which the test fills to the last byte (the WAL stays on the server's
 * disk, as the catalogs do). A sign-off that needs a new block then gets PostgreSQL's own
 * "could not extend file … No space left on device" (53100) in the middle of its pipelined
 * transaction. The operator must get 507 {code:"storage"} and the database must keep nothing of
 * that sign-off; one that still fits in a block with room may go through and must be stored
 * whole. Once space is freed, the very next sign-off works. tests/faults/disk-full.test.ts is the
 * same on SQLite.
 *
 * Mounting a tmpfs needs root (small-disk.ts); where that's not possible the test is skipped.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { signIn, signOff } from "../../bench/lib/http";
import { startServer, type ServerHandle } from "../../bench/lib/server";
import { expectSignOffsKept, startPostgresInstallation, type PostgresInstallation } from "./postgres-installation";
import { fillDisk, tryMountTmpfs, unmount } from "./small-disk";

/** Sign-offs tried on the full disk before the test gives up waiting for one to need a new block. */
const MAX_ATTEMPTS = 40;

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-pg-fulldisk-"));
const mounted = tryMountTmpfs(mountPoint, "32m");
if (!mounted) {
  console.warn(`PostgreSQL disk-full test skipped: cannot mount a tmpfs at ${mountPoint} (needs root/CAP_SYS_ADMIN).`);
  fs.rmSync(mountPoint, { recursive: true, force: true });
}

describe.skipIf(!mounted)("full disk on PostgreSQL", () => {
  let installation: PostgresInstallation | undefined;
  let server: ServerHandle | undefined;
  const filler = path.join(mountPoint, "filler");

  afterAll(async () => {
    try {
      await server?.kill9();
    } finally {
      try {
        // PostgreSQL stops first: it keeps files open on the tmpfs.
        await installation?.cleanup();
      } finally {
        unmount(mountPoint);
        fs.rmSync(mountPoint, { recursive: true, force: true });
      }
    }
  });

  it("answers 507 storage, keeps nothing of a refused sign-off, and recovers once space is freed", async () => {
    installation = await startPostgresInstallation({ database: "runsheet_fulldisk", steps: 60, phases: 3, operators: 3 });
    const { seeded, pool, env } = installation;
    const runId = seeded.liveRunId!;

    // PostgreSQL runs as its package's user when the tests run as root (postgres-server.ts).
    if (process.getuid?.() === 0) execFileSync("chown", ["postgres", mountPoint]);
    await pool.query(`CREATE TABLESPACE "runsheet_small" LOCATION ${pg.escapeLiteral(mountPoint)}`);
    await pool.query(`ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE "runsheet_small"`);
    await pool.query(`ALTER INDEX ALL IN TABLESPACE pg_default SET TABLESPACE "runsheet_small"`);
    const moved = await pool.query<{ tablename: string }>(`SELECT "tablename" FROM pg_tables WHERE "tablespace" = 'runsheet_small'`);
    expect(moved.rows.map((row) => row.tablename)).toEqual(expect.arrayContaining(["audit_event", "step_run", "run"]));

    server = await startServer({ databasePath: "unused", env });
    const operators = await Promise.all(seeded.operators.map(async (op) => ({ id: op.id, cookie: await signIn(server!.baseUrl, op.email, seeded.password) })));
    const [first, ...steps] = seeded.signableStepIds;
    const warm = await signOff(server.baseUrl, operators[0].cookie, runId, first);
    expect(warm.status, warm.text).toBe(200);
    const acknowledged = [{ stepId: first, userId: operators[0].id }];

    expect(fillDisk(filler)).toBeGreaterThan(0);
    expect(fs.statfsSync(mountPoint).bavail).toBe(0);

    // Until a sign-off needs a new block (an audit event page, an index leaf): those before it
    // may still fit in pages with room. Each answer is either stored whole or refused whole.
    const refused: string[] = [];
    const queue = [...steps];
    for (let attempt = 0; attempt < MAX_ATTEMPTS && refused.length < 3; attempt++) {
      const stepId = queue.shift()!;
      const operator = operators[attempt % operators.length];
      const response = await signOff(server.baseUrl, operator.cookie, runId, stepId);
      if (response.status === 200) {
        acknowledged.push({ stepId, userId: operator.id });
        continue;
      }
      expect(response.status, response.text).toBe(507);
      expect(response.body).toMatchObject({ error: { code: "storage" } });
      expect(response.text).not.toMatch(/\bat .+:\d+:\d+|stack|prisma|53100|could not extend|tablespace/i);
      refused.push(stepId);
    }
    expect(refused.length, `no sign-off was refused in ${MAX_ATTEMPTS} attempts on a full disk`).toBe(3);

    // Nothing of a refused sign-off was kept: the step is still pending, with no event.
    const stateOf = async (stepId: string) =>
      (
        await pool.query<{ status: string; signedOffById: string | null; events: number }>(
          `SELECT sr."status", sr."signedOffById",
                  (SELECT count(*)::int FROM "audit_event" a WHERE a."entityId" = sr."id" AND a."action" = 'step.done') AS "events"
             FROM "step_run" sr WHERE sr."runId" = $1 AND sr."stepId" = $2`,
          [runId, stepId],
        )
      ).rows[0];
    for (const stepId of refused) expect(await stateOf(stepId)).toEqual({ status: "PENDING", signedOffById: null, events: 0 });

    // Free the space: the very next sign-off (of a refused step) works, first try.
    fs.rmSync(filler);
    const retry = await signOff(server.baseUrl, operators[1].cookie, runId, refused[0]);
    expect(retry.status, retry.text).toBe(200);
    acknowledged.push({ stepId: refused[0], userId: operators[1].id });
    for (const stepId of refused.slice(1)) expect(await stateOf(stepId)).toEqual({ status: "PENDING", signedOffById: null, events: 0 });

    // Every acknowledged sign-off stored once by its operator; the audit trail verifies.
    await expectSignOffsKept(installation, { runId, acknowledged, outcomeUnknown: [], unknownAs: "refused" });
    console.log(`PostgreSQL full disk: ${acknowledged.length - 2} sign-offs still fitted, then ${refused.length} refused with 507; the retry after freeing space was stored.`);
  });
});
