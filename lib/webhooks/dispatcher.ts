import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { onProjectsCommitted } from "../platform/db/transaction";
import { numberSteps } from "../plan/numbering";
import { parseLags } from "../plan/timing";
import { forecastRun, runNotBeforeAt, type ForecastStep } from "../runs/forecast";
import type { RunModeName, StepStatusName } from "../runs/model";
import {
  DEFAULT_DISABLE_AFTER_FAILED_DELIVERIES,
  disabledNotice,
  endpointWants,
  eventTypeForAction,
  lateByMinutes,
  nextRetryDelayMs,
  parseRetrySchedule,
  presetBody,
  type WebhookEvent,
  type WebhookPreset,
} from "./model";
import { sendWebhook } from "./send";
import type { AuditRowForWebhook, AttemptOutcome, DueDeliveryRow, NewDelivery } from "./store.sqlite";
import { postgresWebhookStore, sqliteWebhookStore, type WebhookStore } from "./webhook-store";
import { isPostgres } from "../platform/db/dialect";
import { postgresPool } from "../platform/db/client";

/**
 * The webhook dispatcher: a loop in the server process that turns committed audit events into
 * deliveries (the outbox) and sends them.
 *
 * Outbox. Each endpoint keeps `cursorSeq`, the last audit seq of its project already turned into
 * deliveries. A tick reads the project's events after the cursor, builds their deliveries (reads
 * only, outside any transaction), then in ONE short transaction moves the cursor (only if it is
 * still where it was read) and inserts the deliveries. A kill -9 before that commit leaves both
 * untouched and the events are read again; after it, both are there. Nothing is lost, nothing
 * is turned into two deliveries, and a rolled-back change never had an audit row to read.
 *
 * Why following `seq > cursor` can't skip an event: audit rows are only visible once their
 * transaction commits, and SQLite has one writer at a time, which takes the write lock before its
 * first INSERT and keeps it to COMMIT. So seqs become visible in the order they were assigned: when
 * we see seq N committed, every seq below N is committed or rolled back for good, and a
 * transaction still open holds a seq above N. (A rolled-back seq may be reused by the next insert:
 * harmless, it was never seen.) On PostgreSQL sequence values alone would be taken concurrently
 * and commit out of order; there every audit append takes the chain's advisory lock before it
 * takes its seq and holds it to COMMIT (lib/audit/store.postgres.ts), which restores the same
 * rule: seq order is commit order (tested in tests/unit/postgres-store.integration.test.ts).
 *
 * Sending. Due deliveries are leased (nextAttemptAt moved past the send timeout) in a short
 * transaction, sent with no transaction open, and each outcome is recorded in another short one.
 * At most CONCURRENCY requests are in flight per process. Delivery is at least once: a crash
 * between a send and its record repeats that message with the same webhook-id, which receivers
 * use to drop the duplicate.
 */

const CONCURRENCY = Number(process.env.RUNSHEET_WEBHOOK_CONCURRENCY ?? 16);
const TICK_MS = 1000;
/** Events read per endpoint per batch (each batch is one transaction). */
const BATCH = 100;
/** A leased delivery is sent again by anyone only after this (longer than a send may take). */
const LEASE_MS = 15_000;
/** Commits within this long after one another wake the dispatcher once. */
const COMMIT_COALESCE_MS = 250;
/** Outcomes of sends that end within this long of each other are recorded in one transaction. */
const FLUSH_MS = 25;
/** A send that ends claims more only when this many slots are free (fewer, larger claims). */
const CLAIM_BATCH = Math.min(4, CONCURRENCY);

interface DispatcherState {
  started: boolean;
  timer: NodeJS.Timeout | null;
  running: boolean;
  again: boolean;
  inFlight: number;
  sending: Set<string>;
  idle: Set<() => void>;
  commitWake: NodeJS.Timeout | null;
  /** New audit events may be waiting (a commit or the timer said so): the next tick reads them. */
  expand: boolean;
  /** The next tick may claim with any free slot (the timer), not only with a few (a send's end). */
  claimAny: boolean;
  /** Attempt outcomes not yet written: written together, in one transaction, every FLUSH_MS. */
  outcomes: AttemptOutcome[];
  flushTimer: NodeJS.Timeout | null;
  flushing: Promise<void> | null;
  /** Where deliveries are kept: SQLite's store, or PostgreSQL's (./webhook-store.ts). */
  store: WebhookStore;
}

