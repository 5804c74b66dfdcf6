import { z } from "zod";
import { id, partialWithoutDefaults, requiredText, text } from "../platform/validation";
import { FLEET_ACTIONS, STEP_KINDS } from "../runs/model";
import { MAX_LAG_MINUTES, NOT_BEFORE_PATTERN } from "./timing";
import { MAX_GATE_APPROVERS, MAX_REQUIRED_FIELDS, MAX_STEP_MINUTES, NO_GO_OUTCOMES, REQUIRED_FIELD_TYPES } from "./model";

/** A value to record at sign-off; its key is made from the label when saved. */
export const requiredFieldInput = z
  .object({
    label: requiredText("Label", 80),
    type: z.enum(REQUIRED_FIELD_TYPES, { error: "Choose text, number or choice." }),
    options: z.array(requiredText("Option", 60)).max(12, "At most 12 choices.").optional(),
  })
  .strict()
  .superRefine((field, ctx) => {
    if (field.type === "choice" && (field.options?.length ?? 0) < 2) ctx.addIssue({ code: "custom", path: ["options"], message: "A choice needs at least two options." });
  });

/** One approval a gate asks for: a role, or a person by user id (the name is looked up when saved). */
export const gateApproverInput = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("role"), role: z.enum(["ADMIN", "OPERATOR"], { error: "Choose admin or operator." }) }).strict(),
  z.object({ kind: z.literal("user"), userId: id }).strict(),
]);

export const phaseInput = z
  .object({
    title: requiredText("Title", 200),
    description: text("Description", 5000, { multiline: true }).default(""),
  })
  .strict();

export const updatePhaseInput = z.lazy(() => partialWithoutDefaults(phaseInput.shape).strict());

/** A lag after a predecessor: whole minutes, 0 to a day; a lead (negative) isn't supported. */
export const lagMinutes = z
  .number({ error: "A lag must be a number of minutes." })
  .int("A lag must be a whole number of minutes.")
  .min(0, "A lag can't be negative: a step can't start before its predecessor finishes.")
  .max(MAX_LAG_MINUTES, `A lag can't be longer than ${MAX_LAG_MINUTES} minutes (24 h).`);

/** "22:00": the time of day a fixed-time step may start, or "" for none. */
export const notBefore = z
  .string({ error: "Enter a time of day like 22:00." })
  .trim()
  .refine((value) => value === "" || NOT_BEFORE_PATTERN.test(value), "Enter a time of day like 22:00 (24-hour, HH:MM).");

export const stepFields = z
  .object({
    phaseId: id,
    title: requiredText("Title", 200),
    details: text("Details", 20_000, { multiline: true }).default(""),
    commands: text("Commands", 20_000, { multiline: true }).default(""),
    verification: text("Verification", 5000, { multiline: true }).default(""),
    team: text("Team", 60).default(""),
    assigneeId: id.nullable().default(null),
    // A number, not coerced: true, null or [] would otherwise be stored as 1, 0 and 0.
    plannedMinutes: z
      .number({ error: "Planned minutes must be a number." })
      .int("Planned minutes must be a whole number.")
      .min(0, "Planned minutes can't be negative.")
      .max(MAX_STEP_MINUTES, `A step can't be planned for more than ${MAX_STEP_MINUTES} minutes (24 h); split it.`),
    kind: z.enum(STEP_KINDS),
    isFleet: z.boolean().default(false),
    /** Only for fleet steps; a fleet step without one is "GENERIC". */
    fleetAction: z.enum(FLEET_ACTIONS, { error: "Choose what each client needs." }).nullable().default(null),
    predecessorIds: z.array(id).max(50, "Too many predecessors.").default([]),
    /** Minutes to wait after a predecessor finishes, by predecessor id (0 or missing: none). */
    predecessorLags: z.record(id, lagMinutes).default({}),
    /** A fixed-time step: "HH:MM" in the project's zone, or "" for none. */
    notBefore: notBefore.default(""),
    /** Gates only: what a No-Go does. */
    noGoOutcome: z.enum(NO_GO_OUTCOMES, { error: "Choose what a No-Go means." }).default("ROLLBACK"),
    /** Gates only: the approvals a Go needs (none: one decision from an admin or the assignee). */
    gateApprovers: z.array(gateApproverInput).max(MAX_GATE_APPROVERS, `At most ${MAX_GATE_APPROVERS} approvals.`).default([]),
    /** Gates only: the people who did the gated steps can't approve alone. */
    fourEyes: z.boolean().default(false),
    /** Values Done asks for ("media ID of the catalog backup"). */
    requiredFields: z.array(requiredFieldInput).max(MAX_REQUIRED_FIELDS, `At most ${MAX_REQUIRED_FIELDS} values.`).default([]),
  })
  .strict();

export const createStepInput = stepFields;
export const updateStepInput = z.lazy(() =>
  partialWithoutDefaults({ ...stepFields.shape, expectedVersion: z.number().int().positive() }).strict(),
);

export const moveInput = z.object({ direction: z.enum(["up", "down"]) }).strict();

// ---------- the plan sheet (inline edit, bulk actions, reorder, paste, undo) ----------

/** A step the client acted on, with the version it saw: a step changed since is a conflict, not overwritten. */
const seenStep = z.object({ id, version: z.number().int().positive() }).strict();
const seenSteps = z
  .array(seenStep)
  .min(1, "Select at least one step.")
  .max(500, "At most 500 steps at once.")
  .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, "A step is listed twice.");

export const bulkStepsInput = z
  .object({
    steps: seenSteps,
    change: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("assign"), assigneeId: id.nullable() }).strict(),
      z.object({ kind: z.literal("team"), team: text("Team", 60) }).strict(),
      z.object({ kind: z.literal("delete") }).strict(),
    ]),
  })
  .strict();

/** Moves a block of steps (in this order) into a phase, before a step of it or at its end. */
export const reorderStepsInput = z
  .object({
    steps: seenSteps,
    phaseId: id,
    beforeStepId: id.nullable(),
  })
  .strict();

/** Rows copied from a spreadsheet (tab-separated, with or without a header row), inserted into a phase. */
export const pasteStepsInput = z
  .object({
    text: z.string().max(200_000, "Paste at most 200 kB at once; use Import for whole plans."),
    phaseId: id,
    beforeStepId: id.nullable(),
  })
  .strict();

/** Undo the plan version the client saw as the newest (it must still be the newest). */
export const undoPlanEditInput = z.object({ version: z.number().int().positive() }).strict();

// ---------------------------------------------------------------- responses (the API description)

/** A changed step: send `version` back as `expectedVersion` with the next change. */
export const stepVersionResult = z.object({ id: z.string(), version: z.number().int() });

/** The plan version after a sheet edit: the undo button sends it back. */
export const planEditResult = z.object({ count: z.number().int(), planVersion: z.number().int() });

export const planReorderResult = z.object({ planVersion: z.number().int().nullable().describe("null when nothing moved (no new plan version)."), changed: z.number().int() });

export const planPasteResult = z.object({
  count: z.number().int(),
  stepIds: z.array(z.string()),
  planVersion: z.number().int(),
  createdTeams: z.array(z.string()).describe("Teams the pasted rows named that didn't exist yet."),
});

export const planUndoResult = z.object({ planVersion: z.number().int(), restoredVersion: z.number().int() });
