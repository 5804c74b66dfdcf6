import { formatInZone, zoneAbbreviation } from "../platform/time";

/**
 * Outbound webhooks, the pure part: which audit actions become which events, what a delivery
 * carries, how Slack and Teams see it, and when a failed delivery is tried again. The dispatcher
 * (./dispatcher.ts) and the tests share these functions.
 */

export const WEBHOOK_PRESETS = ["STANDARD", "SLACK", "TEAMS"] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];
export const WEBHOOK_PRESET_LABELS: Record<WebhookPreset, string> = {
  STANDARD: "Standard Webhooks (signed JSON)",
  SLACK: "Slack incoming webhook",
  TEAMS: "Microsoft Teams incoming webhook",
};

/**
 * Audit action → event type, for the actions someone outside the app listens for. Plan edits,
 * sign-ins and settings are not delivered: an unknown action is simply skipped (the cursor still
 * moves past it). There is no audit event for a rollback deadline passing (it is a clock, not a
 * change), so no event for it either.
 */
export const EVENT_TYPE_BY_ACTION: Readonly<Record<string, string>> = {
  "run.start": "run.started",
  "run.complete": "run.completed",
  "run.rolled_back": "run.rolled_back",
  "run.abort": "run.aborted",
  "run.end_early": "run.ended_early",
  "run.rollback_started": "run.rollback_started",
  "run.plan_applied": "run.plan_applied",
  "run.stakeholder_update": "run.stakeholder_update",
  "step.start": "step.started",
  "step.done": "step.completed",
  "step.skip": "step.skipped",
  "step.fail": "step.failed",
  "step.undo_signoff": "step.undone",
  "gate.go": "gate.approved",
  "gate.no_go": "gate.rejected",
  "gate.approve": "gate.approval_recorded",
  "gate.hold": "gate.held",
  "fleet.update": "fleet.client_updated",
  "fleet.bulk_update": "fleet.clients_updated",
  "evidence.attach": "evidence.attached",
};

/** Every event type an endpoint can subscribe to, in the order the form lists them. */
export const WEBHOOK_EVENT_TYPES = [...new Set(Object.values(EVENT_TYPE_BY_ACTION))] as readonly string[];
/** Sent by "Send test event" only; every endpoint gets it whatever it subscribed to. */
export const TEST_EVENT_TYPE = "webhook.test";
/** Subscribing to this means every event type, including ones added later. */
export const ALL_EVENTS = "*";

export function eventTypeForAction(action: string): string | null {
  return Object.hasOwn(EVENT_TYPE_BY_ACTION, action) ? EVENT_TYPE_BY_ACTION[action] : null;
}

export function endpointWants(events: readonly string[], eventType: string): boolean {
  return eventType === TEST_EVENT_TYPE || events.includes(ALL_EVENTS) || events.includes(eventType);
}

/** What every event carries (the STANDARD preset sends it as is, under `data`). */
export interface WebhookEventData {
  project: { id: string; name: string };
  run: { id: string; name: string; kind: string } | null;
  step: {
    number: string;
    title: string;
    status: string;
    by: string;
    startedAt: string | null;
    completedAt: string | null;
    /** Minutes the step took beyond its planned duration (0 when on time or not finished). */
    lateByMinutes: number;
  } | null;
  forecast: { finishAt: string; onTrack: boolean; verdict: string; windowEnd: string } | null;
  /** Who made the change, as recorded. */
  actor: string;
  /** The audit event this is (0 for a test event). */
  auditSeq: number;
  /** A reason or note recorded with the change ("" when none). */
  note: string;
  /** Stakeholder updates only. */
  subject?: string;
  text?: string;
  /** The project's zone, for the sentences. */
  timezone: string;
}

export interface WebhookEvent {
  type: string;
  timestamp: string;
  data: WebhookEventData;
}

/** The STANDARD body: `{ type, timestamp, data }` (the Standard Webhooks payload structure). */
export function standardPayload(event: WebhookEvent): Record<string, unknown> {
  const { timezone: _zone, ...data } = event.data;
  return { type: event.type, timestamp: event.timestamp, data };
}

const VERB: Record<string, string> = {
  "step.started": "started",
  "step.completed": "done",
  "step.skipped": "skipped",
  "step.failed": "failed",
  "step.undone": "sign-off undone",
  "gate.approved": "Go",
  "gate.rejected": "No-Go",
  "gate.approval_recorded": "approval recorded",
  "gate.held": "held",
  "fleet.client_updated": "client updated",
  "fleet.clients_updated": "clients updated",
  "evidence.attached": "evidence attached",
};

const RUN_SENTENCE: Record<string, string> = {
  "run.started": "started",
  "run.completed": "completed",
  "run.rolled_back": "rolled back",
  "run.aborted": "aborted",
  "run.ended_early": "ended early",
  "run.rollback_started": "switched to its rollback steps",
  "run.plan_applied": "took plan changes",
};

function forecastPhrase(data: WebhookEventData): string {
  if (!data.forecast) return "";
  const at = formatInZone(data.forecast.finishAt, data.timezone, "time");
  const verdict = data.forecast.verdict === "finished" ? "finished" : data.forecast.verdict === "overrun" ? "past the window" : data.forecast.verdict === "at_risk" ? "at risk" : "on track";
  return `forecast ${at}, ${verdict}`;
}

/**
 * One line for people, in the project's clock: "Step 14 done by Olivia, 10 min late; forecast
 * 01:05, on track". What Slack and Teams show; the STANDARD payload carries the same facts as data.
 */
