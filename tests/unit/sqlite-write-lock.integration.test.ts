/**
 * The Prisma services' writes (plan edits, run starts, imports, the notification passes) when
 * another connection holds SQLite's write lock: they wait their turn, up to the busy budget, and
 * then commit; past it they fail as "busy" (503, try again) with nothing changed. The SQLite
 * adapter reports a locked database with an error kind that on PostgreSQL means "unreachable", and
 * read that way such a write failed at once, as "can't reach the database". (Sign-offs take the
 * direct connection; tests/faults/busy.test.ts holds the lock from another process for those.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phaseInput } from "@/lib/plan/schemas";
import { BusyError } from "@/lib/platform/errors";
import { auditCount, caught, createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("sqlite-write-lock");
  team = await createTeam(db.lib);
}, 60_000);
afterAll(async () => db?.close());

/** Another connection takes the write lock, as another process's write would. */
function holdWriteLock() {
  const raw = db.openRaw();
  raw.exec("BEGIN IMMEDIATE");
  let held = true;
  return {
    release: () => {
      if (!held) return;
      held = false;
      raw.exec("ROLLBACK");
      raw.close();
    },
  };
}

const phasesNamed = (projectId: string, title: string) => db.lib.prisma.phase.count({ where: { projectId, title } });

describe("a Prisma write that meets another connection's write lock", () => {
  it("waits its turn and commits once the lock is gone", async () => {
    const project = await createProject(db.lib, team.admin, { name: `Waits ${Date.now()}`, template: "empty" });
    const events = await auditCount(db.lib);
    const lock = holdWriteLock();
    let settled = false;
    const edit = db.lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Added while locked" }) }).finally(() => (settled = true));
    try {
      // Held for a while (another process's long write), shorter than the 5 s budget.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(settled).toBe(false);
    } finally {
      lock.release();
    }
    await expect(edit).resolves.toMatchObject({ title: "Added while locked" });
    expect(await phasesNamed(project.id, "Added while locked")).toBe(1);
    expect(await auditCount(db.lib)).toBe(events + 1);
  });

  it("fails as busy, changing nothing, when the lock outlasts the busy budget", async () => {
    const project = await createProject(db.lib, team.admin, { name: `Busy ${Date.now()}`, template: "empty" });
    const events = await auditCount(db.lib);
    const lock = holdWriteLock();
    let error: Awaited<ReturnType<typeof caught>>;
    try {
      error = await caught(() => db.lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Never added" }) }));
    } finally {
      lock.release();
    }
    expect(error).toBeInstanceOf(BusyError);
    expect(error).toMatchObject({ status: 503, code: "busy" });
    expect(await phasesNamed(project.id, "Never added")).toBe(0);
    expect(await auditCount(db.lib)).toBe(events);
  }, 20_000);
});
