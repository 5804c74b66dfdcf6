import "server-only";
import crypto from "node:crypto";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { writeOnlyIfNeeded } from "../platform/db/write-only-if-needed";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { appendAuditEvent, readCommittedAuditSeq } from "../audit/service";
import { isPostgres } from "../platform/db/dialect";
import { mailIsConfigured, sendMail } from "../platform/mail/mailer";
import { canDecideGate, canSetProjectLead, effectiveProjectRole, type ActingUser } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { numberSteps } from "../plan/numbering";
import { rollbackDeadline } from "../runs/forecast";
import type { StepStatusName } from "../runs/model";
import {
  approvalLinkMinutes,
  chaseDecision,
  dueDeadlineWarning,
  emailSubject,
  eventEffect,
  isChased,
  minutesLate,
  NOTIFICATION_KINDS,
  overdueAt,
  publicOrigin,
  readySince,
  readySteps,
  stepLabel,
  stillStands,
  timingsFromEnv,
  type NotificationKind,
  type NotificationTimings,
  type RunState,
  type RunStepState,
} from "./model";
import { approvalLinkHash } from "./approval-links";

/*
 * Producing notifications. Event-driven ones follow the audit log with a cursor, in one
 * transaction with the notifications they produce: only committed changes notify, and a restart
 * resumes where the last commit left off. Time-based ones (overdue, rollback deadline, chasing)
 * come from a sweep with an injectable clock. Every notification has a dedup key, so producing it
 * twice is a no-op. Email is queued in the same transaction (email_outbox) and sent afterwards by
 * sendPendingEmails, never inside a transaction.
 */

const MINUTE = 60_000;

interface NotifyInput {
  userId: string;
  kind: NotificationKind;
  projectId: string;
  projectName: string;
  runId: string | null;
  stepRunId: string | null;
  title: string;
  body: string;
  href: string;
  dedupKey: string;
  now: Date;
  /** GATE_WAITING: the email carries one-time Approve/Reject links for this approver. */
  approvalLinkFor?: { stepRunId: string };
}

interface PreferenceRow {
  inApp: boolean;
  email: boolean;
}

async function preferenceOf(tx: Tx, userId: string, kind: NotificationKind): Promise<PreferenceRow> {
  const row = await tx.notificationPreference.findUnique({ where: { userId_kind: { userId, kind } }, select: { inApp: true, email: true } });
  return row ?? { inApp: true, email: true };
}

/** Creates the notification unless its dedup key exists; queues its email when the user wants it. Returns whether it was new. */
async function notify(tx: Tx, input: NotifyInput): Promise<boolean> {
  const existing = await tx.notification.findUnique({ where: { dedupKey: input.dedupKey }, select: { id: true } });
  if (existing) return false;
  const user = await tx.user.findUnique({ where: { id: input.userId }, select: { email: true, name: true, deactivatedAt: true } });
  if (!user || user.deactivatedAt) return false;
  const preference = await preferenceOf(tx, input.userId, input.kind);
  const created = await tx.notification.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      projectId: input.projectId,
      runId: input.runId,
      stepRunId: input.stepRunId,
      title: input.title,
      body: input.body,
      href: input.href,
      dedupKey: input.dedupKey,
      inApp: preference.inApp,
      createdAt: input.now,
      lastSentAt: input.now,
    },
  });
  if (preference.email && mailIsConfigured()) await queueEmail(tx, { notification: created, to: user.email, projectName: input.projectName, now: input.now, approvalLinkFor: input.approvalLinkFor, reminder: 0 });
  return true;
}

/**
 * notify() for each input, after one query for the dedup keys that exist already. A pass offers the
 * same notices again and again (every overdue step on every 30 s sweep), and a query per notice
 * inside the pass's write transaction kept sign-offs waiting: on a 300-step run with 177 overdue
 * steps, 177 queries and 70 ms of every sweep (issue 16). notify() still checks each new one.
 */
async function notifyEach(tx: Tx, inputs: NotifyInput[]): Promise<void> {
  if (inputs.length === 0) return;
  const existing = await tx.notification.findMany({ where: { dedupKey: { in: [...new Set(inputs.map((input) => input.dedupKey))] } }, select: { dedupKey: true } });
  const sent = new Set(existing.map((n) => n.dedupKey));
  for (const input of inputs) if (!sent.has(input.dedupKey)) await notify(tx, input);
}

