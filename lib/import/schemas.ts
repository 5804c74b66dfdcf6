import { z } from "zod";
import { text } from "../platform/validation";
import { MAX_IMPORT_CHARS, stepImportOptionsSchema } from "./steps";

export const importStepsInput = z
  .object({
    csv: z.string().min(1, "The file is empty.").max(MAX_IMPORT_CHARS, `The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB; split it.`),
    fileName: text("File name", 200).default(""),
    options: stepImportOptionsSchema,
  })
  .strict();
