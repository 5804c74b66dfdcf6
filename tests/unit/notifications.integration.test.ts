/**
 * Notifications end to end on a real SQLite file and a real SMTP server on loopback: the audit
 * log drives "you're up" and "gate waiting", the sweep chases and escalates on a fixed clock, the
 * outbox sends through nodemailer, and a gate is decided from the one-time link in its email.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParsedMail } from "mailparser";
import pg from "pg";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";
import { startSmtpWorld, type SmtpWorld } from "./helpers/smtp-world";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";

// Each test runs a run through several transactions and waits for real SMTP deliveries; on a
// shared, busy machine that can take longer than the 5 s default.
vi.setConfig({ testTimeout: 30_000 });

let db: TestDatabase;
let smtp: SmtpWorld;
let team: Awaited<ReturnType<typeof createTeam>>;
let notifications: typeof import("@/lib/notifications/service");
let links: typeof import("@/lib/notifications/approval-links");
let queries: typeof import("@/lib/notifications/queries");
let members: typeof import("@/lib/projects/members");
let routes: ApiRoute[];
const routeAt = (pattern: string) => routes.find((r) => r.pattern === pattern)!;

beforeAll(async () => {
  smtp = await startSmtpWorld();
  process.env.RUNSHEET_SMTP_URL = smtp.url;
  process.env.RUNSHEET_MAIL_FROM = "Runsheet <runsheet@example.test>";
  process.env.RUNSHEET_PUBLIC_URL = "https://runsheet.example.test";
  db = await openTestDatabase("notifications");
  team = await createTeam(db.lib);
  notifications = await import("@/lib/notifications/service");
  links = await import("@/lib/notifications/approval-links");
  queries = await import("@/lib/notifications/queries");
  members = await import("@/lib/projects/members");
  routes = await loadApiRoutes();
}, 60_000);
afterAll(async () => {
  await db?.close();
  await smtp?.close();
  delete process.env.RUNSHEET_SMTP_URL;
});

const MINUTE = 60_000;

/** Copy → (assigned) Verify → gate → Switch, one rollback step; a live run started on it. */
async function world(name: string, options: { assignee?: TestActor; gateApprovers?: ({ kind: "user"; userId: string } | { kind: "role"; role: "OPERATOR" | "ADMIN" })[]; members?: "all" | "members" } = {}) {
  const lib = db.lib;
  const project = await createProject(lib, team.admin, { name, template: "empty" });
  const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Window" }) });
  const add = (input: Record<string, unknown>) => lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, plannedMinutes: 10, kind: "TASK", ...input }) });
  const copy = await add({ title: `Copy the catalog ${name}` });
  const verify = await add({ title: `Verify the catalog ${name}`, predecessorIds: [copy.id], assigneeId: (options.assignee ?? team.operator).id });
  const gate = await add({ title: `Go/No-Go ${name}`, kind: "GATE", predecessorIds: [verify.id], gateApprovers: options.gateApprovers ?? [] });
  await add({ title: `Switch DNS ${name}`, predecessorIds: [gate.id] });
  await add({ title: `Restore ${name}`, kind: "ROLLBACK" });
  const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: `Cutover ${name}` } });
  const act = (actor: TestActor, stepId: string, action: "start" | "done") => lib.runs.performStepAction({ actor, runId: run.id, stepId, input: { action, note: "", reason: "" } });
  const stepRun = (stepId: string) => lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId } } });
  return { project, run, copy, verify, gate, act, stepRun };
}

const ofUser = (userId: string, where: Record<string, unknown> = {}) => db.lib.prisma.notification.findMany({ where: { userId, ...where }, orderBy: { createdAt: "asc" } });
async function flush(now?: Date) {
  await notifications.processAuditEvents({ now });
  await notifications.sendPendingEmails({ now });
}
const mailTo = (address: string, subject: string) => (m: ParsedMail) => m.subject === subject && JSON.stringify(m.to).includes(address);
function approvalLink(mail: ParsedMail): string {
  const match = /Approve: (https:\/\/runsheet\.example\.test\/approve\/([A-Za-z0-9_-]{43}))\?decision=GO/.exec(mail.text ?? "");
  if (!match) throw new Error(`No approval link in: ${mail.text}`);
  return match[2];
}