async function queueEmail(
  tx: Tx,
  options: {
    notification: { id: string; kind: string; title: string; body: string; href: string; userId: string };
    to: string;
    projectName: string;
    now: Date;
    approvalLinkFor?: { stepRunId: string };
    reminder: number;
  },
) {
  const origin = publicOrigin(process.env);
  const { notification: n } = options;
  const lines = [n.body, "", `Open it in Runsheet: ${origin}${n.href}`];
  const htmlParts = [`<p>${escapeHtml(n.body)}</p>`, `<p><a href="${escapeHtml(origin + n.href)}">Open it in Runsheet</a></p>`];
  if (isChased(n.kind)) {
    const ack = `${origin}/notifications/${n.id}`;
    lines.push(`Acknowledge (so you are not chased again): ${ack}`);
    htmlParts.push(`<p><a href="${escapeHtml(ack)}">Acknowledge</a> so you are not chased again.</p>`);
  }
  if (options.approvalLinkFor) {
    const token = crypto.randomBytes(32).toString("base64url");
    const minutes = approvalLinkMinutes(process.env);
    await tx.gateApprovalLink.create({
      data: { tokenHash: approvalLinkHash(token), stepRunId: options.approvalLinkFor.stepRunId, approverId: n.userId, expiresAt: new Date(options.now.getTime() + minutes * MINUTE), createdAt: options.now },
    });
    const approve = `${origin}/approve/${token}?decision=GO`;
    const reject = `${origin}/approve/${token}?decision=NO_GO`;
    lines.push("", `Approve: ${approve}`, `Reject: ${reject}`, `These links work once, only for you, for ${minutes} minutes. Each opens a page where you confirm.`);
    htmlParts.push(
      `<p><a href="${escapeHtml(approve)}">Approve</a> · <a href="${escapeHtml(reject)}">Reject</a></p>`,
      `<p style="color:#555">These links work once, only for you, for ${minutes} minutes. Each opens a page where you confirm.</p>`,
    );
  }
  const subjectTitle = options.reminder > 0 ? `Reminder ${options.reminder}: ${n.title}` : n.title;
  await tx.emailOutbox.create({
    data: {
      to: options.to,
      subject: emailSubject(subjectTitle, options.projectName),
      text: lines.join("\n"),
      html: `<!doctype html><html><body style="font-family:sans-serif">${htmlParts.join("")}</body></html>`,
      notificationId: n.id,
      nextAttemptAt: options.now,
      createdAt: options.now,
    },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** A run with what the rules need: its steps in plan order, numbered as on the bridge call. */
async function loadRun(tx: Tx, runId: string) {
  const run = await tx.run.findUnique({
    where: { id: runId },
    select: {
      id: true,
      name: true,
      status: true,
      mode: true,
      startedAt: true,
      startedById: true,
      windowEnd: true,
      projectId: true,
      project: { select: { id: true, name: true, createdById: true, leadUserId: true, notifyOverdueMinutes: true } },
      phases: { orderBy: { position: "asc" }, select: { id: true, inWindow: true } },
      // Only what the notifications read: every pass loads each changed run, inside its write
      // transaction, and a step's texts (details, commands, …) would be most of that load.
      stepRuns: {
        orderBy: { position: "asc" },
        select: {
          id: true,
          stepId: true,
          runPhaseId: true,
          position: true,
          title: true,
          kind: true,
          status: true,
          assigneeId: true,
          assigneeName: true,
          plannedMinutes: true,
          predecessorIds: true,
          startedAt: true,
          finishedAt: true,
          gateApprovers: true,
          startedById: true,
          signedOffById: true,
          decidedById: true,
        },
      },
    },
  });
  if (!run) return null;
  const phaseOrder = new Map(run.phases.map((p, i) => [p.id, i]));
  const ordered = [...run.stepRuns].sort((a, b) => (phaseOrder.get(a.runPhaseId)! - phaseOrder.get(b.runPhaseId)!) || a.position - b.position);
  const numbers = numberSteps(run.phases.map((p) => ({ steps: ordered.filter((s) => s.runPhaseId === p.id).map((s) => ({ id: s.stepId, kind: s.kind })) })));
  const inWindow = new Map(run.phases.map((p) => [p.id, p.inWindow]));
  const steps: (RunStepState & { assigneeName: string | null; gateApprovers: string; number: string; inWindow: boolean; startedById: string | null; signedOffById: string | null; decidedById: string | null })[] = ordered.map((s, i) => ({
    stepRunId: s.id,
    stepId: s.stepId,
    title: s.title,
    kind: s.kind,
    position: i,
    status: s.status as StepStatusName,
    assigneeId: s.assigneeId,
    assigneeName: s.assigneeName,
    plannedMinutes: s.plannedMinutes,
    predecessorIds: JSON.parse(s.predecessorIds) as string[],
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
    gateApprovers: s.gateApprovers,
    number: numbers.get(s.stepId) ?? "",
    inWindow: inWindow.get(s.runPhaseId) ?? true,
    startedById: s.startedById,
    signedOffById: s.signedOffById,
    decidedById: s.decidedById,
  }));
  const state: RunState = { status: run.status, mode: run.mode, startedAt: run.startedAt, steps };
  return { run, steps, state };
}
type LoadedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const runHref = (run: { id: string; projectId: string }, stepId?: string) => `/projects/${run.projectId}/runs/${run.id}${stepId ? `#step-${stepId}` : ""}`;

/**
 * The project's lead: the user set on the project's settings page, else its creator, else every
 * admin (an install whose creator left still has someone to escalate to).
 */
export async function projectLeadIds(tx: Tx, project: { leadUserId: string | null; createdById: string | null }): Promise<string[]> {
  for (const id of [project.leadUserId, project.createdById]) {
    if (!id) continue;
    const user = await tx.user.findUnique({ where: { id }, select: { deactivatedAt: true } });
    if (user && !user.deactivatedAt) return [id];
  }
  const admins = await tx.user.findMany({ where: { role: "ADMIN", deactivatedAt: null }, select: { id: true } });
  return admins.map((a) => a.id);
}

/**
 * Who a waiting gate is announced to: of everyone who may decide it (the decision's own rule, with
 * each person's role in the project), the people it names (its assignee and approvers); when it
 * names nobody, everyone who may decide (the admins). Admins may decide any gate, but announcing
 * every gate to every admin would bury the ones they are asked for.
 */
async function gateDeciders(tx: Tx, loaded: LoadedRun, gate: { kind: string; assigneeId: string | null; gateApprovers: string }): Promise<string[]> {
  const projectId = loaded.run.projectId;
  const approvers = JSON.parse(gate.gateApprovers) as ({ kind: "role"; role: string } | { kind: "user"; userId: string })[];
  const deciders = await mayDecide(tx, projectId, gate, approvers);
  // A role ("two Operators") names the people of that role who work on this cutover: the
  // project's members and whoever is assigned to or has acted in this run. With projects open to
  // everyone, every operator of the installation may decide, but telling them all about every
  // gate of every project would bury the gates they are asked for.
  const members = new Set((await tx.projectMember.findMany({ where: { projectId }, select: { userId: true } })).map((m) => m.userId));
  for (const step of loaded.steps) for (const id of [step.assigneeId, step.startedById, step.signedOffById, step.decidedById]) if (id) members.add(id);
  const named = deciders.filter(
    (d) => gate.assigneeId === d.id || approvers.some((a) => (a.kind === "user" ? a.userId === d.id : a.role === d.role && members.has(d.id))),
  );
  return (named.length > 0 ? named : deciders.filter((d) => d.role === "ADMIN")).map((d) => d.id);
}

async function mayDecide(tx: Tx, projectId: string, gate: { kind: string; assigneeId: string | null }, approvers: ({ kind: "role"; role: string } | { kind: "user"; userId: string })[]): Promise<{ id: string; role: RoleName }[]> {
  const visibility = (await tx.setting.findUnique({ where: { key: "projectVisibility" } }))?.value === "all" ? "all" : "members";
  const users = await tx.user.findMany({
    where: { deactivatedAt: null, role: { in: ["ADMIN", "OPERATOR"] } },
    select: { id: true, role: true, projectMemberships: { where: { projectId }, select: { role: true } } },
  });
  const result: { id: string; role: RoleName }[] = [];
  for (const u of users) {
    const role = effectiveProjectRole({ id: u.id, role: u.role as RoleName }, { visibility, memberRole: (u.projectMemberships[0]?.role as "OPERATOR" | "VIEWER" | undefined) ?? null });
    if (role !== null && canDecideGate({ id: u.id, role }, { kind: gate.kind, assigneeId: gate.assigneeId, gateApprovers: approvers })) result.push({ id: u.id, role });
  }
  return result;
}

/** Ready steps of a run: "You're up" to their assignees, "gate waiting" to everyone who may decide a gate. */
async function notifyReadySteps(tx: Tx, loaded: LoadedRun, now: Date): Promise<void> {
  const { run, steps, state } = loaded;
  const ready = new Set(readySteps(state).map((s) => s.stepRunId));
  const notices: NotifyInput[] = [];
  for (const step of steps) {
    if (!ready.has(step.stepRunId)) continue;
    const label = stepLabel(step.number, step.title);
    if (step.kind === "GATE") {
      for (const userId of await gateDeciders(tx, loaded, step)) {
        notices.push({
          userId,
          kind: "GATE_WAITING",
          projectId: run.projectId,
          projectName: run.project.name,
          runId: run.id,
          stepRunId: step.stepRunId,
          title: `Gate waiting for your decision: ${label}`,
          body: `The go/no-go gate ${label} in ${run.name} is ready and waits for a decision.`,
          href: runHref(run, step.stepId),
          dedupKey: `gate:${step.stepRunId}:${userId}`,
          now,
          approvalLinkFor: { stepRunId: step.stepRunId },
        });
      }
    } else if (step.assigneeId) {
      notices.push({
        userId: step.assigneeId,
        kind: "READY",
        projectId: run.projectId,
        projectName: run.project.name,
        runId: run.id,
        stepRunId: step.stepRunId,
        title: `You're up: ${label}`,
        body: `${capitalized(label)} in ${run.name} is ready for you to start. Planned: ${step.plannedMinutes} min.`,
        href: runHref(run, step.stepId),
        dedupKey: `ready:${step.stepRunId}`,
        now,
      });
    }
  }
  await notifyEach(tx, notices);
}

/** Chasing stops for notifications whose step moved on (started, finished) or whose run ended. */
async function closeSettled(tx: Tx, loaded: LoadedRun, now: Date): Promise<void> {
  const open = await tx.notification.findMany({ where: { runId: loaded.run.id, kind: { in: ["READY", "OVERDUE"] }, closedAt: null, acknowledgedAt: null }, select: { id: true, kind: true, stepRunId: true } });
  const statusOf = new Map(loaded.steps.map((s) => [s.stepRunId, s.status]));
  const ended = loaded.run.status !== "ACTIVE";
  const settled = open.filter((n) => ended || !stillStands(n.kind, statusOf.get(n.stepRunId ?? "") ?? "DONE")).map((n) => n.id);
  if (settled.length > 0) await tx.notification.updateMany({ where: { id: { in: settled } }, data: { closedAt: now } });
}

async function notifyRunEnded(tx: Tx, loaded: LoadedRun, now: Date): Promise<void> {
  const { run, steps } = loaded;
  const people = new Set<string>();
  if (run.startedById) people.add(run.startedById);
  for (const s of steps) for (const id of [s.assigneeId, s.startedById, s.signedOffById, s.decidedById]) if (id) people.add(id);
  for (const id of await projectLeadIds(tx, run.project)) people.add(id);
  const outcome = { COMPLETED: "completed", ROLLED_BACK: "rolled back", ABORTED: "aborted", ACTIVE: "active" }[run.status];
  await notifyEach(
    tx,
    [...people].map((userId) => ({
      userId,
      kind: "RUN_ENDED",
      projectId: run.projectId,
      projectName: run.project.name,
      runId: run.id,
      stepRunId: null,
      title: `Run ended: ${run.name} ${outcome}`,
      body: `${run.name} of ${run.project.name} has ended: ${outcome}.`,
      href: runHref(run),
      dedupKey: `ended:${run.id}:${userId}`,
      now,
    })),
  );
}

/**
 * Turns committed audit events after the cursor into notifications, a batch per transaction with
 * the cursor's move. Returns how many events it read.
 *
 * On PostgreSQL a pass does not hold the audit chain's lock while it works: it loads whole runs,
 * and every sign-off in every instance would wait for it (a quarter of two instances' sign-off
 * latency at c50, bench/signoff.ts). It stays safe without it:
 * - it reads events only up to readCommittedAuditSeq(), so it never moves the cursor past an event
 *   whose transaction commits later;
 * - passes take turns on the cursor row (FOR UPDATE), so two instances never handle one event twice;
 * - what it reads of a run may be newer than the events it handles; the next pass, which the newer
 *   change's commit starts, settles that (stale "you're up" notifications are closed by closeSettled).
 */
export async function processAuditEvents(options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  // Idle (nothing new since the cursor): two indexed reads, no write lock.
  const [cursor, head] = await Promise.all([prisma.notificationCursor.findUnique({ where: { id: 1 } }), prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } })]);
  if (cursor && (!head || head.seq <= cursor.seq)) return 0;
  const onPostgres = isPostgres();
  let total = 0;
  for (;;) {
    const upTo = onPostgres ? await readCommittedAuditSeq() : null;
    const read = await runTransaction(async (tx) => {
      const now = options.now ?? new Date();
      const cursorSeq = onPostgres ? await lockNotificationCursorPg(tx) : ((await tx.notificationCursor.findUnique({ where: { id: 1 } })) ?? (await tx.notificationCursor.create({ data: { id: 1, seq: 0 } }))).seq;
      const events = await tx.auditEvent.findMany({
        where: { seq: upTo === null ? { gt: cursorSeq } : { gt: cursorSeq, lte: upTo } },
        orderBy: { seq: "asc" },
        take: batchSize,
        select: { seq: true, action: true, runId: true },
      });
      if (events.length === 0) return 0;
      const changed = new Set<string>();
      const ended = new Set<string>();
      for (const e of events) {
        const effect = e.runId ? eventEffect(e.action) : null;
        if (effect === "steps-changed") changed.add(e.runId!);
        if (effect === "run-ended") ended.add(e.runId!);
      }
      for (const runId of new Set([...changed, ...ended])) {
        const loaded = await loadRun(tx, runId);
        if (!loaded) continue;
        await closeSettled(tx, loaded, now);
        if (loaded.run.status === "ACTIVE") await notifyReadySteps(tx, loaded, now);
        else if (ended.has(runId)) await notifyRunEnded(tx, loaded, now);
      }
      await tx.notificationCursor.update({ where: { id: 1 }, data: { seq: events[events.length - 1].seq } });
      return events.length;
    }, { chainLock: false });
    total += read;
    if (read < batchSize) return total;
  }
}