export function describeEvent(event: WebhookEvent): string {
  const d = event.data;
  if (event.type === TEST_EVENT_TYPE) return `Test event from Runsheet for “${d.project.name}”: this endpoint is reachable.`;
  if (event.type === "run.stakeholder_update") return d.text || d.subject || "Stakeholder update";
  const runName = d.run ? `${d.run.kind === "LIVE" ? "Live run" : "Rehearsal"} “${d.run.name}”` : "Run";
  const forecast = forecastPhrase(d);
  if (d.step) {
    const verb = VERB[event.type] ?? event.type;
    const late = event.type === "step.completed" && d.step.lateByMinutes > 0 ? `, ${d.step.lateByMinutes} min late` : "";
    const by = d.step.by ? ` by ${d.step.by}` : "";
    const head = event.type.startsWith("gate.") ? `Gate ${d.step.number} “${d.step.title}”: ${verb}${by}` : `Step ${d.step.number} ${verb}${by}${late}`;
    const note = d.note ? ` (${d.note})` : "";
    return `${head}${note}${forecast ? `; ${forecast}` : ""}`;
  }
  const what = RUN_SENTENCE[event.type] ?? (VERB[event.type] ? VERB[event.type] : event.type);
  const note = d.note ? ` (${d.note})` : "";
  return `${runName} ${what}${d.actor ? ` by ${d.actor}` : ""}${note}${forecast && event.type !== "run.completed" ? `; ${forecast}` : ""}`;
}

/** Slack's mrkdwn reserves &, < and >; everything else is text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The JSON body an endpoint of `preset` receives for `event`. */
export function presetBody(preset: WebhookPreset, event: WebhookEvent): Record<string, unknown> {
  if (preset === "STANDARD") return standardPayload(event);
  const sentence = describeEvent(event);
  const title = event.type === "run.stakeholder_update" && event.data.subject ? `${event.data.project.name}: ${event.data.subject}` : event.data.project.name;
  const zone = zoneAbbreviation(event.timestamp, event.data.timezone);
  if (preset === "SLACK") return { text: `*${escapeSlack(title)}*\n${escapeSlack(sentence)}`, mrkdwn: true };
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: title, weight: "Bolder", wrap: true },
            { type: "TextBlock", text: sentence, wrap: true },
            { type: "TextBlock", text: `${formatInZone(event.timestamp, event.data.timezone, "datetime")} ${zone}`, isSubtle: true, size: "Small", wrap: true },
          ],
        },
      },
    ],
  };
}

/** Minutes a finished step took beyond its plan, rounded (0 when on time, early, or not finished). */
export function lateByMinutes(step: { plannedMinutes: number; startedAt: string | null; finishedAt: string | null }): number {
  if (!step.startedAt || !step.finishedAt) return 0;
  const took = (Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 60_000;
  return Math.max(0, Math.round(took - step.plannedMinutes));
}

/**
 * The Standard Webhooks retry schedule: after the first try (at once), again after 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h, a little over a day in all. RUNSHEET_WEBHOOK_RETRY_SCHEDULE_MS
 * ("50,100,200") replaces the waits, for tests.
 */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000] as const;

export function parseRetrySchedule(value: string | undefined): number[] {
  if (!value || !value.trim()) return [...DEFAULT_RETRY_DELAYS_MS];
  const delays = value.split(",").map((part) => Number(part.trim()));
  if (delays.some((d) => !Number.isFinite(d) || d < 0)) throw new Error(`RUNSHEET_WEBHOOK_RETRY_SCHEDULE_MS must be comma-separated milliseconds, got "${value}".`);
  return delays;
}

/**
 * When to try again after `attemptsMade` failed tries, or null when the schedule is used up (the
 * delivery has failed). ±10 % jitter, so a receiver that came back isn't hit by every retry at once.
 */
export function nextRetryDelayMs(attemptsMade: number, delays: readonly number[], random: () => number = Math.random): number | null {
  const base = delays[attemptsMade - 1];
  if (base === undefined) return null;
  return Math.round(base * (0.9 + 0.2 * random()));
}

/**
 * An endpoint is disabled when this many deliveries in a row have failed every attempt (each was
 * retried for about a day) with no success in between. RUNSHEET_WEBHOOK_DISABLE_AFTER overrides it.
 */
export const DEFAULT_DISABLE_AFTER_FAILED_DELIVERIES = 5;

export function disabledNotice(failedDeliveries: number): string {
  return `Disabled automatically: ${failedDeliveries} deliveries in a row failed every attempt. Fix the receiver, then enable the endpoint; events since it was disabled are delivered then.`;
}

/**
 * The URL as the audit log keeps it. Slack and Teams URLs carry their credential in the path
 * (hooks.slack.com/services/T…/B…/<secret>), and any URL may in its query: long path segments are
 * masked and the query dropped, so the record never holds something that lets a reader post.
 */
export function urlForRecord(value: string): string {
  try {
    const url = new URL(value);
    const path = url.pathname
      .split("/")
      .map((segment) => (segment.length >= 12 ? `${segment.slice(0, 3)}…` : segment))
      .join("/");
    return `${url.origin}${path}${url.search ? "?…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

/** What the delivery log and the API show of one delivery. */
export interface WebhookDeliverySummary {
  id: string;
  eventType: string;
  auditSeq: number | null;
  status: "PENDING" | "DELIVERED" | "FAILED";
  attempts: number;
  lastStatus: number | null;
  lastError: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface WebhookEndpointSummary {
  id: string;
  projectId: string;
  name: string;
  url: string;
  preset: WebhookPreset;
  events: string[];
  enabled: boolean;
  disabledAt: string | null;
  disabledReason: string;
  allowPrivateNetwork: boolean;
  consecutiveFailures: number;
  createdAt: string;
  lastDelivery: { status: string; lastStatus: number | null; at: string } | null;
  pending: number;
}