describe("you're up", () => {
  it("completing a predecessor notifies the next step's assignee in the app and by email, with the step's link", async () => {
    const w = await world("ready");
    await flush();
    expect(await ofUser(team.operator.id, { projectId: w.project.id })).toHaveLength(0);
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const rows = await ofUser(team.operator.id, { projectId: w.project.id });
    expect(rows).toMatchObject([{ kind: "READY", title: "You're up: step 2 Verify the catalog ready", readAt: null, inApp: true }]);
    const mail = await smtp.waitForMessage(mailTo("olivia@example.test", "[Runsheet] You're up: step 2 Verify the catalog ready — ready"));
    expect(mail.text).toContain(`https://runsheet.example.test/projects/${w.project.id}/runs/${w.run.id}#step-${w.verify.id}`);
    expect(mail.text).toContain(`https://runsheet.example.test/notifications/${rows[0].id}`);
    expect(mail.html).toContain("Acknowledge");
    // The outbox keeps no copy of what it delivered.
    expect(await db.lib.prisma.emailOutbox.findFirstOrThrow({ where: { notificationId: rows[0].id } })).toMatchObject({ status: "SENT", text: "" });
    // A second pass (a restart, another tick) doesn't notify again.
    await flush();
    expect(await ofUser(team.operator.id, { projectId: w.project.id })).toHaveLength(1);
    const bell = await queries.listNotifications({ user: team.operator });
    expect(bell.notifications.find((n) => n.id === rows[0].id)).toMatchObject({ needsAcknowledgement: true, read: false });
    // Someone else can't acknowledge it.
    expect(await caught(() => notifications.acknowledgeNotification({ actor: team.operator2, notificationId: rows[0].id }))).toMatchObject({ status: 404 });
  });

  it("with email turned off for 'you're up' the assignee gets the bell only", async () => {
    const w = await world("no-mail", { assignee: team.operator2 });
    await notifications.updateNotificationPreferences({ actor: team.operator2, input: { preferences: [{ kind: "READY", inApp: true, email: false }] } });
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const rows = await ofUser(team.operator2.id, { projectId: w.project.id });
    expect(rows).toMatchObject([{ kind: "READY", inApp: true }]);
    expect(await db.lib.prisma.emailOutbox.count({ where: { notificationId: rows[0].id } })).toBe(0);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes("otto@example.test"))).toHaveLength(0);
    await notifications.updateNotificationPreferences({ actor: team.operator2, input: { preferences: [{ kind: "READY", inApp: true, email: true }] } });
  });
});