const globalForWebhooks = globalThis as unknown as { runsheetWebhookDispatcher?: DispatcherState };
const state: DispatcherState = (globalForWebhooks.runsheetWebhookDispatcher ??= {
  started: false,
  timer: null,
  running: false,
  again: false,
  inFlight: 0,
  sending: new Set(),
  idle: new Set(),
  commitWake: null,
  expand: true,
  claimAny: true,
  outcomes: [],
  flushTimer: null,
  flushing: null,
  store: isPostgres() ? postgresWebhookStore(postgresPool()) : sqliteWebhookStore,
});

/** Points the dispatcher at another database's store (PostgreSQL; tests). */
export function useWebhookStore(store: WebhookStore): void {
  state.store = store;
}

function retrySchedule(): number[] {
  return parseRetrySchedule(process.env.RUNSHEET_WEBHOOK_RETRY_SCHEDULE_MS);
}

function disableAfter(): number {
  const n = Number(process.env.RUNSHEET_WEBHOOK_DISABLE_AFTER ?? DEFAULT_DISABLE_AFTER_FAILED_DELIVERIES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_DISABLE_AFTER_FAILED_DELIVERIES;
}

/** A Standard Webhooks message id: unique, and the same for every attempt at this delivery. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

/** Starts the loop (once per process): a tick every second, and one right after each commit. */
export function startWebhookDispatcher(): void {
  if (state.started) return;
  state.started = true;
  // Commits that touched a project may have appended events someone listens for. A burst of
  // sign-offs wakes one tick per COMMIT_COALESCE_MS, not one per commit: each tick is a write
  // transaction and a read of the run's board, and sign-offs must not queue behind them.
  onProjectsCommitted("webhooks", () => {
    if (state.commitWake) return;
    state.commitWake = setTimeout(() => {
      state.commitWake = null;
      wakeWebhookDispatcher({ expand: true });
    }, COMMIT_COALESCE_MS);
    state.commitWake.unref();
  });
  state.timer = setInterval(() => wakeWebhookDispatcher({ expand: true, claimAny: true }), TICK_MS);
  state.timer.unref();
  wakeWebhookDispatcher({ expand: true, claimAny: true });
}

/** Stops the loop (tests); deliveries in flight finish on their own. */
export function stopWebhookDispatcher(): void {
  state.started = false;
  if (state.timer) clearInterval(state.timer);
  state.timer = null;
  onProjectsCommitted("webhooks", () => undefined);
}

/**
 * Runs a tick now (or right after the running one); nothing when the loop isn't started. A plain
 * wake (a send ended) only starts more sends; `expand` also reads new audit events.
 */
export function wakeWebhookDispatcher(options: { expand?: boolean; claimAny?: boolean } = { expand: true, claimAny: true }): void {
  if (!state.started) return;
  if (options.expand) state.expand = true;
  if (options.claimAny) state.claimAny = true;
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  void (async () => {
    try {
      do {
        state.again = false;
        await runWebhookTick();
      } while (state.again);
    } catch (error) {
      console.error("Webhook dispatcher tick failed", error);
    } finally {
      state.running = false;
      if (state.inFlight === 0 && state.outcomes.length === 0 && !state.flushing) for (const resolve of state.idle) resolve();
    }
  })();
}

/**
 * One tick: expand every enabled endpoint's new events into deliveries, then start sending what is
 * due. With no endpoint at all it is one query on a tiny table.
 */
export async function runWebhookTick(options: { now?: () => Date } = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  const expand = state.expand || !state.started;
  const claimAny = state.claimAny || !state.started;
  state.expand = false;
  state.claimAny = false;
  const { store } = state;
  const endpoints = await store.listActiveEndpoints();
  if (endpoints.length === 0) return;
  const context = new EventContext(store);
  for (const endpoint of expand ? endpoints : []) {
    let cursor = endpoint.cursorSeq;
    const events = JSON.parse(endpoint.events) as string[];
    for (;;) {
      const rows = await store.readAuditAfter({ projectId: endpoint.projectId, afterSeq: cursor, limit: BATCH });
      if (rows.length === 0) break;
      const deliveries: NewDelivery[] = [];
      for (const row of rows) {
        const eventType = eventTypeForAction(row.action);
        if (!eventType || !endpointWants(events, eventType)) continue;
        const event = await context.event(row, endpoint.projectId, eventType);
        if (!event) continue;
        deliveries.push({ id: newMessageId(), auditSeq: row.seq, eventType, payload: JSON.stringify(presetBody(endpoint.preset as WebhookPreset, event)) });
      }
      const toSeq = rows[rows.length - 1].seq;
      const fromSeq = cursor;
      const moved = await store.commitOutboxBatch({ endpointId: endpoint.id, fromSeq, toSeq, deliveries, now: now() });
      if (!moved) break; // someone else moved it (or it was disabled): the next tick reads it afresh
      cursor = toSeq;
      if (rows.length < BATCH) break;
    }
  }
  await startDueSends(now, claimAny);
}

async function startDueSends(now: () => Date, claimAny: boolean): Promise<void> {
  const free = CONCURRENCY - state.inFlight;
  if (free <= 0) return;
  if (!claimAny && free < CLAIM_BATCH && state.inFlight > 0) return;
  const due = await state.store.nextDueAt();
  if (due === null || Date.parse(due) > now().getTime()) return;
  const at = now();
  const claimed = await state.store.claimDueDeliveries({ now: at, leaseUntil: new Date(at.getTime() + LEASE_MS), limit: free });
  for (const row of claimed) {
    if (state.sending.has(row.id)) continue;
    state.inFlight++;
    state.sending.add(row.id);
    void sendOne(row, now)
      .catch((error) => console.error("Recording a webhook attempt failed", error))
      .finally(() => {
        state.inFlight--;
        state.sending.delete(row.id);
        wakeWebhookDispatcher({});
      });
  }
}

async function sendOne(row: DueDeliveryRow, now: () => Date): Promise<void> {
  const result = await sendWebhook({ url: row.url, secret: row.secret, messageId: row.id, payload: row.payload, allowPrivateNetwork: row.allowPrivateNetwork === 1 });
  const at = now();
  const attemptsMade = row.attempts + 1;
  const delay = result.delivered ? null : nextRetryDelayMs(attemptsMade, retrySchedule());
  state.outcomes.push({
    attemptId: randomUUID(),
    deliveryId: row.id,
    endpointId: row.endpointId,
    at,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    delivered: result.delivered,
    nextAttemptAt: delay === null ? null : new Date(at.getTime() + delay),
  });
  state.flushTimer ??= setTimeout(() => void flushOutcomes(), FLUSH_MS);
}

/**
 * Writes the buffered outcomes in one short transaction. Until then the deliveries stay leased, so
 * nobody sends them again; a crash before the write loses only the record, and the lease's end
 * sends them once more (same webhook-id).
 */
async function flushOutcomes(): Promise<void> {
  state.flushTimer = null;
  if (state.flushing) await state.flushing;
  const batch = state.outcomes.splice(0);
  if (batch.length === 0) return;
  state.flushing = state.store
    .recordAttempts(batch, { disableAfter: disableAfter(), notice: disabledNotice })
    .catch((error) => console.error("Recording webhook attempts failed", error))
    .finally(() => {
      state.flushing = null;
      if (!state.running && state.inFlight === 0 && state.outcomes.length === 0) for (const resolve of state.idle) resolve();
    });
  await state.flushing;
}

/** Resolves once no tick is running and nothing is in flight (tests and the bench). */
export function webhookDispatcherIdle(): Promise<void> {
  if (!state.running && state.inFlight === 0 && state.outcomes.length === 0 && !state.flushing) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      state.idle.delete(done);
      resolve();
    };
    state.idle.add(done);
  });
}