/**
 * The notification cursor, its row locked until this transaction ends (made at 0 the first time):
 * passes in other instances wait their turn. Longer than the sessions' 5 s lock_timeout
 * (postgres-pool.ts): another instance's pass may take that long on a big run, and giving up would
 * skip this tick's sweep and emails too.
 */
async function lockNotificationCursorPg(tx: Tx): Promise<number> {
  await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '30s'`);
  await tx.$executeRawUnsafe(`INSERT INTO "notification_cursor" ("id", "seq", "updatedAt") VALUES (1, 0, now()) ON CONFLICT ("id") DO NOTHING`);
  const rows = await tx.$queryRawUnsafe<{ seq: number }[]>(`SELECT "seq" FROM "notification_cursor" WHERE "id" = 1 FOR UPDATE`);
  return Number(rows[0].seq);
}

/**
 * The time-based part, at `now`: overdue steps, rollback-deadline warnings, and chasing of
 * unacknowledged "you're up"/"overdue" notifications (re-sent every chaseMinutes; after
 * chasesBeforeEscalation chases, the project lead is told and chasing stops).
 */
export async function sweepNotifications(options: { now?: Date; timings?: NotificationTimings } = {}): Promise<void> {
  const now = options.now ?? new Date();
  const timings = options.timings ?? timingsFromEnv(process.env);
  const active = await prisma.run.findMany({ where: { status: "ACTIVE" }, select: { id: true } });
  for (const [index, { id }] of active.entries()) {
    // A break between runs, in which waiting requests go first: on SQLite, Prisma's queries resolve
    // without a turn of the event loop, so the sweep of every active run was one block of the
    // server's thread (~9 ms a 300-step run; 32 runs, 300 ms that every sign-off waited out).
    if (index > 0) await yieldToEventLoop();
    // Each run is looked at first without a write transaction: nearly always, everything due was
    // done by an earlier sweep, and a write transaction per run held up every sign-off meanwhile.
    await writeOnlyIfNeeded(async (tx) => {
      const loaded = await loadRun(tx, id);
      if (!loaded || loaded.run.status !== "ACTIVE") return;
      await closeSettled(tx, loaded, now);
      // A project's own threshold wins over the installation's.
      await notifyOverdue(tx, loaded, now, { ...timings, overdueMinutes: loaded.run.project.notifyOverdueMinutes ?? timings.overdueMinutes });
      await notifyDeadline(tx, loaded, now);
      await chase(tx, loaded, now, timings);
    });
  }
}

async function notifyOverdue(tx: Tx, loaded: LoadedRun, now: Date, timings: NotificationTimings) {
  const { run, steps, state } = loaded;
  const ready = new Set(readySteps(state).map((s) => s.stepRunId));
  let leads: string[] | null = null;
  const notices: NotifyInput[] = [];
  for (const step of steps) {
    const at = overdueAt(step, state, timings.overdueMinutes, ready.has(step.stepRunId));
    if (!at || at.getTime() > now.getTime()) continue;
    const recipients = step.assigneeId ? [step.assigneeId] : (leads ??= await projectLeadIds(tx, run.project));
    const label = stepLabel(step.number, step.title);
    const late = minutesLate(at, timings.overdueMinutes, now);
    for (const userId of recipients) {
      notices.push({
        userId,
        kind: "OVERDUE",
        projectId: run.projectId,
        projectName: run.project.name,
        runId: run.id,
        stepRunId: step.stepRunId,
        title: `Overdue: ${label}`,
        body: `${capitalized(label)} in ${run.name} is ${late} min past its planned finish (${step.status === "IN_PROGRESS" ? "started" : `ready since ${readySince(step, state).toISOString().slice(11, 16)} UTC, not started`}).`,
        href: runHref(run, step.stepId),
        dedupKey: `overdue:${step.stepRunId}:${userId}`,
        now,
      });
    }
  }
  await notifyEach(tx, notices);
}

async function notifyDeadline(tx: Tx, loaded: LoadedRun, now: Date) {
  const { run, steps } = loaded;
  const verdict = rollbackDeadline({
    steps: steps.map((s) => ({ id: s.stepId, kind: s.kind, plannedMinutes: s.plannedMinutes, status: s.status, startedAt: s.startedAt?.toISOString() ?? null, predecessorIds: s.predecessorIds, inWindow: s.inWindow, position: s.position })),
    windowEnd: run.windowEnd.getTime(),
    now: now.getTime(),
    mode: run.mode,
  });
  if (verdict.level === "none") return;
  const warning = dueDeadlineWarning(verdict.deadline, now);
  if (!warning) return;
  const people = new Set(await projectLeadIds(tx, run.project));
  if (run.startedById) people.add(run.startedById);
  for (const s of steps) if (s.assigneeId && s.status !== "DONE" && s.status !== "SKIPPED" && s.kind !== "ROLLBACK") people.add(s.assigneeId);
  const at = new Date(verdict.deadline!).toISOString().slice(11, 16);
  const title = warning === "PASSED" ? `Rollback deadline passed: ${run.name}` : `Rollback deadline in ${warning === "T-30" ? 30 : 10} min: ${run.name}`;
  const body =
    warning === "PASSED"
      ? `The rollback deadline of ${run.name} (${at} UTC) has passed: a rollback started now would not finish inside the window.`
      : `${run.name} must decide to roll back by ${at} UTC (${Math.ceil(verdict.minutesLeft!)} min left) for the rollback to finish inside the window.`;
  await notifyEach(
    tx,
    [...people].map((userId) => ({ userId, kind: "ROLLBACK_DEADLINE", projectId: run.projectId, projectName: run.project.name, runId: run.id, stepRunId: null, title, body, href: runHref(run), dedupKey: `deadline:${run.id}:${warning}:${userId}`, now })),
  );
}

async function chase(tx: Tx, loaded: LoadedRun, now: Date, timings: NotificationTimings) {
  const { run, steps } = loaded;
  const open = await tx.notification.findMany({ where: { runId: run.id, kind: { in: ["READY", "OVERDUE"] }, closedAt: null, acknowledgedAt: null }, include: { user: { select: { email: true, name: true } } } });
  const stepById = new Map(steps.map((s) => [s.stepRunId, s]));
  for (const n of open) {
    const decision = chaseDecision(n, now, timings);
    if (decision === "chase") {
      const updated = await tx.notification.update({ where: { id: n.id }, data: { chaseCount: { increment: 1 }, lastSentAt: now, readAt: null } });
      const preference = await preferenceOf(tx, n.userId, n.kind as NotificationKind);
      if (preference.email && mailIsConfigured()) await queueEmail(tx, { notification: updated, to: n.user.email, projectName: run.project.name, now, reminder: updated.chaseCount });
    } else if (decision === "escalate") {
      const step = stepById.get(n.stepRunId ?? "");
      const label = step ? stepLabel(step.number, step.title) : n.title;
      const label1 = capitalized(label);
      const since = Math.round((now.getTime() - n.createdAt.getTime()) / MINUTE);
      // An overdue notice goes out overdueMinutes after the planned finish.
      const what = n.kind === "OVERDUE" ? `is ${since + timings.overdueMinutes} min overdue` : `has been ready for ${since} min`;
      for (const leadId of await projectLeadIds(tx, run.project)) {
        await notify(tx, {
          userId: leadId,
          kind: "ESCALATION",
          projectId: run.projectId,
          projectName: run.project.name,
          runId: run.id,
          stepRunId: n.stepRunId,
          title: `Escalation: ${label} (${n.user.name}) ${what} and unacknowledged`,
          body: `${label1} (${n.user.name}) in ${run.name} ${what}; ${n.user.name} was notified ${n.chaseCount + 1} times over ${since} min and hasn't acknowledged.`,
          href: runHref(run, step?.stepId),
          dedupKey: `escalation:${n.id}:${leadId}`,
          now,
        });
      }
      await tx.notification.update({ where: { id: n.id }, data: { closedAt: now } });
    }
  }
}