describe("chasing", () => {
  it("re-notifies every 10 minutes, escalates to the lead after two chases, and stops once acknowledged", async () => {
    const w = await world("chase");
    await db.lib.prisma.project.update({ where: { id: w.project.id }, data: { leadUserId: team.operator2.id } });
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const [ready] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" });
    const t0 = ready.lastSentAt.getTime();
    const at = (minutes: number) => new Date(t0 + minutes * MINUTE);
    // Too early: nothing.
    await notifications.sweepNotifications({ now: at(9) });
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(0);
    await notifications.sweepNotifications({ now: at(10) });
    await notifications.sendPendingEmails({ now: at(10) });
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(1);
    await smtp.waitForMessage(mailTo("olivia@example.test", "[Runsheet] Reminder 1: You're up: step 2 Verify the catalog chase — chase"));
    await notifications.sweepNotifications({ now: at(20) });
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(2);
    expect(await ofUser(team.operator2.id, { projectId: w.project.id, kind: "ESCALATION" })).toHaveLength(0);
    await notifications.sweepNotifications({ now: at(30) });
    const escalations = await ofUser(team.operator2.id, { projectId: w.project.id, kind: "ESCALATION" });
    expect(escalations).toHaveLength(1);
    expect(escalations[0].title).toBe("Escalation: step 2 Verify the catalog chase (Olivia Operator) has been ready for 30 min and unacknowledged");
    // Escalated once; chasing has stopped.
    await notifications.sweepNotifications({ now: at(60) });
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(2);
    expect(await ofUser(team.operator2.id, { projectId: w.project.id, kind: "ESCALATION" })).toHaveLength(1);
  });

  it("an acknowledged notification is not chased", async () => {
    const w = await world("ack");
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const [ready] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" });
    await notifications.acknowledgeNotification({ actor: team.operator, notificationId: ready.id });
    const t0 = ready.lastSentAt.getTime();
    for (const m of [10, 20, 30, 40]) await notifications.sweepNotifications({ now: new Date(t0 + m * MINUTE) });
    const after = await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } });
    expect(after.chaseCount).toBe(0);
    expect(after.acknowledgedAt).not.toBeNull();
    expect(await db.lib.prisma.notification.count({ where: { projectId: w.project.id, kind: "ESCALATION" } })).toBe(0);
    expect(await db.lib.prisma.auditEvent.count({ where: { action: "notification.acknowledge", entityId: ready.id, actorId: team.operator.id } })).toBe(1);
  });

  it("starting the step counts as an answer: chasing stops", async () => {
    const w = await world("start");
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const [ready] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" });
    await w.act(team.operator, w.verify.id, "start");
    await flush();
    await notifications.sweepNotifications({ now: new Date(ready.lastSentAt.getTime() + 10 * MINUTE) });
    const after = await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } });
    expect(after.chaseCount).toBe(0);
    expect(after.closedAt).not.toBeNull();
  });

  it("a started step past its planned finish by 10 minutes is overdue for its assignee", async () => {
    const w = await world("overdue");
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "start");
    await flush();
    const started = (await w.stepRun(w.verify.id)).startedAt!.getTime();
    await notifications.sweepNotifications({ now: new Date(started + 19 * MINUTE) });
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "OVERDUE" })).toHaveLength(0);
    await notifications.sweepNotifications({ now: new Date(started + 20 * MINUTE) });
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "OVERDUE" })).toMatchObject([{ title: "Overdue: step 2 Verify the catalog overdue" }]);
  });
});

