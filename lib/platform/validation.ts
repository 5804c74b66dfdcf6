import { z } from "zod";
import { ROLES } from "./auth/roles";
import { FLEET_ACTIONS, STEP_ACTIONS, STEP_KINDS } from "../runs/model";
import { IMPORTED_PLAN, isTemplateRef } from "../templates/ids";

/**
 * Input schemas for every mutation. Strict: unknown keys are rejected, so a forged request
 * can't smuggle fields (a projectId, a status) past the boundary.
 */
export const id = z.string().trim().min(1, "Required.").max(64, "Too long.");

const text = (label: string, max: number) =>
  z.string().trim().max(max, `${label} must be at most ${max} characters.`);
const requiredText = (label: string, max: number) => text(label, max).min(1, `${label} is required.`);

export const hostname = z
  .string()
  .trim()
  .min(1, { message: "Host name is required.", abort: true })
  .max(253, "Host name is too long.")
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/, "Not a valid host name.");

export const timezone = z
  .string()
  .trim()
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return tz.length > 0;
    } catch {
      return false;
    }
  }, "Unknown time zone.");

const MAX_WINDOW_DAYS = 14;
export const MAX_STEP_MINUTES = 24 * 60;

const isoDate = z.coerce.date({ error: "Not a valid date and time." });
/** Set by the offline queue so a retried request is applied once. */
export const idempotencyKeyField = z.string().trim().min(8).max(100).optional();
/** When the operator actually tapped (offline queue); the server bounds it. */
export const occurredAtField = isoDate.optional();

export const projectFields = z
  .object({
    name: requiredText("Name", 120),
    description: text("Description", 5000).default(""),
    sourceHost: hostname,
    targetHost: hostname,
    product: requiredText("Product", 60).default("NetBackup"),
    hostnameStrategy: z.enum(["KEEP", "RENAME"], { error: "Choose keep or rename." }),
    mediaServers: z.array(hostname).max(50).default([]),
    timezone,
    windowStart: isoDate,
    windowEnd: isoDate,
  })
  .strict();

function checkWindow(value: { windowStart?: Date; windowEnd?: Date; sourceHost?: string; targetHost?: string; hostnameStrategy?: string }, ctx: z.RefinementCtx) {
  if (value.windowStart && value.windowEnd) {
    if (value.windowEnd.getTime() <= value.windowStart.getTime()) {
      ctx.addIssue({ code: "custom", path: ["windowEnd"], message: "The window must end after it starts." });
    } else if (value.windowEnd.getTime() - value.windowStart.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      ctx.addIssue({ code: "custom", path: ["windowEnd"], message: `A downtime window can't be longer than ${MAX_WINDOW_DAYS} days.` });
    }
  }
}

export const createProjectInput = projectFields
  .extend({
    /** "empty", a built-in template id, a saved template's id, or "import" with `document` (lib/templates/ids.ts). */
    template: z
      .string()
      .trim()
      .refine(isTemplateRef, "Choose a template, an empty plan or an imported file.")
      .default("netbackup-keep-hostname"),
    /**
     * The plan of an imported file, only with template "import". createProject checks it against
     * runbookDocumentSchema: lib/templates/runbook-document.ts imports this module, so it can't be named here.
     */
    document: z.unknown().optional(),
  })
  .strict()
  .superRefine(checkWindow)
  .superRefine((value, ctx) => {
    if (value.template === IMPORTED_PLAN && value.document === undefined) ctx.addIssue({ code: "custom", path: ["document"], message: "Choose the file to import." });
    if (value.template !== IMPORTED_PLAN && value.document !== undefined) ctx.addIssue({ code: "custom", path: ["document"], message: 'A document is only accepted with template "import".' });
  });

export const PROJECT_STATUSES = ["PLANNING", "REHEARSAL", "LIVE", "COMPLETED", "ROLLED_BACK", "CANCELLED"] as const;

export const updateProjectInput = z.lazy(() =>
  partialWithoutDefaults({ ...projectFields.shape, status: z.enum(PROJECT_STATUSES) })
    .strict()
    .superRefine(checkWindow),
);

export const phaseInput = z
  .object({
    title: requiredText("Title", 200),
    description: text("Description", 5000).default(""),
  })
  .strict();

export const updatePhaseInput = z.lazy(() => partialWithoutDefaults(phaseInput.shape).strict());

export const stepFields = z
  .object({
    phaseId: id,
    title: requiredText("Title", 200),
    details: text("Details", 20_000).default(""),
    commands: text("Commands", 20_000).default(""),
    verification: text("Verification", 5000).default(""),
    team: text("Team", 60).default(""),
    assigneeId: id.nullable().default(null),
    plannedMinutes: z.coerce
      .number({ error: "Planned minutes must be a number." })
      .int("Planned minutes must be a whole number.")
      .min(0, "Planned minutes can't be negative.")
      .max(MAX_STEP_MINUTES, `A step can't be planned for more than ${MAX_STEP_MINUTES} minutes (24 h); split it.`),
    kind: z.enum(STEP_KINDS),
    isFleet: z.boolean().default(false),
    /** Only for fleet steps; a fleet step without one is "GENERIC". */
    fleetAction: z.enum(FLEET_ACTIONS, { error: "Choose what each client needs." }).nullable().default(null),
    predecessorIds: z.array(id).max(50, "Too many predecessors.").default([]),
  })
  .strict();

export const createStepInput = stepFields;
export const updateStepInput = z.lazy(() =>
  partialWithoutDefaults({ ...stepFields.shape, expectedVersion: z.number().int().positive() }).strict(),
);

export const moveInput = z.object({ direction: z.enum(["up", "down"]) }).strict();

export const stepActionInput = z
  .object({
    action: z.enum(STEP_ACTIONS),
    note: text("Note", 2000).default(""),
    reason: text("Reason", 2000).default(""),
    /** The version the operator saw; a mismatch means someone else acted first. */
    expectedVersion: z.number().int().positive().optional(),
    idempotencyKey: idempotencyKeyField,
    occurredAt: occurredAtField,
  })
  .strict();

export const gateDecisionInput = z
  .object({
    decision: z.enum(["GO", "NO_GO"]),
    note: requiredText("A note", 2000),
    expectedVersion: z.number().int().positive().optional(),
    idempotencyKey: idempotencyKeyField,
  })
  .strict();

export const undoSignOffInput = z.object({ reason: requiredText("Reason", 2000) }).strict();

export const startRunInput = z
  .object({
    kind: z.enum(["REHEARSAL", "LIVE"]),
    name: text("Name", 120).default(""),
  })
  .strict();

export const email = z.string().trim().toLowerCase().email("Not a valid email address.").max(200);
export const password = z.string().min(10, "Use at least 10 characters.").max(200, "Too long.");

export const createUserInput = z
  .object({
    name: requiredText("Name", 100),
    email,
    password,
    role: z.enum(ROLES),
  })
  .strict();

export const updateUserInput = z
  .object({
    role: z.enum(ROLES).optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const firstAdminInput = createUserInput.omit({ role: true }).strict();

/**
 * An update schema from a create schema's shape: every field optional and WITHOUT its default.
 * zod's .partial() keeps defaults, which would silently reset every omitted field on a PATCH.
 */
function partialWithoutDefaults<T extends z.ZodRawShape>(shape: T) {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : (schema as z.ZodType);
    out[key] = inner.optional();
  }
  return z.object(out as { [K in keyof T]: z.ZodOptional<z.ZodType<z.output<T[K]>>> });
}

/** zod issues as { field: [messages] } for forms. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "_";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
