import "server-only";
import { appendAuditEvent } from "../audit/service";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, ValidationError } from "../platform/errors";
import { canManageStakeholderUpdates, type ActingUser, type Actor } from "../platform/auth/permissions";
import { mailIsConfigured, sendMail } from "../platform/mail/mailer";
import { requireRunAccess } from "../projects/access";
import {
  DEFAULT_BODY_TEMPLATE,
  DEFAULT_INTERVAL_MINUTES,
  DEFAULT_SUBJECT_TEMPLATE,
  firstDueAt,
  MAX_EMAIL_ATTEMPTS,
  nextDueAfter,
  renderStakeholderSubject,
  renderStakeholderUpdate,
  retryDelayMinutes,
  STAKEHOLDER_PLACEHOLDERS,
  UnknownPlaceholderError,
  type StakeholderChannel,
  type StakeholderFacts,
} from "./model";
import { getStakeholderFacts, listStakeholderMessages, stakeholderMessageView, type StakeholderMessageView } from "./queries";
import type { StakeholderSettingsInput } from "./schemas";

/*
 * Stakeholder updates of a run (README: "Stakeholder updates"). An update is written (message row
 * + audit event `run.stakeholder_update`, which the webhook deliverer posts) in one transaction,
 * and emailed after the commit: a relay that is down leaves the message PENDING with its error,
 * retried by the scheduler's next ticks, never lost and never holding the database.
 */

const MINUTE = 60_000;
/** How long a delivery attempt holds a message: a crash mid-send leaves it to the retry after this. */
const DELIVERY_LEASE_MS = 2 * MINUTE;

async function requireManager(actor: Actor, runId: string) {
  if (!canManageStakeholderUpdates(actor)) throw new ForbiddenError("Only admins can manage stakeholder updates.");
  return requireRunAccess({ user: actor, runId, need: "edit", forbidden: "Only admins can manage stakeholder updates." });
}

type PlanRow = NonNullable<Awaited<ReturnType<typeof prisma.stakeholderUpdatePlan.findUnique>>>;

function settingsOf(plan: PlanRow | null): StakeholderSettingsInput {
  return {
    recipients: plan ? (JSON.parse(plan.recipients) as string[]) : [],
    sendByEmail: plan?.sendByEmail ?? true,
    sendByWebhook: plan?.sendByWebhook ?? false,
    intervalMinutes: plan?.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES,
    subjectTemplate: plan?.subjectTemplate ?? DEFAULT_SUBJECT_TEMPLATE,
    bodyTemplate: plan?.bodyTemplate ?? DEFAULT_BODY_TEMPLATE,
    enabled: plan?.enabled ?? false,
  };
}

/**
 * The run's settings, or (before any are saved) the project's previous run's list, channels,
 * interval and templates with automatic sending off: the same stakeholders follow a rehearsal and
 * the live night, and nobody should retype them at 22:00.
 */
export async function getStakeholderSettings(options: { actor: Actor; runId: string }) {
  const { projectId } = await requireManager(options.actor, options.runId);
  const [plan, run] = await Promise.all([
    prisma.stakeholderUpdatePlan.findUnique({ where: { runId: options.runId } }),
    prisma.run.findUniqueOrThrow({ where: { id: options.runId }, select: { status: true } }),
  ]);
  const previous = plan
    ? null
    : await prisma.stakeholderUpdatePlan.findFirst({ where: { run: { projectId }, runId: { not: options.runId } }, orderBy: { updatedAt: "desc" } });
  const settings = plan ? settingsOf(plan) : { ...settingsOf(previous), enabled: false };
  return {
    runId: options.runId,
    saved: plan !== null,
    settings,
    nextDueAt: plan?.enabled && !plan.pausedAt ? (plan.nextDueAt?.toISOString() ?? null) : null,
    pausedAt: plan?.pausedAt?.toISOString() ?? null,
    runActive: run.status === "ACTIVE",
    mailConfigured: mailIsConfigured(),
    placeholders: Object.entries(STAKEHOLDER_PLACEHOLDERS).map(([name, description]) => ({ name, description })),
  };
}