describe("gate approval links", () => {
  async function gateReady(name: string, approver: TestActor) {
    const w = await world(name, { gateApprovers: [{ kind: "user", userId: approver.id }] });
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "done");
    await flush();
    const subject = `[Runsheet] Gate waiting for your decision: step 3 Go/No-Go ${name} — ${name}`;
    const address = approver.id === team.operator.id ? "olivia@example.test" : "otto@example.test";
    const mail = await smtp.waitForMessage(mailTo(address, subject));
    return { ...w, token: approvalLink(mail), mail };
  }

  it("the approver's email link decides the gate as the approver, audited as by email link; GET never decides; reuse is refused", async () => {
    const g = await gateReady("link-go", team.operator2);
    expect(await ofUser(team.operator2.id, { projectId: g.project.id, kind: "GATE_WAITING" })).toHaveLength(1);
    // Only the hash is stored.
    expect(await db.lib.prisma.gateApprovalLink.count({ where: { tokenHash: g.token } })).toBe(0);
    const view = await links.describeApprovalLink({ token: g.token });
    expect(view).toMatchObject({ ok: true, approverName: "Otto Operator", gateTitle: "Go/No-Go link-go", runName: "Cutover link-go" });
    expect(await g.stepRun(g.gate.id)).toMatchObject({ status: "PENDING", gateDecision: null });
    await links.decideByApprovalLink({ token: g.token, input: { decision: "GO", note: "Checked from my phone" } });
    expect(await g.stepRun(g.gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedById: team.operator2.id, decidedByName: "Otto Operator", note: "Checked from my phone" });
    const event = await db.lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: g.run.id, action: "gate.go" } });
    expect(event.actorId).toBe(team.operator2.id);
    expect(JSON.parse(event.after)).toMatchObject({ via: "email link" });
    const before = await db.lib.prisma.auditEvent.count();
    const again = await caught(() => links.decideByApprovalLink({ token: g.token, input: { decision: "NO_GO", note: "again" } }));
    expect(again.message).toMatch(/already been used/);
    expect(await db.lib.prisma.auditEvent.count()).toBe(before);
    expect(await g.stepRun(g.gate.id)).toMatchObject({ gateDecision: "GO" });
  });

  it("an expired link is refused and decides nothing", async () => {
    const g = await gateReady("link-expired", team.operator2);
    const later = new Date(Date.now() + 61 * MINUTE);
    expect(await links.describeApprovalLink({ token: g.token, now: later })).toMatchObject({ ok: false, problem: "expired" });
    expect((await caught(() => links.decideByApprovalLink({ token: g.token, input: { decision: "GO", note: "" }, now: later }))).message).toMatch(/expired/);
    expect(await g.stepRun(g.gate.id)).toMatchObject({ status: "PENDING", gateDecision: null });
  });

  it("a link stops working when its approver loses access to the project", async () => {
    const name = "link-removed";
    const w = await world(name, { gateApprovers: [{ kind: "user", userId: team.operator2.id }] });
    await members.addProjectMember({ actor: team.admin, projectId: w.project.id, input: { userId: team.operator2.id, role: "OPERATOR" } });
    await members.addProjectMember({ actor: team.admin, projectId: w.project.id, input: { userId: team.operator.id, role: "OPERATOR" } });
    await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "members" } });
    try {
      await w.act(team.admin, w.copy.id, "done");
      await w.act(team.operator, w.verify.id, "done");
      await flush();
      const token = approvalLink(await smtp.waitForMessage(mailTo("otto@example.test", `[Runsheet] Gate waiting for your decision: step 3 Go/No-Go ${name} — ${name}`)));
      await members.removeProjectMember({ actor: team.admin, projectId: w.project.id, userId: team.operator2.id });
      expect(await links.describeApprovalLink({ token })).toMatchObject({ ok: false, problem: "not-allowed" });
      expect((await caught(() => links.decideByApprovalLink({ token, input: { decision: "GO", note: "" } }))).message).toMatch(/no longer decide/);
      expect(await w.stepRun(w.gate.id)).toMatchObject({ status: "PENDING", gateDecision: null });
      expect(await db.lib.prisma.gateApprovalLink.count({ where: { approverId: team.operator2.id, usedAt: { not: null }, stepRunId: (await w.stepRun(w.gate.id)).id } })).toBe(0);
    } finally {
      await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });
    }
  });

  it("a link for one gate can't decide another, and an unknown token is refused", async () => {
    expect(await links.describeApprovalLink({ token: "A".repeat(43) })).toMatchObject({ ok: false, problem: "unknown" });
    const g = await gateReady("link-other", team.operator2);
    const gateRun = await g.stepRun(g.gate.id);
    // A link bound to another gate's step run decides only that one: here it points at a step that is no gate.
    const other = await db.lib.prisma.stepRun.findFirstOrThrow({ where: { runId: g.run.id, title: "Switch DNS link-other" } });
    await db.lib.prisma.gateApprovalLink.updateMany({ where: { stepRunId: gateRun.id, approverId: team.operator2.id }, data: { stepRunId: other.id } });
    expect((await caught(() => links.decideByApprovalLink({ token: g.token, input: { decision: "GO", note: "" } }))).message).toMatch(/no longer decide/);
    expect(await g.stepRun(g.gate.id)).toMatchObject({ status: "PENDING", gateDecision: null });
    expect(await db.lib.prisma.stepRun.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: "PENDING" });
  });
});

describe("run ended", () => {
  it("tells the run's people when it ends", async () => {
    const w = await world("ended");
    await db.lib.runs.endRunByHand({ actor: team.admin, runId: w.run.id, how: "abort", input: { reason: "Postponed" } });
    await flush();
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "RUN_ENDED" })).toMatchObject([{ title: "Run ended: Cutover ended aborted" }]);
    expect(await ofUser(team.admin.id, { projectId: w.project.id, kind: "RUN_ENDED" })).toHaveLength(1);
  });
});

