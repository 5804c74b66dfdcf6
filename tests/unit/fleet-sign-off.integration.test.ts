/**
 * Done on a fleet step needs every client in the state the step's action asks for, or an explicit
 * "sign off with exceptions" with a reason; the record keeps the counts, the clients that weren't
 * done and the reason ("2 of 3 verified, 1 exception: …").
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NeedsConfirmationError } from "@/lib/platform/errors";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let fleet: typeof import("@/lib/fleet/service");
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("fleet-sign-off");
  fleet = await import("@/lib/fleet/service");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

async function fleetRun(name: string, fleetAction: "CHECK_CONNECTIVITY" | "UPDATE_BPCONF") {
  const project = await createProject(db.lib, team.admin, { name, template: "empty" });
  const phase = await db.lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Clients" }) });
  const step = await db.lib.plan.addStep({
    actor: team.admin,
    projectId: project.id,
    input: createStepInput.parse({ phaseId: phase.id, title: "Check every client", kind: "TASK", plannedMinutes: 30, isFleet: true, fleetAction }),
  });
  // A second step keeps the run active after the fleet step is signed off.
  await db.lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Afterwards", kind: "TASK", plannedMinutes: 5 }) });
  await db.lib.prisma.fleetClient.createMany({ data: ["alpha.example.test", "bravo.example.test", "charlie.example.test"].map((hostname) => ({ projectId: project.id, hostname, os: "RHEL8" })) });
  const run = await db.lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
  const rows = await db.lib.prisma.fleetClientRun.findMany({ where: { runId: run.id, stepId: step.id }, include: { client: true }, orderBy: { client: { hostname: "asc" } } });
  const tick = (hostnames: string[], status: "VERIFIED" | "UPDATED" | "FAILED", reason = "") =>
    fleet.updateFleetClients({
      actor: team.operator,
      runId: run.id,
      stepId: step.id,
      input: { status, reason, selection: { kind: "ids", items: rows.filter((r) => hostnames.includes(r.client.hostname)).map((r) => ({ id: r.id, version: r.version })) } },
    });
  const done = (exceptionReason = "") => db.lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: step.id, input: { action: "done", note: "", reason: "", exceptionReason } });
  const row = () => db.lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId: step.id } } });
  const boardLine = async () => (await db.lib.runQueries.getRunBoard({ runId: run.id })).steps.find((s) => s.id === step.id)!.fleetLine;
  return { run, step, tick, done, row, boardLine };
}

describe("signing off a fleet step", () => {
  it("with clients not verified is refused without a reason, lists them, and changes nothing", async () => {
    const f = await fleetRun("Fleet sign-off refused", "CHECK_CONNECTIVITY");
    await f.tick(["alpha.example.test", "bravo.example.test"], "VERIFIED");
    await f.tick(["charlie.example.test"], "FAILED", "bpclntcmd timed out");
    const events = await db.lib.prisma.auditEvent.count();
    const error = await caught(() => f.done());
    expect(error).toBeInstanceOf(NeedsConfirmationError);
    expect(error.message).toBe("1 of 3 clients is not verified. Sign off with exceptions and say why, or finish the clients first.");
    expect((error as NeedsConfirmationError).current).toMatchObject({ total: 3, done: 2, word: "verified", exceptions: [{ hostname: "charlie.example.test", status: "FAILED" }] });
    expect(await f.row()).toMatchObject({ status: "PENDING", version: 1, exceptionReason: "", fleetOutcome: null });
    expect(await db.lib.prisma.auditEvent.count()).toBe(events);
    // A reason of only spaces is no reason.
    expect(await caught(() => f.done("   "))).toBeInstanceOf(NeedsConfirmationError);
  });

  it("with exceptions records the counts, the clients and the reason, on the board and in the audit event", async () => {
    const f = await fleetRun("Fleet sign-off with exceptions", "CHECK_CONNECTIVITY");
    await f.tick(["alpha.example.test", "bravo.example.test"], "VERIFIED");
    await f.done("charlie is being decommissioned");
    const row = await f.row();
    expect(row).toMatchObject({ status: "DONE", exceptionReason: "charlie is being decommissioned" });
    expect(JSON.parse(row.fleetOutcome!)).toEqual({
      action: "CHECK_CONNECTIVITY",
      total: 3,
      done: 2,
      counts: { PENDING: 1, UPDATED: 0, VERIFIED: 2, FAILED: 0 },
      exceptions: [{ hostname: "charlie.example.test", status: "PENDING" }],
    });
    expect(await f.boardLine()).toBe("2 of 3 verified, 1 exception: charlie is being decommissioned");
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: f.run.id, action: "step.done" } });
    expect(JSON.parse(event.after)).toMatchObject({ fleet: "2 of 3 verified, 1 exception: charlie is being decommissioned", exceptions: ["charlie.example.test"] });
  });

  it("a bp.conf step counts updated clients as done; all done is a clean sign-off, and undo clears it", async () => {
    const f = await fleetRun("Fleet sign-off clean", "UPDATE_BPCONF");
    await f.tick(["alpha.example.test"], "UPDATED");
    await f.tick(["bravo.example.test", "charlie.example.test"], "VERIFIED");
    await f.done("ignored when every client is done");
    expect(await f.row()).toMatchObject({ status: "DONE", exceptionReason: "" });
    expect(await f.boardLine()).toBe("3 of 3 updated");
    await db.lib.runs.undoSignOff({ actor: team.admin, runId: f.run.id, stepId: f.step.id, input: { reason: "Wrong step" } });
    expect(await f.row()).toMatchObject({ exceptionReason: "", fleetOutcome: null });
    expect(await f.boardLine()).toBeNull();
  });
});

describe("an ended run's record of its clients", () => {
  it("doesn't change when a client is corrected afterwards; a run still going follows the correction", async () => {
    const ended = await fleetRun("Client facts ended", "CHECK_CONNECTIVITY");
    const active = await fleetRun("Client facts active", "CHECK_CONNECTIVITY");
    await db.lib.runs.endRunByHand({ actor: team.admin, runId: ended.run.id, how: "end", input: { reason: "Rehearsal over" } });
    const { buildRunJson } = await import("@/lib/exports/run-json");
    const clientsOf = async (runId: string) => (await buildRunJson({ runId, exportedBy: "test", now: new Date("2026-11-28T12:00:00Z") })).json.project.fleetClients;
    const before = await clientsOf(ended.run.id);
    expect(before.map((c) => c.os)).toEqual(["RHEL8", "RHEL8", "RHEL8"]);

    for (const f of [ended, active]) {
      const client = await db.lib.prisma.fleetClient.findFirstOrThrow({ where: { project: { runs: { some: { id: f.run.id } } }, hostname: "alpha.example.test" } });
      await fleet.updateFleetClient({ actor: team.admin, clientId: client.id, input: { os: "RHEL9" } });
    }
    expect(await clientsOf(ended.run.id)).toEqual(before);
    expect((await clientsOf(active.run.id)).find((c) => c.hostname === "alpha.example.test")!.os).toBe("RHEL9");
  });
});

describe("evidence about one fleet client", () => {
  it("is attached by the client's host name, kept with it, and refused for a host the step doesn't have", async () => {
    const f = await fleetRun("Client evidence", "CHECK_CONNECTIVITY");
    await db.lib.runs.performStepAction({ actor: team.operator, runId: f.run.id, stepId: f.step.id, input: { action: "start", note: "", reason: "" } });
    const { attachEvidence } = await import("@/lib/runs/evidence");
    const file = () => new File(["bptestbpcd: 1 1 1\n"], "bptestbpcd.txt", { type: "text/plain" });
    await attachEvidence({ actor: team.operator, runId: f.run.id, stepId: f.step.id, clientHostname: "BRAVO.example.test", file: file() });
    expect(await db.lib.prisma.attachment.findFirstOrThrow({ where: { runId: f.run.id } })).toMatchObject({ clientHostname: "bravo.example.test", name: "bptestbpcd.txt" });
    const board = await db.lib.runQueries.getRunBoard({ runId: f.run.id });
    expect(board.steps.find((s) => s.id === f.step.id)!.evidence.map((e) => e.client)).toEqual(["bravo.example.test"]);
    const count = await db.lib.prisma.attachment.count();
    const unknown = await caught(() => attachEvidence({ actor: team.operator, runId: f.run.id, stepId: f.step.id, clientHostname: "zulu.example.test", file: file() }));
    expect(unknown.message).toBe('"zulu.example.test" isn\'t a client of this step.');
    expect(await db.lib.prisma.attachment.count()).toBe(count);
  });
});
