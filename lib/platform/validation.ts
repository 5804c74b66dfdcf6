import { z } from "zod";

/**
 * The building blocks of every feature's input schemas (lib/<feature>/schemas.ts). Those are
 * strict: unknown keys are rejected, so a forged request can't smuggle fields (a projectId, a
 * status) past the boundary.
 */
export const id = z.string().trim().min(1, "Required.").max(64, "Too long.");

export const text = (label: string, max: number) =>
  z.string().trim().max(max, `${label} must be at most ${max} characters.`);
export const requiredText = (label: string, max: number) => text(label, max).min(1, `${label} is required.`);

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


export const isoDate = z.coerce.date({ error: "Not a valid date and time." });
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