/** Sends queued emails that are due, one at a time, outside any transaction; failures retry with backoff (1, 2, 4… min, 8 tries). */
export async function sendPendingEmails(options: { now?: Date; limit?: number } = {}): Promise<{ sent: number; failed: number }> {
  if (!mailIsConfigured()) return { sent: 0, failed: 0 };
  const now = options.now ?? new Date();
  const due = await prisma.emailOutbox.findMany({ where: { status: "PENDING", nextAttemptAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: options.limit ?? 50 });
  let sent = 0;
  let failed = 0;
  for (const mail of due) {
    // A lease: another tick (or process) skips it while this one sends; a crash retries it later.
    const { count } = await prisma.emailOutbox.updateMany({ where: { id: mail.id, status: "PENDING", attempts: mail.attempts }, data: { attempts: mail.attempts + 1, nextAttemptAt: new Date(now.getTime() + 5 * MINUTE) } });
    if (count !== 1) continue;
    try {
      await sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html || undefined });
      // The text may hold an approval link's token: it isn't kept once delivered.
      await prisma.emailOutbox.update({ where: { id: mail.id }, data: { status: "SENT", sentAt: new Date(), text: "", html: "", lastError: "" } });
      sent++;
    } catch (error) {
      const attempts = mail.attempts + 1;
      const giveUp = attempts >= 8;
      await prisma.emailOutbox.update({
        where: { id: mail.id },
        data: { status: giveUp ? "FAILED" : "PENDING", lastError: String((error as Error).message ?? error).slice(0, 500), nextAttemptAt: new Date(now.getTime() + 2 ** (attempts - 1) * MINUTE) },
      });
      failed++;
    }
  }
  return { sent, failed };
}