/** Saves the run's settings (audited). Switching automatic sending on starts the clock: the first update is one interval away. */
export async function saveStakeholderSettings(options: { actor: ActingUser; runId: string; input: StakeholderSettingsInput; linkBase: string; now?: number }) {
  const { projectId } = await requireManager(options.actor, options.runId);
  const { input } = options;
  const now = options.now ?? Date.now();
  await runTransaction(async (tx) => {
    const run = await tx.run.findUniqueOrThrow({ where: { id: options.runId }, select: { status: true } });
    if (input.enabled && run.status !== "ACTIVE") {
      throw new ValidationError("This run has ended: automatic updates can't start.", { enabled: ["This run has ended: automatic updates can't start."] });
    }
    const before = await tx.stakeholderUpdatePlan.findUnique({ where: { runId: options.runId } });
    const restart = input.enabled && (!before?.enabled || before.pausedAt !== null || before.intervalMinutes !== input.intervalMinutes || before.nextDueAt === null);
    const nextDueAt = !input.enabled ? null : restart ? new Date(firstDueAt({ now, intervalMinutes: input.intervalMinutes })) : before!.nextDueAt;
    const data = {
      recipients: JSON.stringify(input.recipients),
      sendByEmail: input.sendByEmail,
      sendByWebhook: input.sendByWebhook,
      intervalMinutes: input.intervalMinutes,
      subjectTemplate: input.subjectTemplate,
      bodyTemplate: input.bodyTemplate,
      enabled: input.enabled,
      nextDueAt,
      pausedAt: null,
      linkBase: options.linkBase,
    };
    await tx.stakeholderUpdatePlan.upsert({ where: { runId: options.runId }, create: { runId: options.runId, ...data }, update: data });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId,
      runId: options.runId,
      action: "run.stakeholder_settings",
      entityType: "stakeholder_update_plan",
      entityId: options.runId,
      before: before ? { ...settingsOf(before), nextDueAt: before.nextDueAt } : null,
      after: { ...input, nextDueAt },
    });
  });
  return getStakeholderSettings({ actor: options.actor, runId: options.runId });
}

function render(facts: StakeholderFacts, templates: { subject: string; body: string }) {
  try {
    return { subject: renderStakeholderSubject({ template: templates.subject, facts }), text: renderStakeholderUpdate({ template: templates.body, facts }) };
  } catch (error) {
    // Saved templates are checked when saved; this is an edited one from a preview.
    if (error instanceof UnknownPlaceholderError) throw new ValidationError(error.message);
    throw error;
  }
}

/** The update as it would go out now, from the editor's (unsaved) templates or the saved ones, rendered from the run's current facts. */
export async function previewStakeholderUpdate(options: { actor: Actor; runId: string; input: { subjectTemplate?: string; bodyTemplate?: string }; linkBase: string; now?: number }) {
  await requireManager(options.actor, options.runId);
  const now = options.now ?? Date.now();
  const plan = await prisma.stakeholderUpdatePlan.findUnique({ where: { runId: options.runId } });
  const saved = settingsOf(plan);
  const facts = await getStakeholderFacts({ runId: options.runId, now, linkBase: plan?.linkBase || options.linkBase });
  const message = render(facts, { subject: options.input.subjectTemplate ?? saved.subjectTemplate, body: options.input.bodyTemplate ?? saved.bodyTemplate });
  return { ...message, renderedAt: new Date(now).toISOString() };
}

function channelsOf(plan: PlanRow): { channels: StakeholderChannel[]; recipients: string[] } {
  const recipients = JSON.parse(plan.recipients) as string[];
  const channels: StakeholderChannel[] = [];
  if (plan.sendByEmail && recipients.length > 0) channels.push("email");
  if (plan.sendByWebhook) channels.push("webhook");
  return { channels, recipients: channels.includes("email") ? recipients : [] };
}

/**
 * Writes one update: the message row and its audit event in one transaction. `due` (the
 * scheduler's) claims the plan's slot inside the transaction, so two ticks (or two processes)
 * that both saw it due send it once; it returns null when the slot was already taken.
 */
async function recordUpdate(options: {
  runId: string;
  actor: ActingUser | null;
  now: number;
  message: { subject: string; text: string };
  due?: Date;
}): Promise<StakeholderMessageView | null> {
  const { runId, now } = options;
  return runTransaction(async (tx) => {
    const run = await tx.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, projectId: true } });
    if (run.status !== "ACTIVE") throw new ConflictError("This run has ended: no more stakeholder updates.");
    const plan = await tx.stakeholderUpdatePlan.findUnique({ where: { runId } });
    if (!plan) throw new ConflictError("Save the stakeholder list and channels first.");
    if (options.due) {
      if (!plan.enabled || plan.pausedAt !== null || plan.nextDueAt?.getTime() !== options.due.getTime()) return null;
      await tx.stakeholderUpdatePlan.update({ where: { runId }, data: { nextDueAt: new Date(nextDueAfter({ due: options.due.getTime(), now, intervalMinutes: plan.intervalMinutes })) } });
    }
    const { channels, recipients } = channelsOf(plan);
    if (channels.length === 0) throw new ConflictError(plan.sendByEmail ? "Add at least one recipient (and save) before sending." : "Choose email, webhook or both (and save) before sending.");
    const email = channels.includes("email");
    const row = await tx.stakeholderUpdateMessage.create({
      data: {
        runId,
        sentAt: new Date(now),
        sentById: options.actor?.id ?? null,
        sentByName: options.actor?.name ?? null,
        subject: options.message.subject,
        text: options.message.text,
        channels: JSON.stringify(channels),
        recipients: JSON.stringify(recipients),
        status: email ? "PENDING" : "RECORDED",
        // The first attempt follows the commit at once; this is the retry should that process die mid-send.
        nextAttemptAt: email ? new Date(now + DELIVERY_LEASE_MS) : null,
      },
    });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: run.projectId,
      runId,
      action: "run.stakeholder_update",
      entityType: "stakeholder_update",
      entityId: row.id,
      before: null,
      after: { subject: row.subject, text: row.text, recipients: recipients.length, channels, scheduled: options.actor === null },
    });
    return stakeholderMessageView(row);
  });
}

