/**
 * Runs keep a frozen copy of the plan, against a real, migrated SQLite file: plan versions (one per
 * change, with its summary and author), an ended run that no plan edit or rename can change (board,
 * CSV and JSON export), an active run that takes plan changes only when an admin applies them (and
 * then only on steps that haven't started), and signers' names as facts. Each describe block builds
 * its own project (and, where a name gets changed, its own users).
 */
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError } from "@/lib/platform/errors";
import { createStepInput, phaseInput, updatePhaseInput, updateStepInput } from "@/lib/plan/schemas";
import { applyPlanInput } from "@/lib/runs/schemas";
import { fleetUpdateInput, updateFleetClientInput } from "@/lib/fleet/schemas";
import { diffPlans } from "@/lib/plan/snapshot";
import type { StepAction } from "@/lib/runs/model";
import { auditCount, caught, createProject, createTeam, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let lib: Lib;
let team: Awaited<ReturnType<typeof createTeam>>;
let fleet: typeof import("@/lib/fleet/service");
let csvExport: typeof import("@/lib/exports/run-csv");
let jsonExport: typeof import("@/lib/exports/run-json");
let frozen: typeof import("@/lib/runs/frozen-plan");

beforeAll(async () => {
  db = await openTestDatabase("frozen-runs");
  lib = db.lib;
  // DATABASE_URL points at the test file now, so these share its client.
  fleet = await import("@/lib/fleet/service");
  csvExport = await import("@/lib/exports/run-csv");
  jsonExport = await import("@/lib/exports/run-json");
  frozen = await import("@/lib/runs/frozen-plan");
  team = await createTeam(lib);
}, 30_000);

afterAll(async () => {
  await db?.close();
});

// ---------- helpers ----------

/** A user of its own for a block that renames people, so no other block sees the new name. */
async function newUser(name: string, email: string, role: "ADMIN" | "OPERATOR"): Promise<TestActor> {
  const u = await lib.users.createUser({ actor: team.admin, input: { name, email, password: "correct horse battery", role } });
  return { id: u.id, name: u.name, role: u.role };
}

const addPhase = (projectId: string, title: string, actor: TestActor = team.admin) => lib.plan.addPhase({ actor, projectId, input: phaseInput.parse({ title }) });

const addStep = (projectId: string, phaseId: string, title: string, extra: Record<string, unknown> = {}, actor: TestActor = team.admin) =>
  lib.plan.addStep({ actor, projectId, input: createStepInput.parse({ phaseId, title, kind: "TASK", plannedMinutes: 10, ...extra }) });

const updateStep = (stepId: string, input: Record<string, unknown>, actor: TestActor = team.admin) => lib.plan.updateStep({ actor, stepId, input: updateStepInput.parse(input) });

const act = (actor: TestActor, runId: string, stepId: string, action: StepAction, extra: { note?: string; reason?: string } = {}) =>
  lib.runs.performStepAction({ actor, runId, stepId, input: { note: "", reason: "", ...extra, action } });

const decide = (actor: TestActor, runId: string, stepId: string, decision: "GO" | "NO_GO") =>
  lib.runs.decideGate({ actor, runId, stepId, input: { decision, note: `${decision} from ${actor.name}` } });

const rehearsal = (projectId: string, name: string) => lib.runs.startRun({ actor: team.admin, projectId, input: { kind: "REHEARSAL", name } });

const versions = (projectId: string) => lib.planVersions.listPlanVersions({ projectId });

/** The run board without `renderedAfterSeq`: the newest audit seq in the whole database, which any write anywhere moves on. */
async function board(runId: string) {
  const { renderedAfterSeq: _seq, ...rest } = await lib.runQueries.getRunBoard({ runId });
  return rest;
}

const EXPORTED_AT = new Date("2031-03-04T05:06:07.000Z");

/** The step CSV as one object per row, keyed by the header (so an added column doesn't shift what is checked). */
function csvRows(text: string): Record<string, string>[] {
  expect(text.startsWith("\uFEFF")).toBe(true);
  const parsed = Papa.parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

async function csv(runId: string) {
  return (await csvExport.buildRunCsv({ runId, now: EXPORTED_AT })).csv;
}

/**
 * The JSON export, generated at a fixed time (`exportedAt`), without `audit.head` and
 * `audit.signedHead`: the head of the installation-wide audit chain at export time and its signed
 * checkpoint, which any later audit event elsewhere (a plan edit, say) moves on. The run's own chain head (`audit.runHead`) stays in.
 */
async function json(runId: string) {
  const { json: doc } = await jsonExport.buildRunJson({ runId, exportedBy: "Export Tester", now: EXPORTED_AT });
  const { head: _head, signedHead: _signedHead, ...audit } = doc.audit;
  return { ...doc, audit };
}

/** All of a run's own rows (step runs, run phases, the run), to prove a refused call changed nothing. */
async function runRows(runId: string) {
  return {
    run: await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } }),
    phases: await lib.prisma.runPhase.findMany({ where: { runId }, orderBy: { id: "asc" } }),
    steps: await lib.prisma.stepRun.findMany({ where: { runId }, orderBy: { id: "asc" } }),
    fleet: await lib.prisma.fleetClientRun.findMany({ where: { runId }, orderBy: { id: "asc" } }),
  };
}

