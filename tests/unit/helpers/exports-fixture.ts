/**
 * Builds runs to export, through the real lib functions, in a fresh SQLite file.
 * `useTempDatabase` must run BEFORE any lib module is imported: lib/platform/db/client.ts opens the
 * database named by DATABASE_URL when it is first loaded.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export function useTempDatabase(prefix = "runsheet-exports-"): { dir: string; databasePath: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const databasePath = path.join(dir, "test.db");
  process.env.DATABASE_URL = `file:${databasePath}`;
  return { dir, databasePath, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

const MINUTE = 60_000;

/** A command line far wider than the page, to prove the PDF wraps instead of cutting. */
export const LONG_COMMAND =
  "/usr/openv/netbackup/bin/admincmd/bpimagelist -hoursago 720 -client acct-db01.prod.example.internal -policy ACCT_DB_DAILY_FULL -sl ACCT_FULL_SCHEDULE -U | tee /var/tmp/runsheet-cutover-verification-acct-db01-images.txt";
export const UNBROKEN_TOKEN = `--exclude-from=/etc/netbackup/exclude-lists/${"very-long-path-segment-".repeat(6)}final.lst`;

export interface Fixture {
  admin: { id: string; name: string; role: "ADMIN" };
  operator: { id: string; name: string; role: "OPERATOR" };
  projectId: string;
  projectName: string;
  liveRunId: string;
  rehearsalRunId: string;
  rolledBackRunId: string;
  stepTitles: string[];
  skippedStepTitle: string;
  failedThenDoneTitle: string;
  gateNotes: string[];
}

/**
 * Users, the NetBackup template project with ten fleet clients, a rehearsal left in progress,
 * and a live run driven to completion: gates decided Go, one step skipped, one failed and
 * re-run, notes, overruns, fleet statuses set.
 */