describe("over HTTP", () => {
  it("POST /api/approve/<token> decides the gate as the approver; the same link again is refused with nothing changed", async () => {
    const w = await world("http-link", { gateApprovers: [{ kind: "user", userId: team.operator2.id }] });
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "done");
    await flush();
    const token = approvalLink(await smtp.waitForMessage(mailTo("otto@example.test", "[Runsheet] Gate waiting for your decision: step 3 Go/No-Go http-link — http-link")));
    const approve = routeAt("/api/approve/[token]");
    const noNote = await callRoute(approve, "POST", { token }, { body: JSON.stringify({ decision: "GO", note: "" }), headers: { "x-runsheet-peer-address": "192.0.2.10" } });
    expect(noNote.status).toBe(400);
    expect(await w.stepRun(w.gate.id)).toMatchObject({ status: "PENDING" });
    const first = await callRoute(approve, "POST", { token }, { body: JSON.stringify({ decision: "GO", note: "Backups verified" }), headers: { "x-runsheet-peer-address": "192.0.2.10" } });
    expect(first.status).toBe(200);
    expect(await w.stepRun(w.gate.id)).toMatchObject({ status: "DONE", gateDecision: "GO", decidedById: team.operator2.id });
    const events = await db.lib.prisma.auditEvent.count({ where: { runId: w.run.id } });
    const again = await callRoute(approve, "POST", { token }, { body: JSON.stringify({ decision: "NO_GO", note: "Changed my mind" }), headers: { "x-runsheet-peer-address": "192.0.2.10" } });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already been used/);
    expect(await db.lib.prisma.auditEvent.count({ where: { runId: w.run.id } })).toBe(events);
    // A cross-site form can't use it either.
    const crossSite = await callRoute(approve, "POST", { token }, { body: JSON.stringify({ decision: "GO", note: "x" }), origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
  });

  it("the public decision is rate-limited per address", async () => {
    const approve = routeAt("/api/approve/[token]");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await callRoute(approve, "POST", { token: "B".repeat(43) }, { body: JSON.stringify({ decision: "GO", note: "guess" }), headers: { "x-runsheet-peer-address": "198.51.100.7" } });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it("the bell lists only your own notifications and acknowledges only yours", async () => {
    const w = await world("http-bell");
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const [mine] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" });
    const olivia = await signIn(routes, { email: "olivia@example.test", password: "correct horse battery" });
    const otto = await signIn(routes, { email: "otto@example.test", password: "correct horse battery" });
    const list = async (cookie: string) => (await (await callRoute(routeAt("/api/notifications"), "GET", {}, { cookie })).json()) as { unread: number; notifications: { id: string; title: string }[] };
    expect((await list(olivia)).notifications.map((n) => n.id)).toContain(mine.id);
    expect((await list(otto)).notifications.map((n) => n.id)).not.toContain(mine.id);
    const ack = routeAt("/api/notifications/[notificationId]/acknowledge");
    expect((await callRoute(ack, "POST", { notificationId: mine.id }, { cookie: otto, body: "{}" })).status).toBe(404);
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: mine.id } })).acknowledgedAt).toBeNull();
    expect((await callRoute(ack, "POST", { notificationId: mine.id }, { cookie: olivia, body: "{}" })).status).toBe(200);
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: mine.id } })).acknowledgedAt).not.toBeNull();
    // With projects open to members only, and Olivia no member, her bell no longer shows it.
    await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "members" } });
    try {
      expect((await list(olivia)).notifications.map((n) => n.id)).not.toContain(mine.id);
    } finally {
      await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });
    }
  });
});

describe("the sweep", () => {
  it("takes no write lock when nothing is due: it finishes while another connection holds the lock every sign-off needs, and writes once something is due", async () => {
    const w = await world("look first");
    await w.act(team.admin, w.copy.id, "done");
    await flush();
    const [ready] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" });
    const at = (minutes: number) => new Date(ready.lastSentAt.getTime() + minutes * MINUTE);
    // What the other tests' runs have due at this time is done first.
    await notifications.sweepNotifications({ now: at(9) });
    const before = await db.lib.prisma.notification.count();
    // Another writer holds what a write transaction needs: SQLite's write lock, or on PostgreSQL
    // the audit chain's lock (the sweep's transactions take it, in every instance).
    const hold = await holdWriteLock();
    try {
      await expect(notifications.sweepNotifications({ now: at(9) })).resolves.toBeUndefined();
    } finally {
      await hold.release();
    }
    expect(await db.lib.prisma.notification.count()).toBe(before);
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(0);
    // Ten minutes on, the chase is due: the sweep writes it.
    await notifications.sweepNotifications({ now: at(10) });
    expect((await db.lib.prisma.notification.findUniqueOrThrow({ where: { id: ready.id } })).chaseCount).toBe(1);
  });
});

