import type { StoredAuditRow } from "./chain";

/*
 * Replaying the audit trail: what every step run and run should look like, from its events alone.
 *
 * Every step action (start, done, skip, fail, undo, a gate's Go or No-Go) stores the step run's
 * state after it in the event (`after`: status, times, who signed off, note, reason, decision),
 * and the run's start and end events store the run's status. A row changed without the app (a
 * direct `UPDATE step_run`) then disagrees with its own events, even while the hash chain, which
 * only covers the events, is intact. Pure: no database, no clock.
 */

const STEP_FIELDS = ["status", "startedAt", "startedByName", "finishedAt", "signedOffById", "signedOffByName", "signedOffAt", "note", "reason", "gateDecision"] as const;
type StepField = (typeof STEP_FIELDS)[number];
export type StepState = Record<StepField, string | null>;

const RUN_FIELDS = ["status", "mode", "endedAt"] as const;
type RunField = (typeof RUN_FIELDS)[number];
export type RunState = Record<RunField, string | null>;

const TIME_FIELDS = new Set<string>(["startedAt", "finishedAt", "signedOffAt", "endedAt"]);

/** A step run nobody has touched yet: what the row holds when the run starts. */
const PENDING_STEP: StepState = { status: "PENDING", startedAt: null, startedByName: null, finishedAt: null, signedOffById: null, signedOffByName: null, signedOffAt: null, note: "", reason: "", gateDecision: null };

interface Expected<S> {
  state: S;
  /** The event the expectation comes from. */
  seq: number;
  /** For the report when the row is gone: the step's title, the run's name. */
  label: string;
  runId: string | null;
  projectId: string | null;
}

function parseObject(json: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : value === null || value === undefined ? null : String(value));

export class AuditReplay {
  readonly steps = new Map<string, Expected<StepState>>();
  readonly runs = new Map<string, Expected<RunState>>();

  /** Feed events in chain order. Events of other entities (plans, users, sign-ins…) are ignored. */
  add(event: Pick<StoredAuditRow, "seq" | "action" | "entityType" | "entityId" | "runId" | "projectId" | "actorName" | "before" | "after">): void {
    if (event.entityType === "step_run") this.addStepEvent(event);
    else if (event.entityType === "run") this.addRunEvent(event);
    else if (event.action === "demo.remove") this.forgetRemovedProjects(event);
  }

  /**
   * Removing the demo deletes its projects (lib/demo/remove.ts) and records which ones in the
   * event: their runs and steps are expected to be gone from then on, not reported as missing.
   */
  private forgetRemovedProjects(event: Pick<StoredAuditRow, "before">): void {
    const projects = parseObject(event.before)?.projects;
    if (!Array.isArray(projects)) return;
    const removed = new Set(projects.map((p) => (p && typeof p === "object" ? text((p as Record<string, unknown>).id) : null)).filter((id): id is string => id !== null));
    for (const expectations of [this.steps, this.runs] as Map<string, { projectId: string | null }>[]) {
      for (const [id, expected] of expectations) if (expected.projectId !== null && removed.has(expected.projectId)) expectations.delete(id);
    }
  }

  private addStepEvent(event: Pick<StoredAuditRow, "seq" | "entityId" | "runId" | "projectId" | "actorName" | "after">): void {
    const after = parseObject(event.after);
    // Approvals and holds record only the version they moved; the state stays what it was.
    if (!after || typeof after.status !== "string") return;
    const previous = this.steps.get(event.entityId)?.state ?? PENDING_STEP;
    const startedAt = text(after.startedAt);
    const signedOffById = text(after.signedOffById);
    this.steps.set(event.entityId, {
      state: {
        status: after.status,
        startedAt,
        // Whoever first gave the step a start time started it (Start, or Done/Go straight from pending).
        startedByName: startedAt === null ? null : previous.startedAt !== null ? previous.startedByName : event.actorName,
        finishedAt: text(after.finishedAt),
        signedOffById,
        // Done, Skip, Fail and a gate decision sign off in the name of whoever did it.
        signedOffByName: signedOffById === null ? null : event.actorName,
        signedOffAt: text(after.signedOffAt),
        note: text(after.note) ?? "",
        reason: text(after.reason) ?? "",
        gateDecision: text(after.gateDecision),
      },
      seq: event.seq,
      label: typeof after.stepTitle === "string" ? after.stepTitle : event.entityId,
      runId: event.runId,
      projectId: event.projectId,
    });
  }

  private addRunEvent(event: Pick<StoredAuditRow, "seq" | "action" | "entityId" | "projectId" | "after">): void {
    const after = parseObject(event.after);
    if (!after) return;
    const known = this.runs.get(event.entityId);
    if (event.action === "run.start") {
      this.runs.set(event.entityId, { state: { status: "ACTIVE", mode: "FORWARD", endedAt: null }, seq: event.seq, label: text(after.name) ?? event.entityId, runId: event.entityId, projectId: event.projectId });
      return;
    }
    // A run from before its start was recorded (not the case in this app) has nothing to compare with.
    if (!known) return;
    const status = typeof after.status === "string" ? after.status : null;
    const mode = typeof after.mode === "string" ? after.mode : null;
    if (status === null && mode === null) return;
    known.state = { status: status ?? known.state.status, mode: mode ?? known.state.mode, endedAt: status !== null && "endedAt" in after ? text(after.endedAt) : known.state.endedAt };
    known.seq = event.seq;
  }
}

export interface StateDifference {
  field: string;
  row: string | null;
  events: string | null;
}

function same(field: string, row: string | null, events: string | null): boolean {
  if (row === null || events === null) return row === events;
  // Rows store "…+00:00", events ISO "…Z": compare the instants.
  if (TIME_FIELDS.has(field)) return new Date(row).getTime() === new Date(events).getTime();
  return row === events;
}

export function differences<F extends string>(fields: readonly F[], row: Record<F, string | null>, expected: Record<F, string | null>): StateDifference[] {
  return fields.filter((f) => !same(f, row[f], expected[f])).map((field) => ({ field, row: row[field], events: expected[field] }));
}

export const stepFields = STEP_FIELDS;
export const runFields = RUN_FIELDS;
export const pendingStep = PENDING_STEP;
