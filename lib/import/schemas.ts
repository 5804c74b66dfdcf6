import { z } from "zod";
import { text } from "../platform/validation";
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