describe("the sweep on SQLite", () => {
  it.skipIf(process.env.RUNSHEET_TEST_DATABASE === "postgresql")("lets a sign-off that arrives meanwhile go between two runs, not after all of them", async () => {
    const w = await world("between runs");
    await world("between runs, second");
    await world("between runs, third");
    await flush();
    expect(await db.lib.prisma.run.count({ where: { status: "ACTIVE" } })).toBeGreaterThanOrEqual(3);
    const order: string[] = [];
    const sweep = notifications.sweepNotifications().then(() => order.push("sweep"));
    // A request arriving now is served on a later turn of the event loop, as a timer is.
    const signOff = new Promise((resolve) => setTimeout(resolve, 0))
      .then(() => w.act(team.admin, w.copy.id, "done"))
      .then(() => order.push("sign-off"));
    await Promise.all([sweep, signOff]);
    expect(order).toEqual(["sign-off", "sweep"]);
    expect((await w.stepRun(w.copy.id)).status).toBe("DONE");
  });
});

/** Holds, from a connection of its own, the lock a write transaction needs, until released. */
async function holdWriteLock(): Promise<{ release: () => Promise<void> }> {
  if (process.env.RUNSHEET_TEST_DATABASE === "postgresql") {
    const { AUDIT_CHAIN_LOCK_KEY } = await import("@/lib/platform/db/advisory-locks");
    const client = new pg.Client({ connectionString: db.file });
    await client.connect();
    await client.query(`SELECT pg_advisory_lock(${AUDIT_CHAIN_LOCK_KEY})`);
    return { release: () => client.end() };
  }
  const raw = db.openRaw();
  raw.exec("BEGIN IMMEDIATE");
  return {
    release: async () => {
      raw.exec("ROLLBACK");
      raw.close();
    },
  };
}

