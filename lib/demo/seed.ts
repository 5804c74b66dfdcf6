import "server-only";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { appendAuditEvent } from "../audit/service";
import { createProject } from "../projects/service";
import { addProjectMember } from "../projects/members";
import { decideGate, performStepAction, startRun } from "../runs/service";
import { createFirstAdmin, createUser } from "../users/service";
import type { RoleName } from "../platform/auth/roles";

export const DEMO_PASSWORD = "runsheet-demo";
export const DEMO_ACCOUNTS: { name: string; email: string; role: RoleName }[] = [
  { name: "Alex Admin", email: "admin@runsheet.local", role: "ADMIN" },
  { name: "Olivia Operator", email: "operator@runsheet.local", role: "OPERATOR" },
  { name: "Victor Viewer", email: "viewer@runsheet.local", role: "VIEWER" },
];

/** The clients of shared/domain/samples/bpplclients.txt: hardware, OS, client name. */
const DEMO_CLIENTS = [
  ["Solaris", "Solaris9", "acct-db01"],
  ["Solaris", "Solaris10", "acct-db02"],
  ["HP9000-800", "HP-UX11.11", "erp-app01"],
  ["RS6000", "AIX5", "erp-app02"],
  ["Linux", "RedHat2.6", "web-fe01"],
  ["Linux", "RedHat2.6", "web-fe02"],
  ["PC", "Windows2003", "exch-mbx01"],
  ["PC", "Windows2003", "file-srv01"],
  ["PC-x64", "Windows2008", "sql-cl01"],
  ["Solaris", "Solaris8", "legacy-nis"],
] as const;

/**
 * Seeds the demo on an empty database: three accounts and a NetBackup rehost whose live run is
 * part-way through the cutover window, which is placed around "now" so the demo is always live.
 */
