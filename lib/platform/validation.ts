import { z } from "zod";

/**
 * The building blocks of every feature's input schemas (lib/<feature>/schemas.ts). Those are
 * strict: unknown keys are rejected, so a forged request can't smuggle fields (a projectId, a
 * status) past the boundary.
 */
export const id = z.string().trim().min(1, "Required.").max(64, "Too long.");

/**
 * Characters no text field takes. NUL and the other C0/C1 controls are invisible, cut strings
 * short in SQLite functions and break CSV cells; bidirectional overrides, embeddings, isolates and
 * marks make a title or a copyable command display in another order than it runs (Trojan Source).
 * Refused at the boundary with a message, so nothing stored can lie on the screen or in a PDF.
 * Multi-line fields (descriptions, details, commands, notes) may hold tab and line breaks.
 */
const CONTROL_SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function codePointName(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why `value` can't be stored as text (a control or bidirectional character, named), or null. */
export function unsafeCharacterProblem(value: string, options: { multiline?: boolean } = {}): string | null {
  const control = (options.multiline ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE).exec(value);
  if (control) {
    return control[0] === "\u0000"
      ? "contains a NUL character (U+0000); remove it."
      : `contains the control character ${codePointName(control[0])}${options.multiline ? "" : " (a single line: no tabs or line breaks)"}; remove it.`;
  }
  const bidi = BIDI_CONTROL.exec(value);
  if (bidi) return `contains the bidirectional control character ${codePointName(bidi[0])}, which makes text display in another order than it is stored; remove it.`;
  return null;
}

/** Refuses control and bidirectional characters (see above) in a string schema. */
export function safeCharacters<T extends z.ZodType<string>>(schema: T, label: string, options: { multiline?: boolean } = {}) {
  return schema.superRefine((value, ctx) => {
    const problem = unsafeCharacterProblem(value, options);
    if (problem) ctx.addIssue({ code: "custom", message: `${label} ${problem}` });
  });
}

/**
 * Every free-text field: trimmed, bounded, and free of control and bidirectional characters.
 * Single-line by default (names, titles, labels); `multiline` for descriptions, commands, notes.
 */
export const text = (label: string, max: number, options: { multiline?: boolean } = {}) =>
  safeCharacters(z.string().trim().max(max, `${label} must be at most ${max} characters.`), label, options);
export const requiredText = (label: string, max: number, options: { multiline?: boolean } = {}) =>
  safeCharacters(z.string().trim().min(1, `${label} is required.`).max(max, `${label} must be at most ${max} characters.`), label, options);

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


/** The dates the app takes: a migration window, a tap time. Anything outside is a typo or an attack. */
export const EARLIEST_DATE = new Date(Date.UTC(2000, 0, 1));
export const LATEST_DATE = new Date(Date.UTC(2101, 0, 1) - 1);

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** Why an ISO 8601 date-time string isn't a real moment in 2000–2100, or null. No coercion: "2026-02-30" is refused, not moved to March. */
export function dateTimeProblem(value: string): string | null {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return "Not a valid date and time (ISO 8601 with a time zone, e.g. 2026-05-02T22:00:00Z).";
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number);
  if (month < 1 || month > 12) return `There is no month ${m[2]}.`;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) return `${m[1]}-${m[2]} has no day ${m[3]}.`;
  if (hour > 23 || minute > 59 || second > 59) return "Not a valid time of day.";
  if (m[8] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return "Not a valid time zone offset.";
  const time = new Date(value).getTime();
  if (!Number.isFinite(time) || time < EARLIEST_DATE.getTime() || time > LATEST_DATE.getTime()) return "Dates must be between 2000-01-01 and 2100-12-31.";
  return null;
}

/**
 * Every date field of a JSON body: an ISO 8601 string with a time zone, a real calendar day,
 * between 2000-01-01 and 2100-12-31. Numbers, booleans and other shapes are refused rather than
 * coerced. (A Date object, from server code, is held to the same range.)
 */
export const isoDate = z
  .union([z.string(), z.date()], { error: "Not a valid date and time." })
  .superRefine((value, ctx) => {
    const problem = typeof value === "string" ? dateTimeProblem(value) : dateProblem(value);
    // continue: false, so that object-level checks (a window's end after its start) never see the unparsed string.
    if (problem) ctx.addIssue({ code: "custom", message: problem, continue: false });
  })
  .transform((value) => new Date(value));

function dateProblem(value: Date): string | null {
  const time = value.getTime();
  if (!Number.isFinite(time)) return "Not a valid date and time.";
  return time < EARLIEST_DATE.getTime() || time > LATEST_DATE.getTime() ? "Dates must be between 2000-01-01 and 2100-12-31." : null;
}

/** A positive whole number from a query string ("2"), without coercion: "1e3", " 2", "0x10" are refused. */
export const queryInt = (options: { min: number; max?: number }) =>
  z
    .string()
    .regex(/^\d{1,9}$/, "Must be a whole number.")
    .transform(Number)
    .pipe(z.number().int().min(options.min).max(options.max ?? 1_000_000_000));
/** Set by the offline queue so a retried request is applied once. */
export const idempotencyKeyField = z.string().trim().min(8).max(100).optional();
/** When the operator actually tapped (offline queue); the server bounds it. */
export const occurredAtField = isoDate.optional();

export const email = z.string().trim().toLowerCase().email("Not a valid email address.").max(200);
export const password = z.string().min(10, "Use at least 10 characters.").max(200, "Too long.");

/**
 * An update schema from a create schema's shape: every field optional and WITHOUT its default.
 * zod's .partial() keeps defaults, which would silently reset every omitted field on a PATCH.
 */
export function partialWithoutDefaults<T extends z.ZodRawShape>(shape: T) {
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

// ---------------------------------------------------------------- answers every feature gives (the API description)

/** A created or changed resource's id. */
export const createdId = z.object({ id: z.string() });

/** A change that has nothing else to say. */
export const okResult = z.object({ ok: z.literal(true) });