/** A run as events describe it: its steps numbered as on the run page, and its forecast now. */
interface RunForEvents {
  run: { id: string; name: string; kind: string };
  steps: Map<string, { number: string; title: string; status: string; plannedMinutes: number; startedAt: string | null; finishedAt: string | null }>;
  forecast: WebhookEvent["data"]["forecast"];
}

const iso = (value: string | null) => (value ? new Date(value).toISOString() : null);

async function runForEvents(store: WebhookStore, runId: string, timeZone: string, now: number): Promise<RunForEvents | null> {
  const loaded = await store.readRunForWebhook(runId);
  if (!loaded) return null;
  const { run, steps } = loaded;
  const windowStart = Date.parse(run.windowStart);
  // numberSteps numbers forward and rollback steps separately, in plan order (rows come in it).
  const numbers = numberSteps([{ steps }]);
  const forecastSteps: ForecastStep[] = steps.map((s, index) => ({
    id: s.id,
    kind: s.kind,
    plannedMinutes: s.plannedMinutes,
    status: s.status as StepStatusName,
    startedAt: iso(s.startedAt),
    finishedAt: iso(s.finishedAt),
    predecessorIds: JSON.parse(s.predecessorIds) as string[],
    predecessorLags: parseLags(s.predecessorLags),
    inWindow: s.inWindow === 1,
    position: index + 1,
    notBeforeAt: s.notBefore ? runNotBeforeAt(s.notBefore, { kind: run.kind, windowStart }, timeZone) : null,
  }));
  let forecast: WebhookEvent["data"]["forecast"] = null;
  if (run.status === "ACTIVE") {
    const f = forecastRun({ steps: forecastSteps, mode: run.mode as RunModeName, windowStart, windowEnd: Date.parse(run.windowEnd), now });
    forecast = { finishAt: new Date(f.finishAt).toISOString(), onTrack: f.verdict === "on_track" || f.verdict === "finished", verdict: f.verdict, windowEnd: new Date(run.windowEnd).toISOString() };
  }
  return {
    run: { id: run.id, name: run.name, kind: run.kind },
    steps: new Map(steps.map((s) => [s.id, { number: numbers.get(s.id)!, title: s.title, status: s.status, plannedMinutes: s.plannedMinutes, startedAt: iso(s.startedAt), finishedAt: iso(s.finishedAt) }])),
    forecast,
  };
}