describe("time-based", () => {
  it("rollback deadline: a warning at T-30, another at T-10, one when it has passed, each once", async () => {
    const now = Date.now();
    // A window ending in 70 min with 30 min of rollback: the deadline is in 40 min.
    const lib = db.lib;
    const project = await createProject(lib, team.admin, { name: "deadline", template: "empty", windowStart: new Date(now - 60 * MINUTE), windowEnd: new Date(now + 70 * MINUTE) });
    await lib.prisma.project.update({ where: { id: project.id }, data: { leadUserId: team.operator2.id } });
    const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "Window" }) });
    const add = (input: Record<string, unknown>) => lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, plannedMinutes: 10, kind: "TASK", ...input }) });
    await add({ title: "Work", assigneeId: team.operator.id });
    await add({ title: "Undo the work", kind: "ROLLBACK", plannedMinutes: 30 });
    const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "LIVE", name: "Deadline cutover" } });
    await flush();
    const deadline = (await lib.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).windowEnd.getTime() - 30 * MINUTE;
    const warnings = async (userId: string) => (await ofUser(userId, { runId: run.id, kind: "ROLLBACK_DEADLINE" })).map((n) => n.title);
    await notifications.sweepNotifications({ now: new Date(deadline - 31 * MINUTE) });
    expect(await warnings(team.operator2.id)).toEqual([]);
    await notifications.sweepNotifications({ now: new Date(deadline - 30 * MINUTE) });
    await notifications.sweepNotifications({ now: new Date(deadline - 25 * MINUTE) });
    expect(await warnings(team.operator2.id)).toEqual(["Rollback deadline in 30 min: Deadline cutover"]);
    await notifications.sweepNotifications({ now: new Date(deadline - 10 * MINUTE) });
    await notifications.sweepNotifications({ now: new Date(deadline + 1 * MINUTE) });
    expect(await warnings(team.operator2.id)).toEqual(["Rollback deadline in 30 min: Deadline cutover", "Rollback deadline in 10 min: Deadline cutover", "Rollback deadline passed: Deadline cutover"]);
    // The assignee of unfinished work hears it too.
    expect(await warnings(team.operator.id)).toHaveLength(3);
  });

  it("an unacknowledged overdue step is chased and then escalated to the lead", async () => {
    const w = await world("overdue-chase");
    await db.lib.prisma.project.update({ where: { id: w.project.id }, data: { leadUserId: team.admin.id } });
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "start");
    await flush();
    const started = (await w.stepRun(w.verify.id)).startedAt!.getTime();
    const at = (minutes: number) => new Date(started + minutes * MINUTE);
    for (const m of [20, 30, 40, 50]) await notifications.sweepNotifications({ now: at(m) });
    const [overdue] = await ofUser(team.operator.id, { projectId: w.project.id, kind: "OVERDUE" });
    expect(overdue).toMatchObject({ chaseCount: 2 });
    expect(overdue.closedAt).not.toBeNull();
    const [escalation] = await ofUser(team.admin.id, { projectId: w.project.id, kind: "ESCALATION" });
    expect(escalation.title).toBe("Escalation: step 2 Verify the catalog overdue-chase (Olivia Operator) is 40 min overdue and unacknowledged");
  });

  it("a gate that names nobody is announced to the admins; after the decisions by link above, the replayed steps match the record", async () => {
    const w = await world("no-approvers");
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "done");
    await flush();
    const gateRun = await w.stepRun(w.gate.id);
    const told = await db.lib.prisma.notification.findMany({ where: { stepRunId: gateRun.id, kind: "GATE_WAITING" }, select: { userId: true } });
    expect(told.map((n) => n.userId)).toEqual([team.admin.id]);
    const findings = (await db.lib.audit.verifyAuditTrailNow()).findings.filter((f) => JSON.stringify(f).includes("step") || JSON.stringify(f).includes("gate"));
    expect(findings).toEqual([]);
  });
});

describe("a gate approved by a role", () => {
  it("is announced to the people of that role who work on the cutover, not to every operator of the installation", async () => {
    // Projects are open to everyone here: both operators may decide, but only Olivia works on this run.
    const w = await world("by-role", { gateApprovers: [{ kind: "role", role: "OPERATOR" }] });
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "done");
    await flush();
    const gateRun = await w.stepRun(w.gate.id);
    const told = await db.lib.prisma.notification.findMany({ where: { stepRunId: gateRun.id, kind: "GATE_WAITING" }, select: { userId: true } });
    expect(told.map((n) => n.userId)).toEqual([team.operator.id]);
    expect(await ofUser(team.operator2.id, { projectId: w.project.id })).toEqual([]);
  });
});

describe("project notification settings", () => {
  it("a project's own overdue threshold wins over the default; the lead must be someone who can see the project; audited", async () => {
    const w = await world("threshold");
    await notifications.updateProjectNotificationSettings({ actor: team.admin, projectId: w.project.id, input: { leadUserId: team.operator2.id, overdueMinutes: 3 } });
    expect(await db.lib.prisma.project.findUniqueOrThrow({ where: { id: w.project.id } })).toMatchObject({ leadUserId: team.operator2.id, notifyOverdueMinutes: 3 });
    expect(await db.lib.prisma.auditEvent.count({ where: { projectId: w.project.id, action: "project.notification_settings", actorId: team.admin.id } })).toBe(1);
    await w.act(team.admin, w.copy.id, "done");
    await w.act(team.operator, w.verify.id, "start");
    await flush();
    const started = (await w.stepRun(w.verify.id)).startedAt!.getTime();
    await notifications.sweepNotifications({ now: new Date(started + 12 * MINUTE) });
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "OVERDUE" })).toEqual([]);
    await notifications.sweepNotifications({ now: new Date(started + 13 * MINUTE) });
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "OVERDUE" })).toHaveLength(1);

    expect(await caught(() => notifications.updateProjectNotificationSettings({ actor: team.operator, projectId: w.project.id, input: { leadUserId: null, overdueMinutes: null } }))).toMatchObject({ status: 403 });
    await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "members" } });
    try {
      const refused = await caught(() => notifications.updateProjectNotificationSettings({ actor: team.admin, projectId: w.project.id, input: { leadUserId: team.viewer.id, overdueMinutes: null } }));
      expect(refused.fieldErrors).toEqual({ leadUserId: ["Choose someone who can see this project."] });
      expect(await db.lib.prisma.project.findUniqueOrThrow({ where: { id: w.project.id } })).toMatchObject({ leadUserId: team.operator2.id, notifyOverdueMinutes: 3 });
    } finally {
      await db.lib.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });
    }
  });
});