export async function seedDemo(): Promise<boolean> {
  if ((await prisma.user.count()) > 0) return false;
  const [adminSpec, ...others] = DEMO_ACCOUNTS;
  const created = await createFirstAdmin({ input: { name: adminSpec.name, email: adminSpec.email, password: DEMO_PASSWORD } });
  const admin = { id: created.id, name: created.name, role: "ADMIN" as const };
  const users = [admin];
  for (const spec of others) {
    const user = await createUser({ actor: admin, input: { ...spec, password: DEMO_PASSWORD } });
    users.push({ id: user.id, name: user.name, role: spec.role as "ADMIN" });
  }
  const operator = { ...users[1], role: "OPERATOR" as const };

  const minute = 60_000;
  const now = Date.now();
  const windowStart = new Date(Math.floor((now - 200 * minute) / (15 * minute)) * 15 * minute);
  const windowEnd = new Date(windowStart.getTime() + 9 * 60 * minute);
  const project = await createProject({
    actor: admin,
    input: {
      name: "NetBackup master rehost — nbu-master1",
      description: "Move the combined master/media server nbu-master1 (Sun Fire V490, Solaris 9) to new hardware, keeping its hostname. Tape library: STK L180 with 4 LTO-2 drives.",
      sourceHost: "nbu-master1",
      targetHost: "nbu-master1-new",
      product: "NetBackup",
      hostnameStrategy: "KEEP",
      mediaServers: ["nbu-media1"],
      timezone: "Europe/Berlin",
      windowStart,
      windowEnd,
      template: "netbackup-keep-hostname",
    },
  });

  // A new install shows projects to their members only: the demo's operator and viewer are members.
  await addProjectMember({ actor: admin, projectId: project.id, input: { userId: users[1].id, role: "OPERATOR" } });
  await addProjectMember({ actor: admin, projectId: project.id, input: { userId: users[2].id, role: "VIEWER" } });

  await runTransaction(async (tx) => {
    // Marked so that demo accounts sign in only from this machine, and "Remove the demo" finds it all.
    await tx.user.updateMany({ where: { id: { in: users.map((u) => u.id) } }, data: { isDemo: true } });
    await tx.project.update({ where: { id: project.id }, data: { isDemo: true } });
    await tx.fleetClient.createMany({ data: DEMO_CLIENTS.map(([hardware, os, hostname]) => ({ projectId: project.id, hostname, os, hardware })) });
    // Backup-admin steps go to the operator, PM steps and gates to the admin.
    const steps = await tx.step.findMany({ where: { projectId: project.id }, select: { id: true, team: true } });
    for (const step of steps) {
      const assigneeId = step.team.startsWith("PM") ? admin.id : step.team.includes("BA") ? operator.id : null;
      if (assigneeId) await tx.step.update({ where: { id: step.id }, data: { assigneeId } });
    }
    await appendAuditEvent(tx, { actor: admin, projectId: project.id, action: "project.seed_assignments", entityType: "project", entityId: project.id, before: null, after: { clients: DEMO_CLIENTS.length } });
  });

  const prepStart = new Date(windowStart.getTime() - 6 * 24 * 60 * minute);
  const run = await startRun({ actor: admin, projectId: project.id, input: { kind: "LIVE", name: "Live cutover" }, startedAt: prepStart });
  const plan = await prisma.step.findMany({ where: { projectId: project.id }, orderBy: [{ phase: { position: "asc" } }, { position: "asc" }], select: { id: true, kind: true, plannedMinutes: true, phase: { select: { inWindow: true } } } });
  const forward = plan.filter((s) => s.kind !== "ROLLBACK");

  // Phases 1–2 (steps 1–11) were done in the days before, each a little over or under plan.
  let clock = prepStart.getTime() + 60 * minute;
  for (const [index, step] of forward.slice(0, 11).entries()) {
    const actor = index % 3 === 0 ? admin : operator;
    const actual = step.plannedMinutes + ((index * 7) % 5) * 5 - 10;
    await performStepAction({ actor, runId: run.id, stepId: step.id, input: { action: "start", note: "", reason: "" }, recordedAt: new Date(clock) });
    clock += Math.max(5, actual) * minute;
    await performStepAction({ actor, runId: run.id, stepId: step.id, input: { action: "done", note: index === 10 ? "Rehearsed copy took 2 h 40 min for 412 GB." : "", reason: "" }, recordedAt: new Date(clock) });
    clock += 12 * 60 * minute;
  }

  // The window: gate 12 Go, then 13–15 done (14 ran 15 min over), and the copy (16) running now.
  const at = (minutesAfterStart: number) => new Date(windowStart.getTime() + minutesAfterStart * minute);
  const [gate12, s13, s14, s15, s16, , s18] = forward.slice(11);
  await decideGate({ actor: admin, runId: run.id, stepId: gate12.id, input: { decision: "GO", note: "Change CHG0042117 approved; last night's backups complete; no restores pending; team on site." }, decidedAt: at(10) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s13.id, input: { action: "start", note: "", reason: "" }, recordedAt: at(12) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s13.id, input: { action: "done", note: "All 37 policies inactive; 2 jobs drained.", reason: "" }, recordedAt: at(40) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s14.id, input: { action: "start", note: "", reason: "" }, recordedAt: at(41) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s14.id, input: { action: "done", note: "Hot catalog backup OK, media ID A00417. DR file copied to ops-share.", reason: "" }, recordedAt: at(101) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s15.id, input: { action: "start", note: "", reason: "" }, recordedAt: at(102) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s15.id, input: { action: "done", note: "bpps -x clean.", reason: "" }, recordedAt: at(110) });
  await performStepAction({ actor: operator, runId: run.id, stepId: s16.id, input: { action: "start", note: "", reason: "" }, recordedAt: at(112) });
  await performStepAction({ actor: admin, runId: run.id, stepId: s18.id, input: { action: "start", note: "", reason: "" }, recordedAt: at(115) });
  return true;
}
