import "server-only";
import { prisma } from "../platform/db/client";
import type { LiveEventRow } from "../platform/live/hub";
import { fleetOutcomeLine, type FleetOutcome } from "../fleet/model";
import { isPlanAction, STEP_DELTA_ACTIONS, type LiveDelta, type LiveStepState } from "./live-delta";

type DeltaPart = Pick<LiveDelta, "kind" | "step" | "fleet" | "run">;

/**
 * Describes a batch of a project's audit events for the live stream: one query for the step
 * states the batch touched (their state now, which is the newest; a later event of the same step
 * in the batch says the same), the rest from the events themselves. Runs once per batch per
 * process, whatever the number of watchers.
 */
export async function buildRunDeltas(events: LiveEventRow[]): Promise<Map<number, Record<string, unknown>>> {
  const stepRunIds = [...new Set(events.filter((e) => e.entityType === "step_run" && STEP_DELTA_ACTIONS.has(e.action)).map((e) => e.entityId))];
  const rows =
    stepRunIds.length === 0
      ? []
      : await prisma.stepRun.findMany({
          where: { id: { in: stepRunIds } },
          select: { id: true, stepId: true, status: true, version: true, startedAt: true, finishedAt: true, startedByName: true, startedById: true, signedOffByName: true, signedOffById: true, signedOffAt: true, note: true, reason: true, fieldValues: true, fleetOutcome: true, exceptionReason: true },
        });
  const stateById = new Map<string, LiveStepState>(
    rows.map((r) => [
      r.id,
      {
        stepId: r.stepId,
        status: r.status,
        version: r.version,
        startedAt: r.startedAt?.toISOString() ?? null,
        finishedAt: r.finishedAt?.toISOString() ?? null,
        // As the board shows them: the name kept on the row (lib/runs/queries.ts).
        startedBy: r.startedById !== null || r.startedByName !== null ? (r.startedByName ?? "") : null,
        signedOffBy: r.signedOffById !== null || r.signedOffByName !== null ? (r.signedOffByName ?? "") : null,
        signedOffAt: r.signedOffAt?.toISOString() ?? null,
        note: r.note,
        reason: r.reason,
        fieldValues: JSON.parse(r.fieldValues) as Record<string, string>,
        fleetLine: r.fleetOutcome ? fleetOutcomeLine(JSON.parse(r.fleetOutcome) as FleetOutcome, r.exceptionReason) : null,
      },
    ]),
  );
  const deltas = new Map<number, Record<string, unknown>>();
  for (const event of events) deltas.set(event.seq, describe(event, stateById));
  return deltas;
}

function describe(event: LiveEventRow, stateById: Map<string, LiveStepState>): DeltaPart {
  if (event.entityType === "step_run" && STEP_DELTA_ACTIONS.has(event.action)) {
    const step = stateById.get(event.entityId);
    return step ? { kind: "step", step } : { kind: "other" };
  }
  if (event.action === "fleet.update" || event.action === "fleet.bulk_update") return { kind: "fleet", fleet: { stepId: event.entityType === "fleet_step" ? event.entityId : null } };
  if (event.action.startsWith("gate.")) return { kind: "gate" };
  if (event.action.startsWith("run.")) {
    const after = parseAfter(event.after);
    return { kind: "run", run: { status: typeof after.status === "string" ? after.status : undefined, mode: typeof after.mode === "string" ? after.mode : undefined, endedAt: typeof after.endedAt === "string" ? after.endedAt : null } };
  }
  if (isPlanAction(event.action)) return { kind: "plan" };
  return { kind: "other" };
}

function parseAfter(after: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(after);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
