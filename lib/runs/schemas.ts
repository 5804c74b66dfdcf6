import { z } from "zod";
import { idempotencyKeyField, occurredAtField, requiredText, text } from "../platform/validation";
import { RUN_KINDS, RUN_MODES, RUN_STATUSES, STEP_ACTIONS, STEP_KINDS, STEP_STATUSES } from "./model";

export const stepActionInput = z
  .object({
    action: z.enum(STEP_ACTIONS),
    note: text("Note", 2000, { multiline: true }).default(""),
    reason: text("Reason", 2000, { multiline: true }).default(""),
    /** Done on a step that asks for values: the values, by field key. */
    fields: z.record(text("A value's key", 60), text("The value", 500, { multiline: true })).default({}),
    /** Done on a fleet step whose clients aren't all done: why it is signed off anyway. */
    exceptionReason: text("Reason", 2000, { multiline: true }).default(""),
    /** The version the operator saw; a mismatch means someone else acted first. */
    expectedVersion: z.number().int().positive().optional(),
    idempotencyKey: idempotencyKeyField,
    occurredAt: occurredAtField,
  })
  .strict();

export const gateDecisionInput = z
  .object({
    decision: z.enum(["GO", "NO_GO"]),
    note: requiredText("A note", 2000, { multiline: true }),
    expectedVersion: z.number().int().positive().optional(),
    idempotencyKey: idempotencyKeyField,
  })
  .strict();

/** An admin says why; the signer undoing their own within two minutes may leave it empty. */
export const undoSignOffInput = z.object({ reason: text("Reason", 2000, { multiline: true }).default("") }).strict();

export const startRunInput = z
  .object({
    kind: z.enum(["REHEARSAL", "LIVE"]),
    name: text("Name", 120).default(""),
  })
  .strict();

export const applyPlanInput = z
  .object({
    reason: requiredText("Reason", 2000, { multiline: true }),
    /** The plan version the admin reviewed; if the plan moved on since, nothing is applied. */
    expectedPlanVersion: z.number().int().positive(),
  })
  .strict();

/** Abort a run, or end a rehearsal early: the reason goes into the record. */
export const endRunInput = z.object({ reason: requiredText("Reason", 2000, { multiline: true }) }).strict();

// ---------------------------------------------------------------- responses (the API description)

/** What a step action, a gate decision or an undo answers: the step's state in the run after it. */
export const stepActionResult = z
  .object({
    stepId: z.string(),
    runId: z.string(),
    status: z.enum(STEP_STATUSES),
    /** The step run's version: send it back as `expectedVersion` to act only on this state. */
    version: z.number().int(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    signedOffBy: z.string().nullable(),
    /** True when this answer repeats an earlier one for the same idempotency key: nothing was done twice. */
    replayed: z.boolean().optional(),
  });


/** What an undo of a sign-off answers: the step's status and version after it. */
export const stepStatusResult = z.object({ status: z.enum(STEP_STATUSES), version: z.number().int() });

/** What aborting a run or ending a rehearsal early answers. */
export const endRunResult = z.object({ status: z.enum(["ABORTED", "COMPLETED"]), endedAt: z.string().describe("ISO 8601") });

const planFieldChange = z.object({ field: z.string(), before: z.string(), after: z.string() });
const planDiffChange = z.enum(["added", "removed", "changed"]);

/** What changed in the plan since a run froze its copy (lib/plan/snapshot.ts PlanDiff), or null. */
export const runPlanDriftResult = z.object({
  drift: z
    .object({
      runVersion: z.number().int().describe("The plan version the run's copy was taken from (or last brought up to)."),
      planVersion: z.number().int(),
      diff: z.object({
        steps: z.array(z.object({ id: z.string(), title: z.string(), change: planDiffChange, fields: z.array(planFieldChange) })),
        phases: z.array(z.object({ id: z.string(), title: z.string(), change: planDiffChange, fields: z.array(z.object({ field: z.enum(["title", "description", "inWindow", "position"]), before: z.string(), after: z.string() })) })),
        empty: z.boolean(),
      }),
      startedStepIds: z.array(z.string()).describe("Steps of the diff that have started in this run: a change won't reach them."),
    })
    .nullable()
    .describe("null: nothing changed, or the run has ended."),
});

/** What applying the plan's changes to a run answers. */
export const applyPlanResult = z.object({
  planVersion: z.number().int(),
  planHash: z.string(),
  applied: z.number().int(),
  kept: z.array(z.object({ stepId: z.string(), title: z.string() })).describe("Changed or removed steps that had already started: they kept what the run recorded."),
});

export const FORECAST_VERDICTS = ["on_track", "at_risk", "overrun", "finished"] as const;

/** A run's state for scripts and `runsheet run status`. */
export const runStatusResult = z.object({
  run: z.object({ id: z.string(), name: z.string(), kind: z.enum(RUN_KINDS), status: z.enum(RUN_STATUSES), mode: z.enum(RUN_MODES), windowStart: z.string(), windowEnd: z.string() }),
  project: z.object({ id: z.string(), name: z.string() }),
  progress: z.object({ steps: z.number().int(), done: z.number().int(), skipped: z.number().int(), failed: z.number().int(), inProgress: z.number().int(), pending: z.number().int() }),
  forecast: z.object({ finishAt: z.string(), remainingMinutes: z.number(), slackMinutes: z.number(), verdict: z.enum(FORECAST_VERDICTS) }).nullable().describe("null once the run has ended."),
  steps: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      phase: z.string(),
      kind: z.enum(STEP_KINDS),
      isFleet: z.boolean(),
      status: z.enum(STEP_STATUSES),
      version: z.number().int().describe("Send it back as `expectedVersion` to act only on this state."),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
      signedOffBy: z.string().nullable(),
      evidence: z.array(z.object({ name: z.string(), sha256: z.string(), client: z.string().nullable() })),
    }),
  ),
});

/** A file attached as evidence. */
export const evidenceResult = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  createdAt: z.string(),
  replayed: z.literal(true).optional().describe("The same file was attached to this step before: that attachment, nothing stored twice."),
});