// ---------- a. plan versions ----------

describe("plan versions: one per change", () => {
  let projectId: string;
  let prepare: string;
  let cutover: string;
  let stop: string;
  let copy: string;
  let check: string;
  let dns: string;
  let notify: string;

  /** Runs `fn`, checks it added exactly one version (by the admin, with `summary`) holding the plan as it now is. */
  async function expectOneNewVersion<T>(summary: string, fn: () => Promise<T>, actor: TestActor = team.admin): Promise<T> {
    const before = await versions(projectId);
    const result = await fn();
    const after = await versions(projectId);
    expect(after.length).toBe(before.length + 1);
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({ version: before[0].version + 1, summary, actorName: actor.name });
    const now = await lib.planVersions.loadPlanSnapshot(lib.prisma, projectId);
    expect(await lib.planVersions.getPlanVersionSnapshot({ projectId, version: after[0].version })).toEqual(now);
    expect(after[0].hash).toBe(lib.planVersions.hashPlanSnapshot(now));
    expect(after[0].hash).not.toBe(before[0].hash);
    return result;
  }

  async function expectNoNewVersion(fn: () => Promise<unknown>) {
    const before = await versions(projectId);
    await fn();
    expect(await versions(projectId)).toEqual(before);
  }

  it("a project from a template starts at version 1, named after the template, by its creator", async () => {
    const fromTemplate = await createProject(lib, team.admin, { name: "Versions: template" });
    const list = await versions(fromTemplate.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ version: 1, actorName: "Ada Admin", summary: 'Created from "NetBackup master/media server rehost, keep hostname"' });
    const snapshot = await lib.planVersions.loadPlanSnapshot(lib.prisma, fromTemplate.id);
    expect(snapshot.phases.flatMap((p) => p.steps)).toHaveLength(35);
    expect(list[0].hash).toBe(lib.planVersions.hashPlanSnapshot(snapshot));
    expect(list[0].hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await lib.planVersions.getPlanVersionSnapshot({ projectId: fromTemplate.id, version: 1 })).toEqual(snapshot);
    const row = await lib.prisma.planVersion.findUniqueOrThrow({ where: { projectId_version: { projectId: fromTemplate.id, version: 1 } } });
    expect(row.actorId).toBe(team.admin.id);
  });

  it("an empty project starts at version 1, 'Created empty', with no phases", async () => {
    projectId = (await createProject(lib, team.admin, { name: "Versions: edits", template: "empty" })).id;
    const list = await versions(projectId);
    expect(list.map((v) => [v.version, v.summary, v.actorName])).toEqual([[1, "Created empty", "Ada Admin"]]);
    expect(await lib.planVersions.getPlanVersionSnapshot({ projectId, version: 1 })).toEqual({ phases: [] });
  });

  it("adding phases and steps: one version each", async () => {
    prepare = (await expectOneNewVersion("1 phase added", () => addPhase(projectId, "Prepare"))).id;
    cutover = (await expectOneNewVersion("1 phase added", () => addPhase(projectId, "Cutover"))).id;
    stop = (await expectOneNewVersion("1 step added", () => addStep(projectId, prepare, "Stop jobs"))).id;
    copy = (await expectOneNewVersion("1 step added", () => addStep(projectId, prepare, "Copy catalog", { predecessorIds: [stop] }))).id;
    check = (await expectOneNewVersion("1 step added", () => addStep(projectId, prepare, "Check copy", { predecessorIds: [copy] }))).id;
    dns = (await expectOneNewVersion("1 step added", () => addStep(projectId, cutover, "Switch DNS", { predecessorIds: [check] }))).id;
    notify = (await expectOneNewVersion("1 step added", () => addStep(projectId, cutover, "Notify users"))).id;
    expect((await versions(projectId))[0].version).toBe(8);
  });

  it("updating a step: one version whose diff shows exactly the changed fields", async () => {
    await expectOneNewVersion("1 step changed", () => updateStep(copy, { title: "Copy the catalog", plannedMinutes: 40 }));
    const [v8, v9] = await Promise.all([8, 9].map((version) => lib.planVersions.getPlanVersionSnapshot({ projectId, version })));
    expect(diffPlans(v8, v9).steps).toEqual([
      {
        id: copy,
        title: "Copy the catalog",
        change: "changed",
        fields: [
          { field: "title", before: "Copy catalog", after: "Copy the catalog" },
          { field: "plannedMinutes", before: "10", after: "40" },
        ],
      },
    ]);
  });

  it("moving a step: one version; moving it back adds another (compared with the latest only), with the earlier hash", async () => {
    // The last two steps of the plan, so no other step follows the pair (see plan-snapshot.test.ts).
    const before = (await versions(projectId))[0];
    // One move changes one step's place (lib/plan/snapshot.ts movedItems), however many shifted.
    await expectOneNewVersion("1 step changed", () => lib.plan.moveStep({ actor: team.admin, stepId: notify, direction: "up" }));
    await expectOneNewVersion("1 step changed", () => lib.plan.moveStep({ actor: team.admin, stepId: notify, direction: "down" }));
    const [back] = await versions(projectId);
    expect(back.version).toBe(before.version + 2);
    expect(back.hash).toBe(before.hash);
  });

  it("an edit that changes nothing adds no version (but is still audited)", async () => {
    const audited = await auditCount(lib, { action: "step.update", entityId: stop });
    await expectNoNewVersion(() => updateStep(stop, { title: "Stop jobs" }));
    expect(await auditCount(lib, { action: "step.update", entityId: stop })).toBe(audited + 1);
    // The first step can't move up: nothing happens at all.
    const moves = await auditCount(lib, { action: "step.move" });
    await expectNoNewVersion(() => lib.plan.moveStep({ actor: team.admin, stepId: stop, direction: "up" }));
    expect(await auditCount(lib, { action: "step.move" })).toBe(moves);
  });

  it("renaming a phase, adding and moving an empty phase: one version each", async () => {
    await expectOneNewVersion("1 phase changed", () => lib.plan.updatePhase({ actor: team.admin, phaseId: cutover, input: updatePhaseInput.parse({ title: "Switchover" }) }));
    const wrapUp = (await expectOneNewVersion("1 phase added", () => addPhase(projectId, "Wrap-up"))).id;
    await expectOneNewVersion("1 phase changed", () => lib.plan.movePhase({ actor: team.admin, phaseId: wrapUp, direction: "up" }));
    await expectOneNewVersion("1 phase changed", () => lib.plan.movePhase({ actor: team.admin, phaseId: wrapUp, direction: "down" }));
    // The last phase: no phase after it shifts (deleting an earlier one, see plan-snapshot.test.ts).
    await expectOneNewVersion("1 phase removed", () => lib.plan.deletePhase({ actor: team.admin, phaseId: wrapUp }));
  });

  it("deleting a step with a dependent: one version, the dependent changed too", async () => {
    await expectOneNewVersion("1 step changed, 1 step removed", () => lib.plan.deleteStep({ actor: team.admin, stepId: check }));
    const [latest] = await versions(projectId);
    const diff = diffPlans(
      await lib.planVersions.getPlanVersionSnapshot({ projectId, version: latest.version - 1 }),
      await lib.planVersions.getPlanVersionSnapshot({ projectId, version: latest.version }),
    );
    expect(diff.steps).toEqual([
      { id: dns, title: "Switch DNS", change: "changed", fields: [{ field: "predecessorIds", before: '"Check copy"', after: "none" }] },
      { id: check, title: "Check copy", change: "removed", fields: [] },
    ]);
  });

  it("deleting a phase with its steps: one version", async () => {
    await expectOneNewVersion("2 steps removed, 1 phase removed", () => lib.plan.deletePhase({ actor: team.admin, phaseId: cutover }));
    const now = await lib.planVersions.loadPlanSnapshot(lib.prisma, projectId);
    expect(now.phases.map((p) => [p.title, p.steps.map((s) => s.title)])).toEqual([["Prepare", ["Stop jobs", "Copy the catalog"]]]);
  });

  it("a version records who made it, by id and by the name they had then", async () => {
    const other = await newUser("Abe Admin", "abe.versions@example.test", "ADMIN");
    await expectOneNewVersion("1 step changed", () => updateStep(stop, { plannedMinutes: 7 }, other), other);
    const [latest] = await versions(projectId);
    await lib.prisma.user.update({ where: { id: other.id }, data: { name: "Abe Renamed" } });
    const [again] = await versions(projectId);
    expect(again).toEqual(latest);
    expect(again.actorName).toBe("Abe Admin");
    const row = await lib.prisma.planVersion.findUniqueOrThrow({ where: { projectId_version: { projectId, version: latest.version } } });
    expect(row.actorId).toBe(other.id);
  });

  it("the whole history: numbered 1..n without gaps, newest first, one entry per change above", async () => {
    const list = await versions(projectId);
    expect(list.map((v) => `${v.version} ${v.actorName}: ${v.summary}`)).toEqual([
      "19 Abe Admin: 1 step changed",
      "18 Ada Admin: 2 steps removed, 1 phase removed",
      "17 Ada Admin: 1 step changed, 1 step removed",
      "16 Ada Admin: 1 phase removed",
      "15 Ada Admin: 1 phase changed",
      "14 Ada Admin: 1 phase changed",
      "13 Ada Admin: 1 phase added",
      "12 Ada Admin: 1 phase changed",
      "11 Ada Admin: 1 step changed",
      "10 Ada Admin: 1 step changed",
      "9 Ada Admin: 1 step changed",
      "8 Ada Admin: 1 step added",
      "7 Ada Admin: 1 step added",
      "6 Ada Admin: 1 step added",
      "5 Ada Admin: 1 step added",
      "4 Ada Admin: 1 step added",
      "3 Ada Admin: 1 phase added",
      "2 Ada Admin: 1 phase added",
      "1 Ada Admin: Created empty",
    ]);
    // Three versions are earlier plans again: moved back (11 = 9, 15 = 13) and the added phase deleted (16 = 12).
    const hash = new Map(list.map((v) => [v.version, v.hash]));
    expect([hash.get(11), hash.get(15), hash.get(16)]).toEqual([hash.get(9), hash.get(13), hash.get(12)]);
    expect(new Set(list.map((v) => v.hash)).size).toBe(16);
  });

  // One move of a step that has steps after it is one changed step, not the ones that shifted.
  it("moving a step that has other steps after it is summarised as the one step that moved", async () => {
    const p = (await createProject(lib, team.admin, { name: "Versions: move", template: "empty" })).id;
    const ph = (await addPhase(p, "Only")).id;
    await addStep(p, ph, "First");
    const second = (await addStep(p, ph, "Second")).id;
    await addStep(p, ph, "Third");
    await lib.plan.moveStep({ actor: team.admin, stepId: second, direction: "up" });
    expect((await versions(p))[0].summary).toBe("1 step changed");
  });
});

