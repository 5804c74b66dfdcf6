import "server-only";
import { prisma } from "../platform/db/client";
import { getRunBoard } from "../runs/queries";
import { forecastRun, overrunMinutes, rollbackDeadline } from "../runs/forecast";
import { isFinished, stepsInScope, type RunModeName } from "../runs/model";
import type { StakeholderChannel, StakeholderFacts, StakeholderMessageStatus } from "./model";

/**
 * The public address of the run page: BETTER_AUTH_URL when the install names its address,
 * otherwise the origin the admin used when they saved the settings (a scheduled update has no
 * request to take it from).
 */
export function runPageLink(options: { linkBase: string; projectId: string; runId: string }): string {
  const base = (process.env.BETTER_AUTH_URL?.trim() || options.linkBase).replace(/\/+$/, "");
  return base ? `${base}/projects/${options.projectId}/runs/${options.runId}` : "";
}

/** What a stakeholder update says about the run at `now`: the run page's own numbers (same board, same forecast). */
export async function getStakeholderFacts(options: { runId: string; now: number; linkBase: string }): Promise<StakeholderFacts & { projectId: string }> {
  const board = await getRunBoard({ runId: options.runId });
  const { now } = options;
  const mode = board.run.mode as RunModeName;
  const tracked = board.steps.filter((s) => s.tracked);
  const scope = stepsInScope(tracked, mode);
  const windowStart = Date.parse(board.run.windowStart);
  const windowEnd = Date.parse(board.run.windowEnd);
  const active = board.run.status === "ACTIVE";
  const forecast = active ? forecastRun({ steps: tracked, mode, windowStart, windowEnd, now }) : null;
  const openGates = tracked.filter((s) => s.kind === "GATE" && !isFinished(s.status)).sort((a, b) => a.position - b.position);
  const gate = openGates[0];
  return {
    projectId: board.project.id,
    now,
    timeZone: board.project.timezone,
    project: { name: board.project.name },
    run: { name: board.run.name, kind: board.run.kind, status: board.run.status, mode },
    windowStart,
    windowEnd,
    progress: { done: scope.filter((s) => isFinished(s.status)).length, total: scope.length },
    forecast: forecast && { finishAt: forecast.finishAt, slackMinutes: forecast.slackMinutes, verdict: forecast.verdict },
    nextGate: gate ? { number: gate.number, title: gate.title, plannedStart: gate.plannedStart ? Date.parse(gate.plannedStart) : null, held: gate.gate?.held != null } : null,
    issues: {
      failed: scope.filter((s) => s.status === "FAILED").map((s) => ({ number: s.number, title: s.title, reason: s.reason })),
      late: scope.filter((s) => overrunMinutes(s, now) > 0).map((s) => ({ number: s.number, title: s.title, overMinutes: overrunMinutes(s, now) })),
      blockers: active ? openGates.filter((s) => s.gate?.held).map((s) => ({ number: s.number, title: s.title, note: s.gate?.held?.note ?? "" })) : [],
    },
    rollbackDeadline: rollbackDeadline({ steps: tracked, windowEnd, now, mode }),
    link: runPageLink({ linkBase: options.linkBase, projectId: board.project.id, runId: board.run.id }),
  };
}

type MessageRow = Awaited<ReturnType<typeof prisma.stakeholderUpdateMessage.findFirstOrThrow>>;

/** A logged update as the panel and the API show it. */
export function stakeholderMessageView(row: MessageRow) {
  return {
    id: row.id,
    sentAt: row.sentAt.toISOString(),
    sentBy: row.sentById === null ? null : (row.sentByName ?? ""),
    subject: row.subject,
    text: row.text,
    channels: JSON.parse(row.channels) as StakeholderChannel[],
    recipients: JSON.parse(row.recipients) as string[],
    status: row.status as StakeholderMessageStatus,
    error: row.error,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  };
}
export type StakeholderMessageView = ReturnType<typeof stakeholderMessageView>;

/** The run's updates, newest first (a night at every 5 minutes is under 200). */
export async function listStakeholderMessages(options: { runId: string; take?: number }): Promise<StakeholderMessageView[]> {
  const rows = await prisma.stakeholderUpdateMessage.findMany({ where: { runId: options.runId }, orderBy: [{ sentAt: "desc" }, { id: "desc" }], take: options.take ?? 200 });
  return rows.map(stakeholderMessageView);
}
