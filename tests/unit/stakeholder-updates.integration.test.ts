/**
 * Stakeholder updates end to end on a real SQLite file and a real SMTP server on loopback: the
 * settings routes, "send now" with an edited text, the scheduler with an advanced clock, ended
 * runs, refused input, and a relay that is down and later comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject, createTeam, templateSteps, type TestActor } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";
import { callRoute, loadApiRoutes, signIn, type ApiRoute } from "./helpers/http-routes";
import { startSmtpWorld, type SmtpWorld } from "./helpers/smtp-world";

const PASSWORD = "correct horse battery";
const MIN = 60_000;

let db: TestDatabase;
let lib: Lib;
let routes: ApiRoute[];
let smtp: SmtpWorld;
let admin: TestActor;
let cookie: string;
let scheduler: typeof import("@/lib/stakeholders/scheduler");
const savedEnv = { url: process.env.RUNSHEET_SMTP_URL, from: process.env.RUNSHEET_MAIL_FROM };

beforeAll(async () => {
  db = await openTestDatabase("stakeholders");
  lib = db.lib;
  smtp = await startSmtpWorld();
  process.env.RUNSHEET_SMTP_URL = smtp.url;
  process.env.RUNSHEET_MAIL_FROM = "Runsheet <runsheet@test.example>";
  routes = await loadApiRoutes();
  admin = (await createTeam(lib)).admin;
  cookie = await signIn(routes, { email: "ada@example.test", password: PASSWORD });
  scheduler = await import("@/lib/stakeholders/scheduler");
}, 60_000);

afterAll(async () => {
  if (savedEnv.url === undefined) delete process.env.RUNSHEET_SMTP_URL;
  else process.env.RUNSHEET_SMTP_URL = savedEnv.url;
  if (savedEnv.from === undefined) delete process.env.RUNSHEET_MAIL_FROM;
  else process.env.RUNSHEET_MAIL_FROM = savedEnv.from;
  await smtp?.close();
  await db?.close();
});

const route = (pattern: string) => routes.find((r) => r.pattern === pattern)!;
async function call(method: "GET" | "POST" | "PUT", pattern: string, runId: string, body?: unknown) {
  const response = await callRoute(route(`/api/runs/[runId]/stakeholder-updates${pattern}`), method, { runId }, { cookie, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, any> };
}

let counter = 0;
/** A live run of the NetBackup template with its first step done, in a project of its own. */
async function liveRun(label: string) {
  const project = await createProject(lib, admin, { name: `Stakeholders ${label} ${++counter}`, windowStart: new Date(Date.now() - 60 * MIN), windowEnd: new Date(Date.now() + 7 * 60 * MIN) });
  const run = await lib.runs.startRun({ actor: admin, projectId: project.id, input: { kind: "LIVE", name: `Cutover ${label}` } });
  const steps = await templateSteps(lib, project.id);
  const first = steps.ordered[0];
  await lib.runs.performStepAction({ actor: admin, runId: run.id, stepId: first.id, input: { action: "done", note: "", reason: "" } });
  return { project, run };
}

const settings = (overrides: Record<string, unknown> = {}) => ({
  recipients: ["cab@example.test", "ops-lead@example.test"],
  sendByEmail: true,
  sendByWebhook: false,
  intervalMinutes: 15,
  subjectTemplate: "{{run}}: {{progress}}",
  bodyTemplate: "Progress: {{progress}}\nForecast: {{forecast}}\nNext gate: {{nextGate}}",
  enabled: false,
  ...overrides,
});

const messagesOf = (runId: string) => lib.prisma.stakeholderUpdateMessage.findMany({ where: { runId }, orderBy: { sentAt: "asc" } });
const updateEvents = (runId: string) => lib.prisma.auditEvent.findMany({ where: { runId, action: "run.stakeholder_update" }, orderBy: { seq: "asc" } });