// ---------- b. an ended run never changes ----------

describe("an ended run never changes", () => {
  let projectId: string;
  let runId: string;
  let olivia: TestActor;
  let bert: TestActor;
  const ids: Record<string, string> = {};
  const phases: Record<string, string> = {};
  let clientIds: string[];
  let boardBefore: Awaited<ReturnType<typeof board>>;
  let csvBefore: string;
  let jsonBefore: Awaited<ReturnType<typeof json>>;

  beforeAll(async () => {
    olivia = await newUser("Olga Operator", "olga.ended@example.test", "OPERATOR");
    bert = await newUser("Bert Operator", "bert.ended@example.test", "OPERATOR");
    projectId = (await createProject(lib, team.admin, { name: "Ended run record", template: "empty" })).id;
    phases.prepare = (await addPhase(projectId, "Prepare")).id;
    phases.cutover = (await addPhase(projectId, "Cutover")).id;
    phases.rollback = (await addPhase(projectId, "Rollback")).id;
    ids.stop = (await addStep(projectId, phases.prepare, "Stop backup jobs", { assigneeId: olivia.id, team: "Backup" })).id;
    ids.catalog = (await addStep(projectId, phases.prepare, "Back up catalog", { plannedMinutes: 30, predecessorIds: [ids.stop] })).id;
    ids.bpconf = (await addStep(projectId, phases.prepare, "Update client bp.conf", { plannedMinutes: 20, isFleet: true, fleetAction: "UPDATE_BPCONF", predecessorIds: [ids.catalog] })).id;
    ids.gate = (await addStep(projectId, phases.cutover, "Go / No-Go", { kind: "GATE", plannedMinutes: 5, predecessorIds: [ids.bpconf] })).id;
    ids.dns = (await addStep(projectId, phases.cutover, "Switch DNS", { plannedMinutes: 15, predecessorIds: [ids.gate] })).id;
    ids.notify = (await addStep(projectId, phases.cutover, "Notify users", { plannedMinutes: 5 })).id;
    ids.restore = (await addStep(projectId, phases.rollback, "Restore DNS", { kind: "ROLLBACK" })).id;
    await lib.prisma.fleetClient.createMany({
      data: [
        { projectId, hostname: "app-01", os: "RedHat", hardware: "x86" },
        { projectId, hostname: "app-02", os: "Windows", hardware: "x64" },
      ],
    });
    clientIds = (await lib.prisma.fleetClient.findMany({ where: { projectId }, orderBy: { hostname: "asc" } })).map((c) => c.id);

    runId = (await rehearsal(projectId, "Ended rehearsal")).id;
    await act(olivia, runId, ids.stop, "start");
    await act(olivia, runId, ids.stop, "done", { note: "All jobs idle" });
    await act(bert, runId, ids.notify, "skip", { reason: "Users told by mail" });
    await act(bert, runId, ids.catalog, "start");
    await act(olivia, runId, ids.catalog, "done");
    await fleet.updateFleetClients({ actor: olivia, runId, stepId: ids.bpconf, input: fleetUpdateInput.parse({ status: "UPDATED", selection: { kind: "filter", status: "ALL", q: "", expectedCount: 2 } }) });
    await act(olivia, runId, ids.bpconf, "done");
    await decide(team.admin, runId, ids.gate, "GO");
    await act(bert, runId, ids.dns, "start");
    await act(olivia, runId, ids.dns, "done", { note: "TTL was 300" });
  }, 30_000);

  it("the run completed, and the captured record shows what happened", async () => {
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.status).toBe("COMPLETED");
    boardBefore = await board(runId);
    csvBefore = await csv(runId);
    jsonBefore = await json(runId);

    expect(boardBefore.phases.map((p) => p.title)).toEqual(["Prepare", "Cutover", "Rollback"]);
    expect(boardBefore.steps.map((s) => [s.number, s.title, s.status, s.startedBy, s.signedOffBy, s.decidedBy, s.assigneeName])).toEqual([
      ["1", "Stop backup jobs", "DONE", "Olga Operator", "Olga Operator", null, "Olga Operator"],
      ["2", "Back up catalog", "DONE", "Bert Operator", "Olga Operator", null, null],
      ["3", "Update client bp.conf", "DONE", "Olga Operator", "Olga Operator", null, null],
      ["4", "Go / No-Go", "DONE", "Ada Admin", "Ada Admin", "Ada Admin", null],
      ["5", "Switch DNS", "DONE", "Bert Operator", "Olga Operator", null, null],
      ["6", "Notify users", "SKIPPED", "Bert Operator", "Bert Operator", null, null],
      ["R1", "Restore DNS", "PENDING", null, null, null, null],
    ]);
    expect(boardBefore.steps.find((s) => s.id === ids.catalog)).toMatchObject({ plannedMinutes: 30, predecessorIds: [ids.stop] });

    const rows = csvRows(csvBefore);
    const pick = (row: Record<string, string>) => [row.Phase, row.Number, row.Title, row.Kind, row.Assignee, row.Status, row["Planned minutes"], row["Signed off by"], row.Note, row.Reason];
    expect(rows.map(pick)).toEqual([
      ["Prepare", "1", "Stop backup jobs", "Task", "Olga Operator", "Done", "10", "Olga Operator", "All jobs idle", ""],
      ["Prepare", "2", "Back up catalog", "Task", "", "Done", "30", "Olga Operator", "", ""],
      ["Prepare", "3", "Update client bp.conf", "Task", "", "Done", "20", "Olga Operator", "", ""],
      ["Cutover", "4", "Go / No-Go", "Go/No-Go gate", "", "Go", "5", "Ada Admin", "GO from Ada Admin", ""],
      ["Cutover", "5", "Switch DNS", "Task", "", "Done", "15", "Olga Operator", "TTL was 300", ""],
      ["Cutover", "6", "Notify users", "Task", "", "Skipped", "5", "Bert Operator", "", "Users told by mail"],
      ["Rollback", "R1", "Restore DNS", "Rollback", "", "Not run", "10", "", "", ""],
    ]);

    expect(jsonBefore.exportedAt).toBe(EXPORTED_AT.toISOString());
    expect(jsonBefore.run.steps["3"].fleet).toEqual([
      expect.objectContaining({ hostname: "app-01", status: "UPDATED", updatedBy: "Olga Operator" }),
      expect.objectContaining({ hostname: "app-02", status: "UPDATED", updatedBy: "Olga Operator" }),
    ]);
    expect(jsonBefore.plan.phases.map((p) => p.title)).toEqual(["Prepare", "Cutover", "Rollback"]);
    expect(jsonBefore.run.planHash).toBe(run.planHash);
    expect(run.planHash).toBe(lib.planVersions.hashPlanSnapshot(await frozen.loadRunSnapshot(lib.prisma, runId)));
  });

  it("plan edits (retitle, minutes, move, delete step and phase, add step, rename phase) and renaming a signer change none of it", async () => {
    const rowsBefore = await runRows(runId);
    const versionsBefore = (await versions(projectId)).length;

    await updateStep(ids.catalog, { title: "Back up the catalog (full)", plannedMinutes: 45 });
    await lib.plan.moveStep({ actor: team.admin, stepId: ids.notify, direction: "up" });
    await lib.plan.deleteStep({ actor: team.admin, stepId: ids.stop });
    await lib.plan.deletePhase({ actor: team.admin, phaseId: phases.rollback });
    await addStep(projectId, phases.cutover, "Post-checks", { plannedMinutes: 25 });
    await lib.plan.updatePhase({ actor: team.admin, phaseId: phases.prepare, input: updatePhaseInput.parse({ title: "Preparation" }) });
    await lib.prisma.user.update({ where: { id: olivia.id }, data: { name: "Olga Renamed" } });
    await lib.prisma.user.update({ where: { id: bert.id }, data: { name: "Bert Renamed" } });

    // The edits did happen.
    expect((await versions(projectId)).length).toBe(versionsBefore + 6);
    const plan = await lib.planVersions.loadPlanSnapshot(lib.prisma, projectId);
    expect(plan.phases.map((p) => [p.title, p.steps.map((s) => s.title)])).toEqual([
      ["Preparation", ["Back up the catalog (full)", "Update client bp.conf"]],
      ["Cutover", ["Go / No-Go", "Notify users", "Switch DNS", "Post-checks"]],
    ]);

    expect(await board(runId)).toEqual(boardBefore);
    expect(await csv(runId)).toBe(csvBefore);
    expect(await json(runId)).toEqual(jsonBefore);
    expect(await runRows(runId)).toEqual(rowsBefore);
  });

  it("the run's frozen copy still hashes to its recorded planHash, and no drift is reported for an ended run", async () => {
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(lib.planVersions.hashPlanSnapshot(await frozen.loadRunSnapshot(lib.prisma, runId))).toBe(run.planHash);
    expect(await lib.planChanges.getRunPlanDrift({ runId })).toBeNull();
  });

  it("editing a fleet client's OS changes neither the board nor the CSV, nor the JSON's run record", async () => {
    await fleet.updateFleetClient({ actor: team.admin, clientId: clientIds[0], input: updateFleetClientInput.parse({ os: "Solaris 11" }) });
    expect(await board(runId)).toEqual(boardBefore);
    expect(await csv(runId)).toBe(csvBefore);
    // The whole JSON, the run's list of clients included: the run keeps the client as it recorded it.
    expect(await json(runId)).toEqual(jsonBefore);
  });

  // The run keeps its starter's name as it was (run.startedByName).
  it("renaming the admin who started the run doesn't change its JSON export", async () => {
    const starter = await newUser("Stan Starter", "stan.ended@example.test", "ADMIN");
    const p = (await createProject(lib, team.admin, { name: "Ended run: starter", template: "empty" })).id;
    const ph = (await addPhase(p, "Only")).id;
    const s = (await addStep(p, ph, "Only step")).id;
    const run = await lib.runs.startRun({ actor: starter, projectId: p, input: { kind: "REHEARSAL", name: "Starter run" } });
    await act(team.operator, run.id, s, "done");
    const before = await json(run.id);
    expect(before.run.startedBy).toBe("Stan Starter");
    await lib.prisma.user.update({ where: { id: starter.id }, data: { name: "Stan Renamed" } });
    expect(await json(run.id)).toEqual(before);
  });
});

