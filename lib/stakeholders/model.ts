/**
 * Stakeholder updates as pure functions: the facts of a run at one moment, a template with
 * {{placeholders}}, and the message they make; plus the schedule's arithmetic. The server renders
 * previews and sends with these, and the unit tests check them with fixed facts and clocks.
 */
import { formatMinutes, formatMoment, formatWindow } from "../platform/time";
import { RUN_STATUS_LABELS } from "../runs/model";
import type { DeadlineLevel, ForecastVerdict } from "../runs/forecast";

/** What an update can say about a run now. Times are epoch milliseconds; the zone is the project's. */
export interface StakeholderFacts {
  now: number;
  timeZone: string;
  project: { name: string };
  run: { name: string; kind: string; status: string; mode: string };
  windowStart: number;
  windowEnd: number;
  /** Steps in the run's current scope (the forward plan, or the rollback steps while rolling back). */
  progress: { done: number; total: number };
  /** Null once the run has ended. */
  forecast: { finishAt: number; slackMinutes: number; verdict: ForecastVerdict } | null;
  /** The first go/no-go gate not yet decided, in plan order; null when none is ahead. */
  nextGate: { number: string; title: string; plannedStart: number | null; held: boolean } | null;
  issues: {
    failed: { number: string; title: string; reason: string }[];
    /** Running steps past their planned minutes. */
    late: { number: string; title: string; overMinutes: number }[];
    /** Held gates: the run can't go on past them until someone decides. */
    blockers: { number: string; title: string; note: string }[];
  };
  rollbackDeadline: { deadline: number | null; minutesLeft: number | null; level: DeadlineLevel };
  /** The run page's address, or "" when the server doesn't know its public address. */
  link: string;
}

export const STAKEHOLDER_PLACEHOLDERS = {
  project: "The project's name",
  run: "The run's name",
  status: "In progress, Completed, Rolled back or Aborted (and 'rolling back' after a No-Go)",
  now: "The time of the update, on the project's clock",
  progress: "“142 of 300 steps done (47%)”",
  forecast: "“finish 05:40 CET, 1 h 20 min inside the window” or “… 40 min past the window”",
  window: "The downtime window, “Sat 5 Dec 22:00 – Sun 6 Dec 06:00 CET (8 h)”",
  nextGate: "The next go/no-go gate and its planned time, or “no gate ahead”",
  issues: "Failed steps, steps running late, held gates: one per line, or “none”",
  rollbackDeadline: "The latest moment the rollback can start and still finish inside the window",
  link: "The address of the run page",
} as const;
export type StakeholderPlaceholder = keyof typeof STAKEHOLDER_PLACEHOLDERS;

export const DEFAULT_SUBJECT_TEMPLATE = "{{project}} · {{run}}: {{progress}}";
export const DEFAULT_BODY_TEMPLATE = `Status of {{run}} ({{project}}) at {{now}}: {{status}}

Progress: {{progress}}
Forecast: {{forecast}}
Window: {{window}}
Next gate: {{nextGate}}
Rollback deadline: {{rollbackDeadline}}

Issues:
{{issues}}

Run page: {{link}}`;

