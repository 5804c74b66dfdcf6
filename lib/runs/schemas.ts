import { z } from "zod";
import { idempotencyKeyField, occurredAtField, requiredText, text } from "../platform/validation";
import { STEP_ACTIONS, STEP_STATUSES } from "./model";

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

/** A created resource's id. */
export const createdId = z.object({ id: z.string() });