// ---------- c. an active run takes plan changes only when an admin applies them ----------

describe("an active run and plan changes", () => {
  let projectId: string;
  let runId: string;
  let runVersion: number;
  const ids: Record<string, string> = {};
  let prep: string;
  let switchPhase: string;
  let boardBefore: Awaited<ReturnType<typeof board>>;

  beforeAll(async () => {
    projectId = (await createProject(lib, team.admin, { name: "Active run drift", template: "empty" })).id;
    prep = (await addPhase(projectId, "Prep")).id;
    switchPhase = (await addPhase(projectId, "Switch")).id;
    ids.stop = (await addStep(projectId, prep, "Stop jobs")).id;
    ids.copy = (await addStep(projectId, prep, "Copy data", { plannedMinutes: 30, predecessorIds: [ids.stop] })).id;
    ids.check = (await addStep(projectId, prep, "Check copy", { predecessorIds: [ids.copy] })).id;
    ids.dns = (await addStep(projectId, switchPhase, "Switch DNS", { plannedMinutes: 15 })).id;
    const run = await rehearsal(projectId, "Drift rehearsal");
    runId = run.id;
    runVersion = run.planVersion;
    await act(team.operator, runId, ids.stop, "start");
    boardBefore = await board(runId);
  }, 30_000);

  it("the run starts at the plan's latest version, with the hash of its frozen copy", async () => {
    const [latest] = await versions(projectId);
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.planVersion).toBe(latest.version);
    expect(runVersion).toBe(7);
    expect(run.planHash).toBe(latest.hash);
    expect(run.planHash).toBe(lib.planVersions.hashPlanSnapshot(await frozen.loadRunSnapshot(lib.prisma, runId)));
    expect(await lib.planChanges.getRunPlanDrift({ runId })).toBeNull();
  });

  it("plan edits don't reach the run; the drift lists them, with the started step marked", async () => {
    await updateStep(ids.stop, { title: "Stop all jobs" });
    await updateStep(ids.copy, { plannedMinutes: 45 });
    await lib.plan.deleteStep({ actor: team.admin, stepId: ids.check });
    ids.notify = (await addStep(projectId, switchPhase, "Notify users", { plannedMinutes: 5 })).id;
    await lib.plan.updatePhase({ actor: team.admin, phaseId: switchPhase, input: updatePhaseInput.parse({ title: "Switchover" }) });

    expect(await board(runId)).toEqual(boardBefore);
    expect(boardBefore.steps.map((s) => [s.title, s.status, s.plannedMinutes])).toEqual([
      ["Stop jobs", "IN_PROGRESS", 10],
      ["Copy data", "PENDING", 30],
      ["Check copy", "PENDING", 10],
      ["Switch DNS", "PENDING", 15],
    ]);

    const drift = await lib.planChanges.getRunPlanDrift({ runId });
    expect(drift).toEqual({
      runVersion: 7,
      planVersion: 12,
      startedStepIds: [ids.stop],
      diff: {
        steps: [
          { id: ids.stop, title: "Stop all jobs", change: "changed", fields: [{ field: "title", before: "Stop jobs", after: "Stop all jobs" }] },
          { id: ids.copy, title: "Copy data", change: "changed", fields: [{ field: "plannedMinutes", before: "30", after: "45" }] },
          { id: ids.notify, title: "Notify users", change: "added", fields: [] },
          { id: ids.check, title: "Check copy", change: "removed", fields: [] },
        ],
        phases: [{ id: switchPhase, title: "Switchover", change: "changed", fields: [{ field: "title", before: "Switch", after: "Switchover" }] }],
        empty: false,
      },
    });
  });

  it("an operator can't apply the changes: ForbiddenError, nothing changed", async () => {
    const rows = await runRows(runId);
    const audits = await auditCount(lib);
    const err = await caught(() => lib.planChanges.applyPlanToRun({ actor: team.operator, runId, input: applyPlanInput.parse({ reason: "Catch up", expectedPlanVersion: 12 }) }));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.message).toBe("Only admins can apply plan changes to a run.");
    expect(await runRows(runId)).toEqual(rows);
    expect(await auditCount(lib)).toBe(audits);
  });

  it("applying changes only the pending steps; the started one keeps its title; version, hash and one audit event", async () => {
    const applied = await lib.planChanges.applyPlanToRun({ actor: team.admin, runId, input: applyPlanInput.parse({ reason: "Copy takes longer on the new SAN", expectedPlanVersion: 12 }) });
    const run = await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } });
    const frozenNow = await frozen.loadRunSnapshot(lib.prisma, runId);
    expect(applied).toEqual({ planVersion: 12, planHash: run.planHash, applied: 3, kept: [{ stepId: ids.stop, title: "Stop jobs" }] });
    expect(run.planVersion).toBe(12);
    expect(run.planHash).toBe(lib.planVersions.hashPlanSnapshot(frozenNow));
    // The run is not the plan: its started step kept the old title.
    expect(run.planHash).not.toBe((await versions(projectId))[0].hash);
    expect((await versions(projectId)).length).toBe(12);

    const after = await board(runId);
    expect(after.phases.map((p) => p.title)).toEqual(["Prep", "Switchover"]);
    expect(after.steps.map((s) => [s.number, s.title, s.status, s.plannedMinutes, s.predecessorIds])).toEqual([
      ["1", "Stop jobs", "IN_PROGRESS", 10, []],
      ["2", "Copy data", "PENDING", 45, [ids.stop]],
      ["3", "Switch DNS", "PENDING", 15, []],
      ["4", "Notify users", "PENDING", 5, []],
    ]);
    expect(after.steps[0]).toEqual(boardBefore.steps[0]);
    expect(await lib.prisma.stepRun.count({ where: { runId, stepId: ids.check } })).toBe(0);

    const events = await lib.prisma.auditEvent.findMany({ where: { runId, action: "run.plan_applied" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: team.admin.id, actorName: "Ada Admin", projectId, entityType: "run", entityId: runId });
    expect(JSON.parse(events[0].before)).toEqual({ planVersion: 7 });
    expect(JSON.parse(events[0].after)).toEqual({
      planVersion: 12,
      planHash: run.planHash,
      reason: "Copy takes longer on the new SAN",
      steps: [
        { title: "Stop all jobs", change: "changed", fields: ["title"], kept: true },
        { title: "Copy data", change: "changed", fields: ["plannedMinutes"], kept: false },
        { title: "Notify users", change: "added", fields: [], kept: false },
        { title: "Check copy", change: "removed", fields: [], kept: false },
      ],
    });
    expect(await lib.planChanges.getRunPlanDrift({ runId })).toBeNull();
  });

  it("a second apply against a version that is no longer the latest: ConflictError, database unchanged", async () => {
    await updateStep(ids.dns, { plannedMinutes: 20 });
    const rows = await runRows(runId);
    const audits = await auditCount(lib);
    const planVersions = await versions(projectId);
    expect(planVersions[0].version).toBe(13);
    const err = await caught(() => lib.planChanges.applyPlanToRun({ actor: team.admin, runId, input: applyPlanInput.parse({ reason: "Again", expectedPlanVersion: 12 }) }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("The plan has changed again (now version 13). Review the changes, then apply them.");
    expect(await runRows(runId)).toEqual(rows);
    expect(await auditCount(lib)).toBe(audits);
    expect(await versions(projectId)).toEqual(planVersions);
    expect(await lib.planChanges.getRunPlanDrift({ runId })).toMatchObject({
      runVersion: 12,
      planVersion: 13,
      startedStepIds: [ids.stop],
      diff: { steps: [{ id: ids.stop, change: "changed" }, { id: ids.dns, change: "changed", fields: [{ field: "plannedMinutes", before: "15", after: "20" }] }] },
    });
  });

  it("a started step removed from the plan stays in the run, in its frozen phase, and is reported as kept", async () => {
    await lib.plan.deletePhase({ actor: team.admin, phaseId: prep });
    const result = await lib.planChanges.applyPlanToRun({ actor: team.admin, runId, input: applyPlanInput.parse({ reason: "Prep moved to another change", expectedPlanVersion: 14 }) });
    expect(result.kept).toEqual([{ stepId: ids.stop, title: "Stop jobs" }]);
    // "Copy data" was pending: it left the run. "Stop jobs" had started: it stays, with its phase.
    expect(result.applied).toBe(2);
    const after = await board(runId);
    // Compared without order here; the order itself is the test "keep distinct positions" below.
    expect(after.phases.map((p) => p.title).sort()).toEqual(["Prep", "Switchover"]);
    expect(after.steps.map((s) => [s.title, s.status, s.plannedMinutes, s.phaseId]).sort()).toEqual([
      ["Notify users", "PENDING", 5, switchPhase],
      ["Stop jobs", "IN_PROGRESS", 10, prep],
      ["Switch DNS", "PENDING", 20, switchPhase],
    ]);
  });

  it("an ended run can't take plan changes: ConflictError, nothing changed", async () => {
    await act(team.operator, runId, ids.stop, "done");
    await act(team.operator, runId, ids.dns, "done");
    await act(team.operator, runId, ids.notify, "done");
    expect((await lib.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("COMPLETED");
    await addStep(projectId, switchPhase, "Too late");
    const [latest] = await versions(projectId);
    const rows = await runRows(runId);
    const audits = await auditCount(lib);
    const err = await caught(() => lib.planChanges.applyPlanToRun({ actor: team.admin, runId, input: applyPlanInput.parse({ reason: "After the fact", expectedPlanVersion: latest.version }) }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toBe("This run has ended; its record can't be changed.");
    expect(await runRows(runId)).toEqual(rows);
    expect(await auditCount(lib)).toBe(audits);
    expect(await lib.planChanges.getRunPlanDrift({ runId })).toBeNull();
  });
});

describe("applying a plan to a run that keeps started steps the plan no longer has", () => {
  // After an apply, kept phases and steps are renumbered with the plan's (ties go to the plan's
  // item), so board, exports and planHash never order by a tie.
  it("the run's phases, and the steps of each phase, keep distinct positions", async () => {
    const p = (await createProject(lib, team.admin, { name: "Kept positions", template: "empty" })).id;
    const phaseIds: string[] = [];
    const stepIds: Record<string, string> = {};
    for (const title of ["A", "B", "C"]) phaseIds.push((await addPhase(p, title)).id);
    stepIds.a1 = (await addStep(p, phaseIds[0], "a1")).id;
    stepIds.b1 = (await addStep(p, phaseIds[1], "b1")).id;
    stepIds.c1 = (await addStep(p, phaseIds[2], "c1")).id;
    stepIds.c2 = (await addStep(p, phaseIds[2], "c2")).id;
    const run = await rehearsal(p, "Kept positions run");
    await act(team.operator, run.id, stepIds.b1, "start");
    await act(team.operator, run.id, stepIds.c1, "start");
    await lib.plan.deletePhase({ actor: team.admin, phaseId: phaseIds[1] });
    await lib.plan.deleteStep({ actor: team.admin, stepId: stepIds.c1 });
    const [latest] = await versions(p);
    const result = await lib.planChanges.applyPlanToRun({ actor: team.admin, runId: run.id, input: applyPlanInput.parse({ reason: "Trim", expectedPlanVersion: latest.version }) });
    expect(result.kept.map((k) => k.title).sort()).toEqual(["b1", "c1"]);

    const phases = await lib.prisma.runPhase.findMany({ where: { runId: run.id }, select: { id: true, title: true, position: true } });
    expect(phases.map((x) => x.title).sort()).toEqual(["A", "B", "C"]);
    expect(new Set(phases.map((x) => x.position)).size).toBe(phases.length);
    const cPhase = phases.find((x) => x.title === "C")!;
    const cSteps = await lib.prisma.stepRun.findMany({ where: { runPhaseId: cPhase.id }, select: { title: true, position: true } });
    expect(cSteps.map((x) => x.title).sort()).toEqual(["c1", "c2"]);
    expect(new Set(cSteps.map((x) => x.position)).size).toBe(cSteps.length);
  });
});

// ---------- d. signers' names are facts ----------

describe("signers' names are facts", () => {
  let projectId: string;
  let runId: string;
  let otto: TestActor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    otto = await newUser("Ottilie Operator", "ottilie.names@example.test", "OPERATOR");
    projectId = (await createProject(lib, team.admin, { name: "Signer names", template: "empty" })).id;
    const ph = (await addPhase(projectId, "Only")).id;
    ids.first = (await addStep(projectId, ph, "First")).id;
    ids.gate = (await addStep(projectId, ph, "Decide", { kind: "GATE", assigneeId: otto.id })).id;
    ids.second = (await addStep(projectId, ph, "Second")).id;
    runId = (await rehearsal(projectId, "Names rehearsal")).id;
  }, 30_000);

  it("a sign-off before a rename keeps the old name on the board and in the audit; one after it shows the new name", async () => {
    await act(otto, runId, ids.first, "start");
    await act(otto, runId, ids.first, "done");
    await decide(otto, runId, ids.gate, "GO");
    await lib.prisma.user.update({ where: { id: otto.id }, data: { name: "Ottilie Renamed" } });

    const mid = await board(runId);
    expect(mid.steps.map((s) => [s.title, s.startedBy, s.signedOffBy, s.decidedBy, s.assigneeName])).toEqual([
      ["First", "Ottilie Operator", "Ottilie Operator", null, null],
      ["Decide", "Ottilie Operator", "Ottilie Operator", "Ottilie Operator", "Ottilie Operator"],
      ["Second", null, null, null, null],
    ]);
    const firstRow = await lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: ids.first } } });
    const audit = await lib.prisma.auditEvent.findMany({ where: { runId, entityId: firstRow.id }, orderBy: { seq: "asc" } });
    expect(audit.map((e) => [e.action, e.actorId, e.actorName])).toEqual([
      ["step.start", otto.id, "Ottilie Operator"],
      ["step.done", otto.id, "Ottilie Operator"],
    ]);

    // After the rename the session carries the new name.
    const renamed = { ...otto, name: "Ottilie Renamed" };
    await act(renamed, runId, ids.second, "done");
    const after = await board(runId);
    expect(after.steps.map((s) => [s.title, s.signedOffBy])).toEqual([
      ["First", "Ottilie Operator"],
      ["Decide", "Ottilie Operator"],
      ["Second", "Ottilie Renamed"],
    ]);
    expect(after.run.status).toBe("COMPLETED");
    const secondRow = await lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId, stepId: ids.second } } });
    expect(secondRow).toMatchObject({ startedById: otto.id, startedByName: "Ottilie Renamed", signedOffById: otto.id, signedOffByName: "Ottilie Renamed" });
    const lastAudit = await lib.prisma.auditEvent.findFirstOrThrow({ where: { runId, entityId: secondRow.id } });
    expect(lastAudit).toMatchObject({ action: "step.done", actorName: "Ottilie Renamed" });

    // The exports say the same.
    const exported = await json(runId);
    expect(Object.values(exported.run.steps).map((s) => [s.title, s.signedOffBy, s.decidedBy])).toEqual([
      ["First", "Ottilie Operator", null],
      ["Decide", "Ottilie Operator", "Ottilie Operator"],
      ["Second", "Ottilie Renamed", null],
    ]);
  });
});
