import { z } from "zod";
import { MAX_GATE_APPROVERS, MAX_REQUIRED_FIELDS, MAX_STEP_MINUTES, NO_GO_OUTCOMES, REQUIRED_FIELD_TYPES } from "../plan/model";
import { FLEET_ACTIONS, STEP_KINDS } from "../runs/model";
import { safeCharacters } from "../platform/validation";
import { MAX_LAG_MINUTES, NOT_BEFORE_PATTERN } from "../plan/timing";

/** Document text: the same refusal of control and bidirectional characters as every form field. */
const line = (label: string, schema: z.ZodString) => safeCharacters(schema, label);
const lines = (label: string, schema: z.ZodString) => safeCharacters(schema, label, { multiline: true });

/**
 * A runbook as a portable, versioned document: built-in templates are written in it, saved
 * templates are stored in it, and the JSON export (issue 5) wraps it so it imports again.
 * Bump RUNBOOK_DOCUMENT_VERSION and add a migration path when the shape changes.
 */
export const RUNBOOK_DOCUMENT_VERSION = 1;

export const runbookStepSchema = z
  .object({
    /** Stable key within the document ("14", "R1"); predecessors refer to it. */
    key: line("Key", z.string().min(1).max(40)),
    title: line("Title", z.string().trim().min(1).max(200)),
    details: lines("Details", z.string().max(20_000)).default(""),
    commands: lines("Commands", z.string().max(20_000)).default(""),
    verification: lines("Verification", z.string().max(5000)).default(""),
    team: line("Team", z.string().max(60)).default(""),
    plannedMinutes: z.number().int().min(0).max(MAX_STEP_MINUTES),
    kind: z.enum(STEP_KINDS).default("TASK"),
    isFleet: z.boolean().default(false),
    fleetAction: z.enum(FLEET_ACTIONS).nullable().default(null),
    predecessors: z.array(z.string().max(40)).max(1000).default([]),
    /** Minutes to wait after a predecessor finishes, by its key ("15 min after 14"). Missing: none. */
    lags: z.record(z.string().max(40), z.number().int().min(0).max(MAX_LAG_MINUTES)).optional(),
    /** A fixed-time step: "HH:MM" on the project's clock, the first at or after the window start. Missing: none. */
    notBefore: z.string().regex(NOT_BEFORE_PATTERN, "Enter a time of day like 22:00 (24-hour, HH:MM).").optional(),
    /** Gates: what a No-Go does, the approvals (by role: a template names no people) and four-eyes. */
    noGoOutcome: z.enum(NO_GO_OUTCOMES).default("ROLLBACK"),
    gateApprovers: z
      .array(z.object({ kind: z.literal("role"), role: z.enum(["ADMIN", "OPERATOR"]) }).strict())
      .max(MAX_GATE_APPROVERS)
      .default([]),
    fourEyes: z.boolean().default(false),
    /** Values Done asks for. */
    requiredFields: z
      .array(z.object({ key: line("Key", z.string().min(1).max(60)), label: line("Label", z.string().min(1).max(80)), type: z.enum(REQUIRED_FIELD_TYPES), options: z.array(line("Option", z.string().min(1).max(60))).max(12).optional() }).strict())
      .max(MAX_REQUIRED_FIELDS)
      .default([]),
  })
  .strict();

export const runbookPhaseSchema = z
  .object({
    title: line("Title", z.string().trim().min(1).max(200)),
    description: lines("Description", z.string().max(5000)).default(""),
    inWindow: z.boolean().default(true),
    steps: z.array(runbookStepSchema).max(1000),
  })
  .strict();

export const runbookDocumentSchema = z
  .object({
    format: z.literal("runsheet.runbook"),
    version: z.literal(RUNBOOK_DOCUMENT_VERSION),
    name: line("Name", z.string().trim().min(1).max(200)),
    description: lines("Description", z.string().max(5000)).default(""),
    phases: z.array(runbookPhaseSchema).min(1).max(50),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const keys = new Set<string>();
    doc.phases.forEach((phase, p) =>
      phase.steps.forEach((step, s) => {
        if (keys.has(step.key)) ctx.addIssue({ code: "custom", path: ["phases", p, "steps", s, "key"], message: `Duplicate step key "${step.key}".` });
        keys.add(step.key);
      }),
    );
    doc.phases.forEach((phase, p) =>
      phase.steps.forEach((step, s) =>
        step.predecessors.forEach((key) => {
          if (!keys.has(key)) ctx.addIssue({ code: "custom", path: ["phases", p, "steps", s, "predecessors"], message: `Unknown predecessor "${key}".` });
        }),
      ),
    );
    doc.phases.forEach((phase, p) =>
      phase.steps.forEach((step, s) =>
        Object.keys(step.lags ?? {}).forEach((key) => {
          if (!step.predecessors.includes(key)) ctx.addIssue({ code: "custom", path: ["phases", p, "steps", s, "lags", key], message: `A lag after "${key}", which is not one of the step's predecessors.` });
        }),
      ),
    );
  });

export type RunbookDocument = z.infer<typeof runbookDocumentSchema>;
export type RunbookDocumentInput = z.input<typeof runbookDocumentSchema>;