export async function seedExportFixture(): Promise<Fixture> {
  const { createFirstAdmin, createUser } = await import("@/lib/users/service");
  const { createProject } = await import("@/lib/projects/service");
  const { startRun, performStepAction, decideGate } = await import("@/lib/runs/service");
  const { updateStep } = await import("@/lib/plan/service");
  const { prisma } = await import("@/lib/platform/db/client");
  // Every project visible to everyone (tests/unit/helpers/db-setup.ts says why).
  await prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });

  const created = await createFirstAdmin({ input: { name: "Alex Admin", email: "alex@example.test", password: "correct-horse-battery" } });
  const admin = { id: created.id, name: created.name, role: "ADMIN" as const };
  const op = await createUser({ actor: admin, input: { name: "Olivia Operator", email: "olivia@example.test", password: "correct-horse-battery", role: "OPERATOR" } });
  const operator = { id: op.id, name: op.name, role: "OPERATOR" as const };
  await createUser({ actor: admin, input: { name: "Victor Viewer", email: "victor@example.test", password: "correct-horse-battery", role: "VIEWER" } });

  const now = Date.now();
  const windowStart = new Date(Math.floor((now - 3 * 24 * 60 * MINUTE) / (15 * MINUTE)) * 15 * MINUTE);
  const project = await createProject({
    actor: admin,
    input: {
      name: "NetBackup master rehost — nbu-master1",
      description: "Move the combined master/media server nbu-master1 to new hardware, keeping its hostname.",
      sourceHost: "nbu-master1",
      targetHost: "nbu-master1-new",
      product: "NetBackup",
      hostnameStrategy: "KEEP",
      mediaServers: ["nbu-media1"],
      timezone: "Europe/Berlin",
      windowStart,
      windowEnd: new Date(windowStart.getTime() + 9 * 60 * MINUTE),
      template: "netbackup-keep-hostname",
    },
  });
  const clients = ["acct-db01", "acct-db02", "erp-app01", "erp-app02", "web-fe01", "web-fe02", "exch-mbx01", "file-srv01", "sql-cl01", "legacy-nis.very-long-subdomain.example.internal"];
  await prisma.fleetClient.createMany({ data: clients.map((hostname, i) => ({ projectId: project.id, hostname, os: i % 2 ? "Solaris10" : "RedHat2.6", hardware: "x86" })) });

  const plan = await prisma.step.findMany({
    where: { projectId: project.id },
    orderBy: [{ phase: { position: "asc" } }, { position: "asc" }],
    select: { id: true, title: true, kind: true, plannedMinutes: true, team: true, isFleet: true },
  });
  // Assign like the demo, and give step 3 a command line too wide for the page.
  for (const step of plan) {
    const assigneeId = step.team.startsWith("PM") ? admin.id : step.team.includes("BA") ? operator.id : null;
    if (assigneeId) await prisma.step.update({ where: { id: step.id }, data: { assigneeId } });
  }
  // The No-Go drill below rolls back from the first gate, whose template outcome is abort.
  await updateStep({ actor: admin, stepId: plan[11].id, input: { noGoOutcome: "ROLLBACK" } });
  await updateStep({ actor: admin, stepId: plan[2].id, input: { commands: `bppllist -allpolicies -U\n${LONG_COMMAND}\n${UNBROKEN_TOKEN}` } });

  // A rehearsal, left in progress: two steps done, one running.
  const rehearsalStart = new Date(now - 2 * 60 * MINUTE);
  const rehearsal = await startRun({ actor: admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Dress rehearsal" }, startedAt: rehearsalStart });
  let t = rehearsalStart.getTime() + MINUTE;
  for (const step of plan.slice(0, 2)) {
    await performStepAction({ actor: operator, runId: rehearsal.id, stepId: step.id, input: { action: "start", note: "", reason: "", occurredAt: new Date(t) } });
    t += 20 * MINUTE;
    await performStepAction({ actor: operator, runId: rehearsal.id, stepId: step.id, input: { action: "done", note: "Rehearsed.", reason: "", occurredAt: new Date(t) } });
  }
  await performStepAction({ actor: operator, runId: rehearsal.id, stepId: plan[2].id, input: { action: "start", note: "", reason: "", occurredAt: new Date(t + MINUTE) } });

  // A second rehearsal that ends in a No-Go at the first gate and rolls back.
  const drillStart = new Date(now - 30 * 60 * MINUTE);
  const drill = await startRun({ actor: admin, projectId: project.id, input: { kind: "REHEARSAL", name: "No-Go drill" }, startedAt: drillStart });
  let d = drillStart.getTime() + MINUTE;
  for (const step of plan.filter((p) => p.kind !== "ROLLBACK").slice(0, 11)) {
    await performStepAction({ actor: operator, runId: drill.id, stepId: step.id, input: { action: "start", note: "", reason: "", occurredAt: new Date(d) } });
    d += 30 * MINUTE;
    // A rehearsal doesn't touch the clients: its fleet steps are signed off with that as the exception.
    await performStepAction({ actor: operator, runId: drill.id, stepId: step.id, input: { action: "done", note: "", reason: "", exceptionReason: step.isFleet ? "Rehearsal: clients are not touched." : "", occurredAt: new Date(d) } });
  }
  await decideGate({ actor: admin, runId: drill.id, stepId: plan[11].id, input: { decision: "NO_GO", note: "Catalog backup failed twice; rolling back." }, decidedAt: new Date(d + MINUTE) });
  for (const step of plan.filter((p) => p.kind === "ROLLBACK")) {
    d += 2 * MINUTE;
    await performStepAction({ actor: operator, runId: drill.id, stepId: step.id, input: { action: "start", note: "", reason: "", occurredAt: new Date(d) } });
    d += 10 * MINUTE;
    await performStepAction({ actor: operator, runId: drill.id, stepId: step.id, input: { action: "done", note: "", reason: "", occurredAt: new Date(d) } });
  }

  // The live run, from a week before the window (preparation) through the window.
  const liveStart = new Date(windowStart.getTime() - 7 * 24 * 60 * MINUTE);
  const live = await startRun({ actor: admin, projectId: project.id, input: { kind: "LIVE", name: "Live cutover" }, startedAt: liveStart });
  let clock = liveStart.getTime() + 30 * MINUTE;
  const forward = plan.filter((s) => s.kind !== "ROLLBACK");
  const gateNotes: string[] = [];
  let skippedStepTitle = "";
  let failedThenDoneTitle = "";
  for (const [index, step] of forward.entries()) {
    if (index === 11) clock = Math.max(clock, windowStart.getTime() + 5 * MINUTE);
    if (step.kind === "GATE") {
      const note = `Gate ${index + 1}: all checks green, change CHG00${42117 + index} approved.`;
      gateNotes.push(note);
      await decideGate({ actor: admin, runId: live.id, stepId: step.id, input: { decision: "GO", note }, decidedAt: new Date(clock) });
      clock += 2 * MINUTE;
      continue;
    }
    const actor = index % 3 === 0 ? admin : operator;
    if (index === 4) {
      skippedStepTitle = step.title;
      await performStepAction({ actor, runId: live.id, stepId: step.id, input: { action: "skip", note: "", reason: "Window was agreed in the CAB meeting last week; approval already on file.", occurredAt: new Date(clock) } });
      clock += MINUTE;
      continue;
    }
    await performStepAction({ actor, runId: live.id, stepId: step.id, input: { action: "start", note: "", reason: "", occurredAt: new Date(clock) } });
    if (index === 7) {
      failedThenDoneTitle = step.title;
      clock += 10 * MINUTE;
      await performStepAction({ actor, runId: live.id, stepId: step.id, input: { action: "fail", note: "", reason: "Installer refused: wrong patch level on the media.", occurredAt: new Date(clock) } });
      clock += 5 * MINUTE;
      await performStepAction({ actor, runId: live.id, stepId: step.id, input: { action: "start", note: "", reason: "", occurredAt: new Date(clock) } });
    }
    // Some steps overrun, some finish early.
    const actual = Math.max(1, step.plannedMinutes + ((index * 7) % 5) * 6 - 10);
    clock += actual * MINUTE;
    if (step.isFleet) {
      const client = await prisma.fleetClient.findFirstOrThrow({ where: { projectId: project.id, hostname: "legacy-nis.very-long-subdomain.example.internal" } });
      await prisma.fleetClientRun.updateMany({ where: { runId: live.id, stepId: step.id }, data: { status: "VERIFIED", updatedById: operator.id, updatedByName: operator.name } });
      await prisma.fleetClientRun.updateMany({
        where: { runId: live.id, stepId: step.id, clientId: client.id },
        data: { status: "FAILED", reason: "bpclntcmd -pn timed out; the client is scheduled for decommissioning and was excluded with the owner's consent." },
      });
    }
    await performStepAction({
      actor,
      runId: live.id,
      stepId: step.id,
      input: { action: "done", note: index === 13 ? 'Hot catalog backup OK, media ID "A00417".' : "", reason: "", exceptionReason: step.isFleet ? "legacy-nis is being decommissioned; excluded with the owner's consent." : "", occurredAt: new Date(clock) },
    });
    clock += 2 * MINUTE;
  }
  return {
    admin,
    operator,
    projectId: project.id,
    projectName: project.name,
    liveRunId: live.id,
    rehearsalRunId: rehearsal.id,
    rolledBackRunId: drill.id,
    stepTitles: plan.map((s) => s.title),
    skippedStepTitle,
    failedThenDoneTitle,
    gateNotes,
  };
}

/**
 * A big run for the performance target: `steps` steps in six phases (gates, a fleet step,
 * rollback steps, commands on every step), `clients` fleet clients, every forward step signed
 * off with its audit events. State is written in bulk inside one transaction; the lib's step
 * actions are exercised by the small fixture.
 */
export async function seedLargeRun(options: { actor: { id: string; name: string; role: "ADMIN" }; steps: number; clients: number }): Promise<{ runId: string; projectId: string }> {
  const { createProject, instantiateRunbook } = await import("@/lib/projects/service");
  const { startRun } = await import("@/lib/runs/service");
  const { runTransaction } = await import("@/lib/platform/db/transaction");
  const { appendAuditEvent } = await import("@/lib/audit/service");
  const { prisma } = await import("@/lib/platform/db/client");
  const { runbookDocumentSchema } = await import("@/lib/templates/runbook-document");

  const windowStart = new Date(Date.now() - 2 * 24 * 60 * MINUTE);
  const project = await createProject({
    actor: options.actor,
    input: {
      name: "Datacenter exit — 300-step rehost",
      description: "Load test.",
      sourceHost: "nbu-old",
      targetHost: "nbu-new",
      product: "NetBackup",
      hostnameStrategy: "RENAME",
      mediaServers: [],
      timezone: "America/New_York",
      windowStart,
      windowEnd: new Date(windowStart.getTime() + 14 * 60 * MINUTE),
      template: "empty",
    },
  });
  const phases = 6;
  const perPhase = Math.ceil(options.steps / phases);
  let key = 0;
  const document = runbookDocumentSchema.parse({
    format: "runsheet.runbook",
    version: 1,
    name: "Load test",
    phases: Array.from({ length: phases }, (_, p) => ({
      title: p === phases - 1 ? "Rollback" : `Phase ${p + 1}: workload wave ${p + 1}`,
      inWindow: p > 0,
      steps: Array.from({ length: Math.min(perPhase, options.steps - p * perPhase) }, (_, i) => {
        key++;
        const kind = p === phases - 1 ? "ROLLBACK" : i === 0 && p > 0 ? "GATE" : "TASK";
        return {
          key: String(key),
          title: `Step ${key}: move workload group ${key} and verify its backups complete`,
          details: i % 4 === 0 ? "Check the **policy** list and the `bpdbjobs` report before continuing." : "",
          commands: `bpdbjobs -report -most_columns | grep group-${key}\nbpplinfo POLICY_${key} -modify -active\n/usr/openv/netbackup/bin/admincmd/bpbackup -i -p POLICY_${key} -s FULL -h client-${key}.example.internal`,
          verification: "Job status 0.",
          team: ["BA", "OS", "NW", "PM"][i % 4],
          plannedMinutes: 5 + (i % 6) * 5,
          kind,
          isFleet: p === 3 && i === 5,
          fleetAction: p === 3 && i === 5 ? "CHECK_CONNECTIVITY" : null,
          predecessors: key > 1 && kind !== "ROLLBACK" && !(i === 0) ? [String(key - 1)] : [],
        };
      }),
    })),
  });
  await runTransaction((tx) => instantiateRunbook(tx, { projectId: project.id, document }));
  await prisma.fleetClient.createMany({
    data: Array.from({ length: options.clients }, (_, i) => ({ projectId: project.id, hostname: `client-${String(i).padStart(5, "0")}.prod.example.internal`, os: ["Solaris10", "RHEL8", "Windows2019"][i % 3], hardware: "x86" })),
  });
  const run = await startRun({ actor: options.actor, projectId: project.id, input: { kind: "LIVE", name: "Live cutover" }, startedAt: new Date(windowStart.getTime() - 60 * MINUTE) });
  // The run's frozen copy of each step, in plan order.
  const frozen = await prisma.stepRun.findMany({ where: { runId: run.id }, include: { runPhase: { select: { position: true } } } });
  frozen.sort((a, b) => a.runPhase.position - b.runPhase.position || a.position - b.position);
  const stepRuns = frozen.map((sr) => ({ ...sr, step: { id: sr.stepId, title: sr.title, kind: sr.kind, plannedMinutes: sr.plannedMinutes } }));
  await runTransaction(async (tx) => {
    let clock = windowStart.getTime() - 50 * MINUTE;
    for (const [i, sr] of stepRuns.entries()) {
      if (sr.step.kind === "ROLLBACK") continue;
      const startedAt = new Date(clock);
      clock += (sr.step.plannedMinutes + ((i * 7) % 5) * 3 - 6) * MINUTE;
      const finishedAt = new Date(Math.max(clock, startedAt.getTime()));
      await appendAuditEvent(tx, { actor: options.actor, projectId: project.id, runId: run.id, action: "step.start", entityType: "step_run", entityId: sr.id, before: { status: "PENDING" }, after: { status: "IN_PROGRESS", stepTitle: sr.step.title } });
      await tx.stepRun.update({
        where: { id: sr.id },
        data: {
          status: "DONE",
          startedAt,
          finishedAt,
          startedById: options.actor.id,
          startedByName: options.actor.name,
          signedOffById: options.actor.id,
          signedOffByName: options.actor.name,
          signedOffAt: finishedAt,
          note: i % 10 === 0 ? `Group ${i} moved; ${i * 3} jobs re-run.` : "",
          ...(sr.step.kind === "GATE" ? { gateDecision: "GO" as const, decidedById: options.actor.id, decidedByName: options.actor.name } : {}),
        },
      });
      await appendAuditEvent(tx, { actor: options.actor, projectId: project.id, runId: run.id, action: sr.step.kind === "GATE" ? "gate.go" : "step.done", entityType: "step_run", entityId: sr.id, before: { status: "IN_PROGRESS" }, after: { status: "DONE", stepTitle: sr.step.title } });
    }
    await tx.fleetClientRun.updateMany({ where: { runId: run.id }, data: { status: "VERIFIED", updatedById: options.actor.id, updatedByName: options.actor.name } });
    await tx.run.update({ where: { id: run.id }, data: { status: "COMPLETED", endedAt: new Date(clock) } });
    await appendAuditEvent(tx, { actor: options.actor, projectId: project.id, runId: run.id, action: "run.complete", entityType: "run", entityId: run.id, before: { status: "ACTIVE" }, after: { status: "COMPLETED" } });
  });
  return { runId: run.id, projectId: project.id };
}