/** The user's own notification only: someone else's is "not found". Acknowledging stops its chasing; audited (who answered when). */
export async function acknowledgeNotification(options: { actor: ActingUser; notificationId: string; now?: Date }) {
  const now = options.now ?? new Date();
  return runTransaction(async (tx) => {
    const n = await tx.notification.findUnique({ where: { id: options.notificationId } });
    if (!n || n.userId !== options.actor.id) throw new NotFoundError("Notification");
    if (n.acknowledgedAt) return { id: n.id, acknowledgedAt: n.acknowledgedAt.toISOString() };
    await tx.notification.update({ where: { id: n.id }, data: { acknowledgedAt: now, acknowledgedById: options.actor.id, readAt: n.readAt ?? now } });
    await appendAuditEvent(tx, {
      actor: options.actor,
      projectId: n.projectId,
      runId: n.runId,
      action: "notification.acknowledge",
      entityType: "notification",
      entityId: n.id,
      before: null,
      after: { kind: n.kind, title: n.title, chases: n.chaseCount },
    });
    return { id: n.id, acknowledgedAt: now.toISOString() };
  });
}

/** Marks the user's notifications read: the given ones, or all. */
export async function markNotificationsRead(options: { actor: ActingUser; input: { ids?: string[] }; now?: Date }) {
  const now = options.now ?? new Date();
  const { count } = await prisma.notification.updateMany({
    where: { userId: options.actor.id, readAt: null, ...(options.input.ids ? { id: { in: options.input.ids } } : {}) },
    data: { readAt: now },
  });
  return { marked: count };
}

