import "server-only";
import { canViewProjects, type Actor } from "../platform/auth/permissions";
import { ForbiddenError } from "../platform/errors";
import { requireRunAccess } from "../projects/access";
import { forecastRun } from "./forecast";
import { getRunBoard } from "./queries";
import type { RunModeName } from "./model";

/**
 * A run's state for scripts and the CLI (`runsheet run status`): progress, forecast and the steps
 * by number with their ids and versions, so a script can address "step 14" without the page.
 */
export async function getRunStatus(options: { actor: Actor; runId: string; now?: number }) {
  if (!canViewProjects(options.actor)) throw new ForbiddenError();
  await requireRunAccess({ user: options.actor, runId: options.runId, need: "view" });
  const board = await getRunBoard({ runId: options.runId });
  const now = options.now ?? Date.now();
  const tracked = board.steps.filter((s) => s.tracked);
  const count = (status: string) => tracked.filter((s) => s.status === status).length;
  const forecast =
    board.run.status === "ACTIVE"
      ? forecastRun({ steps: tracked, mode: board.run.mode as RunModeName, windowStart: Date.parse(board.run.windowStart), windowEnd: Date.parse(board.run.windowEnd), now })
      : null;
  return {
    run: { id: board.run.id, name: board.run.name, kind: board.run.kind, status: board.run.status, mode: board.run.mode, windowStart: board.run.windowStart, windowEnd: board.run.windowEnd },
    project: { id: board.project.id, name: board.project.name },
    progress: { steps: tracked.length, done: count("DONE"), skipped: count("SKIPPED"), failed: count("FAILED"), inProgress: count("IN_PROGRESS"), pending: count("PENDING") },
    forecast: forecast && {
      finishAt: new Date(forecast.finishAt).toISOString(),
      remainingMinutes: Math.round(forecast.remainingMinutes),
      slackMinutes: Math.round(forecast.slackMinutes),
      verdict: forecast.verdict,
    },
    steps: tracked.map((s) => ({
      id: s.id,
      number: s.number,
      title: s.title,
      phase: board.phases.find((p) => p.id === s.phaseId)?.title ?? "",
      kind: s.kind,
      isFleet: s.isFleet,
      status: s.status,
      version: s.version,
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
      signedOffBy: s.signedOffBy,
      evidence: s.evidence.map((e) => ({ name: e.name, sha256: e.sha256, client: e.client })),
    })),
  };
}