export const MIN_INTERVAL_MINUTES = 5;
export const MAX_INTERVAL_MINUTES = 240;
export const DEFAULT_INTERVAL_MINUTES = 30;
export const MAX_RECIPIENTS = 50;
/** Delivery attempts of one update's email before it is marked failed (retried 1, 2, 4, 8, 16 min later). */
export const MAX_EMAIL_ATTEMPTS = 6;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** The placeholders in `template` that aren't known, each once, in the order they appear. */
export function unknownPlaceholders(template: string): string[] {
  const unknown: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (!(name in STAKEHOLDER_PLACEHOLDERS) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/** "Unknown placeholder {{eta}}; use one of …" — the message a template with typos gets. */
export function unknownPlaceholderMessage(unknown: readonly string[]): string {
  const names = unknown.map((n) => `{{${n}}}`).join(", ");
  return `Unknown placeholder${unknown.length === 1 ? "" : "s"} ${names}. Use ${Object.keys(STAKEHOLDER_PLACEHOLDERS)
    .map((n) => `{{${n}}}`)
    .join(", ")}.`;
}

export class UnknownPlaceholderError extends Error {
  constructor(readonly unknown: string[]) {
    super(unknownPlaceholderMessage(unknown));
    this.name = "UnknownPlaceholderError";
  }
}

const stepLabel = (s: { number: string; title: string }) => `step ${s.number} “${s.title}”`;

/** Each placeholder's text for these facts. */
export function placeholderValues(facts: StakeholderFacts): Record<StakeholderPlaceholder, string> {
  const { timeZone, now } = facts;
  const at = (t: number) => formatMoment(t, timeZone, { now });
  const ended = facts.run.status !== "ACTIVE";
  const rollingBack = facts.run.mode === "ROLLBACK";
  const percent = facts.progress.total === 0 ? 0 : Math.floor((facts.progress.done / facts.progress.total) * 100);
  const progress = `${facts.progress.done} of ${facts.progress.total} ${rollingBack ? "rollback " : ""}steps done (${percent}%)`;

  let forecast: string;
  if (ended || !facts.forecast) forecast = `the run has ended (${(RUN_STATUS_LABELS[facts.run.status] ?? facts.run.status).toLowerCase()})`;
  else if (facts.forecast.verdict === "finished") forecast = rollingBack ? "all rollback steps are done" : "all window work is done";
  else {
    const slack = facts.forecast.slackMinutes;
    // Rounded first, so 0.4 minutes late doesn't read "0 min past the window".
    const rounded = Math.round(slack);
    const against = rounded >= 0 ? `${formatMinutes(rounded)} inside the window` : `${formatMinutes(-rounded)} past the window`;
    forecast = `${rollingBack ? "rollback " : ""}finish ${at(facts.forecast.finishAt)}, ${against}`;
  }

  let nextGate: string;
  if (ended) nextGate = "none (the run has ended)";
  else if (rollingBack) nextGate = "none (rolling back)";
  else if (!facts.nextGate) nextGate = "no gate ahead";
  else {
    const g = facts.nextGate;
    nextGate = `${stepLabel(g)}${g.plannedStart !== null ? `, planned ${at(g.plannedStart)}` : ""}${g.held ? " (held)" : ""}`;
  }

  const issueLines = [
    ...facts.issues.failed.map((s) => `- Failed: ${stepLabel(s)}${s.reason ? `: ${s.reason}` : ""}`),
    ...facts.issues.late.map((s) => `- Late: ${stepLabel(s)}, ${formatMinutes(Math.max(1, Math.round(s.overMinutes)))} over its plan`),
    ...facts.issues.blockers.map((s) => `- Held: gate ${stepLabel(s).slice("step ".length)}${s.note ? `: ${s.note}` : ""}`),
  ];

  const d = facts.rollbackDeadline;
  let rollbackDeadline: string;
  if (rollingBack) rollbackDeadline = "rolling back now";
  else if (d.deadline === null) rollbackDeadline = "none (no rollback steps)";
  else if (ended || d.level === "none") rollbackDeadline = `none (${ended ? "the run has ended" : "the window's work is done"})`;
  else if (d.level === "passed" || d.level === "passed_gate_open") rollbackDeadline = `passed at ${at(d.deadline)}`;
  else rollbackDeadline = `${at(d.deadline)} (${formatMinutes(d.minutesLeft ?? 0)} from now)`;

  return {
    project: facts.project.name,
    run: facts.run.name,
    status: ended ? (RUN_STATUS_LABELS[facts.run.status] ?? facts.run.status) : rollingBack ? "rolling back after a No-Go" : "in progress",
    now: at(now),
    progress,
    forecast,
    window: formatWindow(facts.windowStart, facts.windowEnd, timeZone),
    nextGate,
    issues: issueLines.length > 0 ? issueLines.join("\n") : "none",
    rollbackDeadline,
    link: facts.link || "(the run page's address is not known)",
  };
}

/** The template with every placeholder filled in; throws UnknownPlaceholderError naming any it doesn't know. */
export function renderStakeholderUpdate(options: { template: string; facts: StakeholderFacts }): string {
  const unknown = unknownPlaceholders(options.template);
  if (unknown.length > 0) throw new UnknownPlaceholderError(unknown);
  const values = placeholderValues(options.facts);
  return options.template.replace(PLACEHOLDER, (_, name: string) => values[name as StakeholderPlaceholder]);
}

/** A subject is one line: the line breaks a placeholder may bring (issues) become "; ". */
export function renderStakeholderSubject(options: { template: string; facts: StakeholderFacts }): string {
  return renderStakeholderUpdate(options).replace(/\s*\n\s*/g, "; ").slice(0, 250);
}

const MINUTE = 60_000;

/** When automatic updates start: one interval after they are switched on ("Send now" covers "at once"). */
export function firstDueAt(options: { now: number; intervalMinutes: number }): number {
  return options.now + options.intervalMinutes * MINUTE;
}

/**
 * The next due time after an update that was due at `due` went out at `now`: one interval on, so
 * the rhythm holds; when the server was down for longer than that, one interval from now, so the
 * missed updates don't go out in a burst.
 */
export function nextDueAfter(options: { due: number; now: number; intervalMinutes: number }): number {
  const next = options.due + options.intervalMinutes * MINUTE;
  return next > options.now ? next : options.now + options.intervalMinutes * MINUTE;
}

/** Minutes before the next delivery attempt after `attempts` failed ones: 1, 2, 4, 8, 16. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(16, 2 ** Math.max(0, attempts - 1));
}

export type StakeholderChannel = "email" | "webhook";
export type StakeholderMessageStatus = "PENDING" | "SENT" | "FAILED" | "RECORDED";

export const MESSAGE_STATUS_LABELS: Record<StakeholderMessageStatus, string> = {
  PENDING: "Email pending",
  SENT: "Emailed",
  FAILED: "Email failed",
  RECORDED: "Webhook only",
};
