import { z } from "zod";
import { MAX_STEP_MINUTES } from "../plan/model";
import { id } from "../platform/validation";
import { RECALIBRATION_BASES } from "./model";

export const recalibrationQuery = z
  .object({
    basis: z.enum(RECALIBRATION_BASES),
    /** Rehearsals to learn from; empty or absent = every rehearsal with actuals. */
    runIds: z.array(id).max(100).default([]),
  })
  .strict();

export const applyRecalibrationInput = recalibrationQuery
  .extend({
    /** The preview the admin confirmed: applied only if the server computes exactly the same. */
    expected: z
      .array(z.object({ stepId: id, version: z.number().int().positive(), newMinutes: z.number().int().min(0).max(MAX_STEP_MINUTES) }).strict())
      .min(1, "Nothing to apply.")
      .max(5000),
  })
  .strict();

/** The GET route's query string: ?basis=last|median|worst&runs=id1,id2 (absent basis: median). */
export const recalibrationSearchParams = z
  .object({
    basis: z.enum(RECALIBRATION_BASES).default("median"),
    runs: z
      .string()
      .default("")
      .transform((runs) => runs.split(",").filter(Boolean))
      .pipe(z.array(id).max(100)),
  })
  .strict()
  .transform(({ basis, runs }) => ({ basis, runIds: runs }));

// ---------------------------------------------------------------- responses (the API description)

const minutes = z.number();

/** The rehearsal comparison and the recalibration preview (GET …/recalibrate). */
export const recalibrationPreviewResult = z.object({
  comparison: z.object({
    rehearsals: z
      .array(z.object({ id: z.string(), name: z.string(), status: z.string().describe("ACTIVE while still in progress: left out unless chosen."), startedAt: z.string(), endedAt: z.string().nullable(), measuredSteps: z.number().int() }))
      .describe("Rehearsals with at least one measured step, newest first."),
    windowMinutes: minutes,
    steps: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        title: z.string(),
        plannedMinutes: minutes,
        version: z.number().int(),
        actuals: z.record(z.string(), minutes).describe("Actual minutes by run id: only measurements that can teach the plan."),
        outliers: z.record(z.string(), z.object({ minutes, reason: z.enum(["clicked-through", "under-a-fifth"]) })).optional().describe("Measurements left out of every proposal, by run id, with why."),
        phaseTitle: z.string(),
        kind: z.string(),
        inWindow: z.boolean(),
        predecessorIds: z.array(z.string()),
      }),
    ),
  }),
  runIds: z.array(z.string()).describe("The rehearsals the proposal learns from."),
  basis: z.enum(RECALIBRATION_BASES),
  rows: z
    .array(
      z.object({
        stepId: z.string(),
        number: z.string(),
        title: z.string(),
        version: z.number().int(),
        currentMinutes: minutes,
        newMinutes: minutes,
        change: minutes,
        samples: z.array(minutes.nullable()).describe("The actuals the proposal came from, newest rehearsal first."),
      }),
    )
    .describe("The steps whose plan would change, in plan order; send them back as `expected` to apply."),
  notice: z.string().nullable(),
  windowEffect: z.object({ windowMinutes: minutes, beforeMinutes: minutes, afterMinutes: minutes }).describe("The critical path inside the window with today's minutes and with the proposed ones."),
});

export const recalibrationAppliedResult = z.object({ changed: z.number().int(), totalChange: z.number().describe("Minutes added to (or, negative, taken from) the plan.") });
