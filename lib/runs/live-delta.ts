// Parsed in the browser: zod must not probe for eval there (the page's CSP forbids it).
import "../platform/zod-jitless";
import { z } from "zod";

/**
 * What one live event changed, as the project's event stream sends it (lib/runs/live-delta-builder.ts
 * builds it on the server, once per event for every watcher) and the run page applies it. A page
 * patches its state from a "step" delta, re-reads its fleet panels on a "fleet" delta, and
 * re-renders from the server only for the rest, or when `prevSeq` shows it missed an event.
 */
const iso = z.string().nullable();

export const liveStepState = z.object({
  /** The plan step's id (the run board's key). */
  stepId: z.string(),
  status: z.enum(["PENDING", "IN_PROGRESS", "DONE", "SKIPPED", "FAILED"]),
  version: z.number().int(),
  startedAt: iso,
  finishedAt: iso,
  startedBy: z.string().nullable(),
  signedOffBy: z.string().nullable(),
  signedOffAt: iso,
  note: z.string(),
  reason: z.string(),
  fieldValues: z.record(z.string(), z.string()),
  fleetLine: z.string().nullable(),
});
export type LiveStepState = z.infer<typeof liveStepState>;

export const liveDelta = z.object({
  seq: z.number().int(),
  /** This project's event before this one: a page that last applied an older one missed something. */
  prevSeq: z.number().int(),
  at: z.string(),
  action: z.string(),
  runId: z.string().nullable(),
  actorName: z.string(),
  kind: z.enum(["step", "fleet", "gate", "run", "plan", "other"]),
  step: liveStepState.optional(),
  fleet: z.object({ stepId: z.string().nullable() }).optional(),
  run: z.object({ status: z.string().optional(), mode: z.string().optional(), endedAt: z.string().nullable().optional() }).optional(),
});
export type LiveDelta = z.infer<typeof liveDelta>;

/** Step actions whose delta carries the step's new state. */
export const STEP_DELTA_ACTIONS = new Set(["step.start", "step.done", "step.skip", "step.fail", "step.undo_signoff"]);

/** The actions of the plan (not of a run): a run page shows them as a drift banner, so it re-renders. */
export function isPlanAction(action: string): boolean {
  return /^(step\.(create|update|delete|move)|phase\.|plan\.)/.test(action);
}