/**
 * Sends an update now (the panel's "Send now", and the scheduler's): the edited subject and text
 * exactly as given, or the saved templates rendered from the run's current facts. Emails it after
 * the commit; the returned message carries the delivery's outcome.
 */
export async function sendStakeholderUpdate(options: {
  actor: ActingUser | null;
  runId: string;
  edited?: { subject?: string; text?: string };
  linkBase?: string;
  now?: number;
  /** The scheduler's due time: the update goes out only if this slot is still open. */
  due?: Date;
}): Promise<StakeholderMessageView | null> {
  if (options.actor) await requireManager(options.actor, options.runId);
  const now = options.now ?? Date.now();
  let subject = options.edited?.subject;
  let text = options.edited?.text;
  if (subject === undefined || text === undefined) {
    const plan = await prisma.stakeholderUpdatePlan.findUnique({ where: { runId: options.runId } });
    const saved = settingsOf(plan);
    const facts = await getStakeholderFacts({ runId: options.runId, now, linkBase: plan?.linkBase || (options.linkBase ?? "") });
    const rendered = render(facts, { subject: saved.subjectTemplate, body: saved.bodyTemplate });
    subject ??= rendered.subject;
    text ??= rendered.text;
  }
  const message = await recordUpdate({ runId: options.runId, actor: options.actor, now, message: { subject, text }, due: options.due });
  if (!message || message.status !== "PENDING") return message;
  return (await deliverStakeholderEmail({ messageId: message.id, now })) ?? message;
}

/**
 * One delivery attempt of a PENDING update's email. The message is claimed first (its retry time
 * moved on), so a retry tick and a fresh send don't both mail it. A refusal or an unreachable
 * relay is recorded on the row and retried 1, 2, 4, 8, 16 minutes later; after six attempts it
 * is FAILED and stays in the log with the relay's last answer.
 */
export async function deliverStakeholderEmail(options: { messageId: string; now?: number }): Promise<StakeholderMessageView | null> {
  const now = options.now ?? Date.now();
  const row = await prisma.stakeholderUpdateMessage.findUnique({ where: { id: options.messageId } });
  if (!row || row.status !== "PENDING") return row ? stakeholderMessageView(row) : null;
  const claimed = await prisma.stakeholderUpdateMessage.updateMany({
    where: { id: row.id, status: "PENDING", nextAttemptAt: row.nextAttemptAt },
    data: { nextAttemptAt: new Date(now + DELIVERY_LEASE_MS) },
  });
  if (claimed.count === 0) return null;
  const attempts = row.attempts + 1;
  let data: { status: string; error: string; attempts: number; nextAttemptAt: Date | null; deliveredAt?: Date };
  if (!mailIsConfigured()) {
    // Retrying can't help until someone configures the relay and restarts the server.
    data = { status: "FAILED", error: "Email is not set up on this server (RUNSHEET_SMTP_URL).", attempts, nextAttemptAt: null };
  } else {
    try {
      const sent = await sendMail({
        to: JSON.parse(row.recipients) as string[],
        subject: row.subject,
        text: row.text,
        // One thread per run in the stakeholders' mail clients.
        headers: { References: `<run-${row.runId}@runsheet>` },
      });
      data = { status: "SENT", error: sent.rejected.length > 0 ? `Refused by the relay: ${sent.rejected.join(", ")}` : "", attempts, nextAttemptAt: null, deliveredAt: new Date() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const last = attempts >= MAX_EMAIL_ATTEMPTS;
      data = { status: last ? "FAILED" : "PENDING", error: reason.slice(0, 500), attempts, nextAttemptAt: last ? null : new Date(now + retryDelayMinutes(attempts) * MINUTE) };
    }
  }
  const updated = await prisma.stakeholderUpdateMessage.update({ where: { id: row.id }, data });
  return stakeholderMessageView(updated);
}

export async function listStakeholderUpdates(options: { actor: Actor; runId: string }) {
  await requireManager(options.actor, options.runId);
  return { messages: await listStakeholderMessages({ runId: options.runId }) };
}