describe("following the log after commits", () => {
  it("starts a pass 250 ms after a commit, but no sooner than a second after the last one began", async () => {
    const { followDelayMs } = await import("@/lib/notifications/dispatcher");
    const now = 1_000_000;
    expect(followDelayMs({ now, lastFollowAt: null })).toBe(250);
    // Quiet for a while: a single sign-off is followed as quickly as ever.
    expect(followDelayMs({ now, lastFollowAt: now - 5_000 })).toBe(250);
    // In a burst: the next pass waits for the rest of the second.
    expect(followDelayMs({ now, lastFollowAt: now - 100 })).toBe(900);
    expect(followDelayMs({ now, lastFollowAt: now - 800 })).toBe(250);
  });
});

describe("following the log on PostgreSQL, with other instances", () => {
  it.runIf(process.env.RUNSHEET_TEST_DATABASE === "postgresql")(
    "a pass doesn't hold the audit chain's lock while it works: a sign-off goes through while a pass waits, and the pass then finishes",
    async () => {
      const w = await world("pass-lock");
      await flush();
      // Another session holds the notification table, so the next pass stops mid-way, where it
      // writes the "you're up" this sign-off calls for (reads go on; writes wait).
      const blocker = new pg.Client({ connectionString: db.file });
      await blocker.connect();
      const waitingOnNotifications = async () =>
        (await blocker.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'notification' AND NOT l.granted`)).rows[0].n;
      try {
        await blocker.query("BEGIN");
        await blocker.query(`LOCK TABLE "notification" IN EXCLUSIVE MODE`);
        await w.act(team.admin, w.copy.id, "done");
        const pass = notifications.processAuditEvents();
        await vi.waitFor(async () => expect(await waitingOnNotifications()).toBe(1), { timeout: 4000, interval: 20 });
        // The pass is inside its transaction. A sign-off appends to the chain: it would wait for a
        // pass holding the chain's lock, and fail as busy after lock_timeout.
        await expect(w.act(team.operator, w.verify.id, "start")).resolves.toMatchObject({ status: "IN_PROGRESS" });
        await blocker.query("COMMIT");
        expect(await pass).toBeGreaterThanOrEqual(1);
      } finally {
        await blocker.end();
      }
      expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" })).toHaveLength(1);
      // The start's event is for the next pass; it leaves the cursor at the chain's head.
      await flush();
      const head = await db.lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { seq: true } });
      expect(await db.lib.prisma.notificationCursor.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ seq: head.seq });
    },
  );

  it.runIf(process.env.RUNSHEET_TEST_DATABASE === "postgresql")("two passes at once (two instances after the same commits) take turns on the cursor: each event is handled once, one notification", async () => {
    const w = await world("two-passes");
    await flush();
    const before = (await db.lib.prisma.notificationCursor.findUniqueOrThrow({ where: { id: 1 } })).seq;
    await w.act(team.admin, w.copy.id, "done");
    const head = (await db.lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" }, select: { seq: true } })).seq;
    const handled = await Promise.all([notifications.processAuditEvents(), notifications.processAuditEvents()]);
    expect(handled[0] + handled[1]).toBe(head - before);
    expect(await ofUser(team.operator.id, { projectId: w.project.id, kind: "READY" })).toHaveLength(1);
    expect(await db.lib.prisma.notificationCursor.findUniqueOrThrow({ where: { id: 1 } })).toMatchObject({ seq: head });
  });
});
