import { z } from "zod";
import { text } from "../platform/validation";
import { STEP_KINDS } from "../runs/model";
import { MAX_IMPORT_CHARS, stepImportOptionsSchema } from "./steps";

/** An .xlsx is zipped: 5 MB of it holds far more rows than an import takes (1,000). */
export const MAX_IMPORT_XLSX_BYTES = 5 * 1024 * 1024;
const MAX_BASE64_CHARS = Math.ceil(MAX_IMPORT_XLSX_BYTES / 3) * 4;

/**
 * The file alone is enough: `{ fileName, csv }` (text) or `{ fileName, base64 }` (the bytes of an
 * .xlsx, or of any file: what it is is read from the bytes). Without `options` the columns are
 * guessed as the import dialog guesses them. `dryRun` writes nothing and returns the preview.
 */
export const importStepsInput = z
  .object({
    csv: z.string().min(1, "The file is empty.").max(MAX_IMPORT_CHARS, `The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB; split it.`).optional(),
    base64: z
      .string()
      .min(1, "The file is empty.")
      .max(MAX_BASE64_CHARS, `The file is larger than ${MAX_IMPORT_XLSX_BYTES / 1024 / 1024} MB; split it.`)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "The file's bytes must be base64 (RFC 4648, no line breaks).")
      .optional(),
    fileName: text("File name", 200).default(""),
    /** The workbook's sheet to read; by default the first that looks like a plan. */
    sheet: text("Sheet", 200).optional(),
    options: stepImportOptionsSchema.optional(),
    dryRun: z.boolean().optional(),
  })
  .strict()
  .refine((body) => (body.csv === undefined) !== (body.base64 === undefined), { message: "Send the file as either csv (text) or base64 (bytes), not both and not neither.", path: ["csv"] });

// ---------------------------------------------------------------- responses (the API description)

/** The import dialog's context: who steps can be assigned to, the teams and phases, the window. */
export const importContextResult = z.object({
  emails: z.array(z.string()),
  users: z.array(z.object({ email: z.string(), name: z.string(), problem: z.string().optional().describe("Why steps can't be assigned to them (deactivated…).") })),
  teams: z.array(z.string()),
  phaseTitles: z.array(z.string()),
  window: z.object({ start: z.string(), end: z.string(), timezone: z.string() }),
});

const importRowError = z.object({
  row: z.number().int().nullable().describe("Data row number, or null for a problem with the file or the mapping."),
  column: z.string().nullable().optional().describe('The column it is about, as shown: column "Duration"; null when it is about the row or the file.'),
  message: z.string(),
});

/** `dryRun: true`: what would be imported, row by row, and what is wrong with it. */
const importPreview = z.object({
  dryRun: z.literal(true),
  format: z.enum(["csv", "xlsx"]),
  sheets: z.array(z.string()),
  sheetName: z.string().nullable(),
  headers: z.array(z.string()),
  options: stepImportOptionsSchema.describe("The options used (guessed when none were sent): send them back to import the same way."),
  mapping: z.record(z.string(), z.object({ column: z.number().int().nullable(), header: z.string() })),
  steps: z.array(
    z.object({
      row: z.number().int(),
      sheetRow: z.number().int(),
      id: z.string(),
      phase: z.string(),
      title: z.string(),
      assignee: z.string(),
      assigneeName: z.string(),
      owner: z.string(),
      plannedMinutes: z.number().nullable(),
      plannedTime: z.string(),
      kind: z.enum(STEP_KINDS).nullable(),
      predecessorRows: z.array(z.number().int()),
      predecessorFromRowOrder: z.boolean(),
      estimated: z.boolean(),
      errors: z.array(z.string()),
      warnings: z.array(z.string()),
      team: z.string(),
    }),
  ),
  phases: z.array(z.object({ title: z.string(), stepCount: z.number().int(), plannedMinutes: z.number(), existing: z.boolean(), windowGuess: z.enum(["before", "inside", "after"]), inWindow: z.boolean() })),
  warnings: z.array(importRowError),
  newTeams: z.array(z.string()),
  errors: z.array(importRowError),
  totalPlannedMinutes: z.number(),
  criticalPathMinutes: z.number().nullable(),
  windowCriticalPathMinutes: z.number().nullable(),
  unmatchedOwners: z.array(z.object({ owner: z.string(), rows: z.array(z.number().int()), ambiguous: z.boolean() })),
  headerlessColumns: z.array(z.object({ index: z.number().int(), label: z.string(), rows: z.array(z.number().int()), beyondHeader: z.boolean(), ignored: z.boolean() })),
  canImport: z.boolean(),
});

/** What was imported. */
const importDone = z.object({
  stepCount: z.number().int(),
  phaseCount: z.number().int(),
  mergedInto: z.array(z.string()).describe("Existing phases the file's steps were added to."),
  createdTeams: z.array(z.string()),
});

export const importStepsResult = z.union([importPreview, importDone]);