describe("stakeholder update settings", () => {
  it("start from defaults, are saved with an audit event, and come back as saved", async () => {
    const { run } = await liveRun("settings");
    const before = await call("GET", "", run.id);
    expect(before.status).toBe(200);
    expect(before.json.saved).toBe(false);
    expect(before.json.settings.recipients).toEqual([]);
    expect(before.json.mailConfigured).toBe(true);

    const saved = await call("PUT", "", run.id, settings({ recipients: ["CAB@example.test", "ops-lead@example.test"] }));
    expect(saved.status).toBe(200);
    expect(saved.json.saved).toBe(true);
    expect(saved.json.settings.recipients).toEqual(["cab@example.test", "ops-lead@example.test"]);
    const row = await lib.prisma.stakeholderUpdatePlan.findUniqueOrThrow({ where: { runId: run.id } });
    expect(JSON.parse(row.recipients)).toEqual(["cab@example.test", "ops-lead@example.test"]);
    expect(row.intervalMinutes).toBe(15);
    expect(row.linkBase).toBe("http://runsheet.test");
    expect(await lib.prisma.auditEvent.count({ where: { runId: run.id, action: "run.stakeholder_settings" } })).toBe(1);
  });

  it("refuse an invalid address with a field error naming it, and write nothing", async () => {
    const { run } = await liveRun("invalid");
    const auditBefore = await lib.prisma.auditEvent.count();
    const refused = await call("PUT", "", run.id, settings({ recipients: ["cab@example.test", "cab-at-example.test"] }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.fieldErrors.recipients).toEqual(["Not a valid email address: cab-at-example.test."]);
    expect(await lib.prisma.stakeholderUpdatePlan.count({ where: { runId: run.id } })).toBe(0);
    expect(await lib.prisma.auditEvent.count()).toBe(auditBefore);
  });

  it("refuse a template with an unknown placeholder, naming it", async () => {
    const { run } = await liveRun("placeholder");
    const refused = await call("PUT", "", run.id, settings({ bodyTemplate: "ETA {{eta}}" }));
    expect(refused.status).toBe(400);
    expect(refused.json.error.fieldErrors.bodyTemplate.join(" ")).toContain("{{eta}}");
    expect(await lib.prisma.stakeholderUpdatePlan.count({ where: { runId: run.id } })).toBe(0);
  });
});

describe("settings carried over and previews refused", () => {
  it("a new run of the project starts from the previous run's list, channels and templates, with automatic sending off", async () => {
    const { project, run } = await liveRun("carry");
    expect((await call("PUT", "", run.id, settings({ recipients: ["board@example.test"], intervalMinutes: 45, enabled: true }))).status).toBe(200);
    await lib.runs.endRunByHand({ actor: admin, runId: run.id, how: "abort", input: { reason: "Rescheduled" } });
    const next = await lib.runs.startRun({ actor: admin, projectId: project.id, input: { kind: "LIVE", name: "Second night" } });
    const offered = await call("GET", "", next.id);
    expect(offered.json).toMatchObject({ saved: false, nextDueAt: null, settings: { recipients: ["board@example.test"], intervalMinutes: 45, enabled: false } });
    expect(await lib.prisma.stakeholderUpdatePlan.count({ where: { runId: next.id } })).toBe(0);
  });

  it("a preview of an edited template with an unknown placeholder is a field error naming it", async () => {
    const { run } = await liveRun("preview-bad");
    const refused = await call("POST", "/preview", run.id, { bodyTemplate: "Status {{progress}}, ETA {{eta}}" });
    expect(refused.status).toBe(400);
    expect(refused.json.error.fieldErrors.bodyTemplate.join(" ")).toContain("{{eta}}");
  });
});

describe("send now", () => {
  it("previews from the run's facts, and sends the edited text exactly, to every recipient, with its row and audit event", async () => {
    const { run } = await liveRun("send");
    expect((await call("PUT", "", run.id, settings())).status).toBe(200);

    const preview = await call("POST", "/preview", run.id, {});
    expect(preview.status).toBe(200);
    const total = await lib.prisma.stepRun.count({ where: { runId: run.id, kind: { not: "ROLLBACK" } } });
    expect(preview.json.text).toContain(`Progress: 1 of ${total} steps done (`);
    expect(preview.json.subject).toBe(`Cutover send: 1 of ${total} steps done (${Math.floor(100 / total)}%)`);

    const edited = `${preview.json.text}\n\nNote from the night shift: catalog copy is running slower than planned.`;
    const subject = `Edited subject ${Date.now()}`;
    const sent = await call("POST", "/send", run.id, { subject, text: edited });
    expect(sent.status).toBe(200);
    expect(sent.json.message.status).toBe("SENT");

    const mail = await smtp.waitForMessage((m) => m.subject === subject);
    expect(mail.text?.trim()).toBe(edited.trim());
    const to = (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value ?? []).map((a) => a.address);
    expect(to.sort()).toEqual(["cab@example.test", "ops-lead@example.test"]);

    const [message] = await messagesOf(run.id);
    expect(message).toMatchObject({ subject, text: edited, status: "SENT", sentById: admin.id, attempts: 1, error: "" });
    expect(JSON.parse(message.recipients)).toEqual(["cab@example.test", "ops-lead@example.test"]);
    const [event] = await updateEvents(run.id);
    expect(event).toMatchObject({ runId: run.id, projectId: run.projectId, entityId: message.id, actorId: admin.id });
    expect(JSON.parse(event.after)).toMatchObject({ subject, text: edited, recipients: 2 });

    const log = await call("GET", "/log", run.id);
    expect(log.json.messages.map((m: { subject: string }) => m.subject)).toEqual([subject]);
  });

  it("by webhook only: recorded with its audit event for the webhook deliverer, and no email", async () => {
    const { run } = await liveRun("webhook");
    expect((await call("PUT", "", run.id, settings({ recipients: [], sendByEmail: false, sendByWebhook: true }))).status).toBe(200);
    const subject = `Webhook only ${Date.now()}`;
    const sent = await call("POST", "/send", run.id, { subject, text: "Half way." });
    expect(sent.status).toBe(200);
    expect(sent.json.message).toMatchObject({ status: "RECORDED", channels: ["webhook"], recipients: [] });
    const [event] = await updateEvents(run.id);
    expect(JSON.parse(event.after)).toMatchObject({ subject, text: "Half way.", recipients: 0, channels: ["webhook"] });
    expect(smtp.messages.some((m) => m.subject === subject)).toBe(false);
  });

  it("refuses to send before recipients are saved, and writes nothing", async () => {
    const { run } = await liveRun("unsaved");
    const refused = await call("POST", "/send", run.id, { subject: "x", text: "y" });
    expect(refused.status).toBe(409);
    expect(await messagesOf(run.id)).toEqual([]);
    expect(await updateEvents(run.id)).toEqual([]);
  });
});

describe("the scheduler", () => {
  it("sends once per interval: twice in two intervals, however many ticks", async () => {
    const { run } = await liveRun("schedule");
    const t0 = Date.now();
    const saved = await call("PUT", "", run.id, settings({ enabled: true, intervalMinutes: 10 }));
    expect(saved.status).toBe(200);
    const dueAt = Date.parse(saved.json.nextDueAt);
    expect(dueAt).toBeGreaterThanOrEqual(t0 + 10 * MIN);

    await scheduler.runStakeholderUpdateTick({ now: dueAt - 1000 });
    expect(await messagesOf(run.id)).toHaveLength(0);

    await scheduler.runStakeholderUpdateTick({ now: dueAt + 1000 });
    await scheduler.runStakeholderUpdateTick({ now: dueAt + 2000 });
    expect(await messagesOf(run.id)).toHaveLength(1);

    await scheduler.runStakeholderUpdateTick({ now: dueAt + 10 * MIN + 1000 });
    await scheduler.runStakeholderUpdateTick({ now: dueAt + 10 * MIN + 5000 });
    const messages = await messagesOf(run.id);
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.sentById === null && m.status === "SENT")).toBe(true);
    const events = await updateEvents(run.id);
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.actorId === null && e.runId === run.id)).toBe(true);
    for (const m of messages) await smtp.waitForMessage((mail) => mail.subject === m.subject && mail.text?.trim() === m.text.trim());
  });

  it("sends nothing for an ended run, and stops its schedule", async () => {
    const { run } = await liveRun("ended");
    const saved = await call("PUT", "", run.id, settings({ enabled: true, intervalMinutes: 5 }));
    const dueAt = Date.parse(saved.json.nextDueAt);
    await lib.runs.endRunByHand({ actor: admin, runId: run.id, how: "abort", input: { reason: "Called off" } });
    await scheduler.runStakeholderUpdateTick({ now: dueAt + 1000 });
    expect(await messagesOf(run.id)).toEqual([]);
    expect(await updateEvents(run.id)).toEqual([]);
    const plan = await lib.prisma.stakeholderUpdatePlan.findUniqueOrThrow({ where: { runId: run.id } });
    expect(plan.pausedAt).not.toBeNull();
    expect(plan.nextDueAt).toBeNull();
    const refused = await call("POST", "/send", run.id, { subject: "late", text: "late" });
    expect(refused.status).toBe(409);
  });

  it("records a relay that is down on the message, and a later tick delivers it", async () => {
    const { run } = await liveRun("relay-down");
    expect((await call("PUT", "", run.id, settings())).status).toBe(200);
    // A port nothing listens on: the relay is down.
    process.env.RUNSHEET_SMTP_URL = "smtp://127.0.0.1:9";
    const subject = `While the relay is down ${Date.now()}`;
    let sent;
    try {
      sent = await call("POST", "/send", run.id, { subject, text: "Still running." });
    } finally {
      process.env.RUNSHEET_SMTP_URL = smtp.url;
    }
    expect(sent.status).toBe(200);
    expect(sent.json.message.status).toBe("PENDING");
    const [pending] = await messagesOf(run.id);
    expect(pending.status).toBe("PENDING");
    expect(pending.error).not.toBe("");
    expect(pending.attempts).toBe(1);
    expect(pending.nextAttemptAt!.getTime()).toBeGreaterThan(pending.sentAt.getTime());
    expect(await updateEvents(run.id)).toHaveLength(1);

    // Before the retry time nothing happens; at it, the message goes out.
    await scheduler.runStakeholderUpdateTick({ now: pending.nextAttemptAt!.getTime() - 1000 });
    expect((await messagesOf(run.id))[0].status).toBe("PENDING");
    await scheduler.runStakeholderUpdateTick({ now: pending.nextAttemptAt!.getTime() + 1000 });
    const [delivered] = await messagesOf(run.id);
    expect(delivered).toMatchObject({ status: "SENT", attempts: 2, error: "" });
    await smtp.waitForMessage((m) => m.subject === subject);
    // Retried, not re-recorded: still one audit event.
    expect(await updateEvents(run.id)).toHaveLength(1);
  });
});
