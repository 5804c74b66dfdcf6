/**
 * The live stream's fan-out: a tick is read from the database once per process however many tabs
 * watch, every tab gets the same delta (the step's new status and who signed it off), a tab that
 * resumes from an older event replays what it missed with an unbroken prevSeq chain, and a write
 * this process wasn't told about (another process, the CLI) arrives through the shared safety poll.
 * In-process through the real route, on a real SQLite file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { liveDelta, type LiveDelta } from "@/lib/runs/live-delta";
import { createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

let db: TestDatabase;
let routes: ApiRoute[];
let team: Awaited<ReturnType<typeof createTeam>>;
let events: ApiRoute;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  db = await openTestDatabase("live-fanout");
  routes = await loadApiRoutes();
  team = await createTeam(db.lib);
  events = routes.find((r) => r.pattern === "/api/projects/[projectId]/events")!;
}, 60_000);
afterAll(async () => db?.close());

/** An open stream that collects its `change` events as parsed deltas. */
async function openStream(projectId: string, cookie: string, query = "") {
  const abort = new AbortController();
  const response = await callRoute(events, "GET", { projectId }, { cookie, signal: abort.signal, query });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const received: LiveDelta[] = [];
  let buffer = "";
  let opened = false;
  let closed = false;
  const waiters = new Set<() => void>();
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.includes("event: presence")) opened = true;
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (block.includes("event: change") && data) received.push(liveDelta.parse(JSON.parse(data)));
      }
      for (const wake of waiters) wake();
    }
    closed = true;
    for (const wake of waiters) wake();
  })();
  const until = async (condition: () => boolean, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (closed) throw new Error("the stream ended");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for the stream");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  await until(() => opened);
  return { received, until, close: () => abort.abort() };
}

async function runWithSteps(name: string) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
  const steps = [];
  for (const title of ["Stop the jobs", "Copy the catalog", "Start the jobs"]) {
    steps.push(await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title, kind: "TASK", plannedMinutes: 5 }) }));
  }
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
  return { project, run, steps };
}

const headSeq = async (projectId: string) => (await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { projectId }, orderBy: { seq: "desc" }, select: { seq: true } })).seq;

describe("live fan-out", () => {
  it("reads a tick once for every tab and sends each the step's new state and who did it", async () => {
    const { hubStats } = await import("./helpers/live-hub");
    const { project, run, steps } = await runWithSteps("Fan-out project");
    const viewerCookie = await signIn(routes, { email: "vera@example.test", password: PASSWORD });
    const operatorCookie = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
    const tabs = [];
    for (let i = 0; i < 6; i++) tabs.push(await openStream(project.id, i % 2 ? viewerCookie : operatorCookie));
    const before = await headSeq(project.id);
    const readsBefore = hubStats().eventReads;

    await db.lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: steps[0].id, input: { action: "done", note: "jobs stopped", reason: "" } });
    const seq = await headSeq(project.id);
    for (const tab of tabs) await tab.until(() => tab.received.some((d) => d.seq === seq));

    for (const tab of tabs) {
      const delta = tab.received.find((d) => d.seq === seq)!;
      expect(delta).toMatchObject({ kind: "step", action: "step.done", runId: run.id, prevSeq: before, actorName: "Olivia Operator" });
      expect(delta.step).toMatchObject({ stepId: steps[0].id, status: "DONE", signedOffBy: "Olivia Operator", note: "jobs stopped" });
      expect(delta.step!.finishedAt).not.toBeNull();
    }
    // One read for the tick (at most one more if the safety poll fired meanwhile), not one per tab.
    expect(hubStats().eventReads - readsBefore).toBeLessThanOrEqual(2);
    for (const tab of tabs) tab.close();
  });

  it("replays what a resuming tab missed, each event naming the one before it", async () => {
    const { project, run, steps } = await runWithSteps("Resume project");
    const cookie = await signIn(routes, { email: "olivia@example.test", password: PASSWORD });
    const resumeFrom = await headSeq(project.id);
    await db.lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: steps[0].id, input: { action: "start", note: "", reason: "" } });
    await db.lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: steps[1].id, input: { action: "skip", note: "", reason: "Not needed tonight" } });
    const tab = await openStream(project.id, cookie, `after=${resumeFrom}`);
    await tab.until(() => tab.received.length >= 2);
    expect(tab.received.map((d) => d.action)).toEqual(["step.start", "step.skip"]);
    expect(tab.received[0].prevSeq).toBe(resumeFrom);
    expect(tab.received[1].prevSeq).toBe(tab.received[0].seq);
    expect(tab.received[1].step).toMatchObject({ stepId: steps[1].id, status: "SKIPPED", reason: "Not needed tonight" });
    tab.close();
  });

  it("delivers a write this process was not told about through the shared safety poll", async () => {
    const { silenceCommitNotifications } = await import("./helpers/live-hub");
    const { project, run, steps } = await runWithSteps("Other process project");
    const cookie = await signIn(routes, { email: "vera@example.test", password: PASSWORD });
    const tab = await openStream(project.id, cookie);
    const restore = silenceCommitNotifications();
    try {
      await db.lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: steps[2].id, input: { action: "start", note: "", reason: "" } });
    } finally {
      restore();
    }
    const seq = await headSeq(project.id);
    // The poll runs every 2 s; within 5 s it must have seen the write.
    await tab.until(() => tab.received.some((d) => d.seq === seq), 5000);
    expect(tab.received.find((d) => d.seq === seq)).toMatchObject({ kind: "step", step: { stepId: steps[2].id, status: "IN_PROGRESS", startedBy: "Olivia Operator" } });
    tab.close();
  });
});