/**
 * Turns audit rows into events, reading each project and run once per tick. The run is read when
 * the delivery is made (right after the commit, in practice): the step's own facts come from the
 * audit row, its number and the run's forecast from the run at that moment.
 */
class EventContext {
  private projects = new Map<string, Promise<{ id: string; name: string; timezone: string } | null>>();
  private runs = new Map<string, Promise<RunForEvents | null>>();
  private events = new Map<number, Promise<WebhookEvent | null>>();

  constructor(private readonly store: WebhookStore) {}

  event(row: AuditRowForWebhook, projectId: string, type: string): Promise<WebhookEvent | null> {
    let built = this.events.get(row.seq);
    if (!built) this.events.set(row.seq, (built = this.build(row, projectId, type)));
    return built;
  }

  private project(projectId: string) {
    let project = this.projects.get(projectId);
    if (!project) this.projects.set(projectId, (project = this.store.readProject(projectId)));
    return project;
  }

  private run(runId: string, timeZone: string) {
    let run = this.runs.get(runId);
    if (!run) this.runs.set(runId, (run = runForEvents(this.store, runId, timeZone, Date.now())));
    return run;
  }

  private async build(row: AuditRowForWebhook, projectId: string, type: string): Promise<WebhookEvent | null> {
    const project = await this.project(projectId);
    if (!project) return null;
    let after: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(row.after) as unknown;
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) after = parsed as Record<string, unknown>;
    } catch {
      // an unreadable snapshot still makes an event, without its details
    }
    // Every stakeholder update is in the audit log, but only those sent "by webhook" go out here
    // (lib/stakeholders records its channels on the event); an email-only update stays email-only.
    if (type === "run.stakeholder_update" && !(Array.isArray(after.channels) && after.channels.includes("webhook"))) return null;
    const str = (value: unknown) => (typeof value === "string" ? value : "");
    const run = row.runId ? await this.run(row.runId, project.timezone) : null;
    const stepId = run ? await this.store.stepIdOfEntity(row.entityType, row.entityId) : null;
    const step = stepId && run ? run.steps.get(stepId) : undefined;
    const startedAt = str(after.startedAt) || step?.startedAt || null;
    const finishedAt = str(after.finishedAt) || (type === "step.completed" ? step?.finishedAt : null) || null;
    return {
      type,
      timestamp: new Date(row.at).toISOString(),
      data: {
        project: { id: project.id, name: project.name },
        run: run ? run.run : null,
        step: step
          ? {
              number: step.number,
              title: step.title,
              status: str(after.status) || step.status,
              by: row.actorName,
              startedAt,
              completedAt: finishedAt,
              lateByMinutes: lateByMinutes({ plannedMinutes: step.plannedMinutes, startedAt, finishedAt }),
            }
          : null,
        forecast: run ? run.forecast : null,
        actor: row.actorName,
        auditSeq: row.seq,
        note: str(after.reason) || str(after.undoReason) || str(after.note),
        ...(type === "run.stakeholder_update" ? { subject: str(after.subject), text: str(after.text) } : {}),
        timezone: project.timezone,
      },
    };
  }
}
