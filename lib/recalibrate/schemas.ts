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