/** Saves the user's channel choices, one row per kind given. */
export async function updateNotificationPreferences(options: { actor: ActingUser; input: { preferences: { kind: NotificationKind; inApp: boolean; email: boolean }[] } }) {
  const kinds = new Set(options.input.preferences.map((p) => p.kind));
  if (kinds.size !== options.input.preferences.length) throw new ValidationError("Each kind of notification may appear once.", { preferences: ["Each kind may appear once."] });
  await runTransaction(async (tx) => {
    for (const p of options.input.preferences) {
      await tx.notificationPreference.upsert({
        where: { userId_kind: { userId: options.actor.id, kind: p.kind } },
        create: { userId: options.actor.id, kind: p.kind, inApp: p.inApp, email: p.email },
        update: { inApp: p.inApp, email: p.email },
      });
    }
  });
  return { saved: options.input.preferences.length, kinds: NOTIFICATION_KINDS.length };
}

/**
 * Sets (or clears) the project's lead, who gets the escalations, and its overdue threshold. Admins
 * only; the lead must be an active user who may see the project. Audited.
 */
export async function updateProjectNotificationSettings(options: { actor: ActingUser; projectId: string; input: { leadUserId: string | null; overdueMinutes: number | null } }) {
  const { actor, input } = options;
  if (!canSetProjectLead(actor)) throw new ForbiddenError("Only admins can change a project's notification settings.");
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, select: { id: true, leadUserId: true, notifyOverdueMinutes: true } });
    if (!project) throw new NotFoundError("Project");
    let leadName: string | null = null;
    if (input.leadUserId !== null) {
      const candidates = await leadCandidates(tx, project.id);
      const chosen = candidates.find((c) => c.id === input.leadUserId);
      if (!chosen) throw new ValidationError("Choose someone who can see this project.", { leadUserId: ["Choose someone who can see this project."] });
      leadName = chosen.name;
    }
    await tx.project.update({ where: { id: project.id }, data: { leadUserId: input.leadUserId, notifyOverdueMinutes: input.overdueMinutes } });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.notification_settings",
      entityType: "project",
      entityId: project.id,
      before: { leadUserId: project.leadUserId, overdueMinutes: project.notifyOverdueMinutes },
      after: { leadUserId: input.leadUserId, leadName, overdueMinutes: input.overdueMinutes },
    });
    return { leadUserId: input.leadUserId, overdueMinutes: input.overdueMinutes };
  });
}

/** Active users who may see the project: admins, its members, and everyone when the installation shows every project. */
export async function leadCandidates(tx: Tx, projectId: string): Promise<{ id: string; name: string }[]> {
  const visibility = (await tx.setting.findUnique({ where: { key: "projectVisibility" } }))?.value === "all" ? "all" : "members";
  return tx.user.findMany({
    where: { deactivatedAt: null, ...(visibility === "all" ? {} : { OR: [{ role: "ADMIN" }, { projectMemberships: { some: { projectId } } }] }) },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}
