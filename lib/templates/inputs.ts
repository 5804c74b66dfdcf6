import { z } from "zod";
import { runbookDocumentSchema } from "./runbook-document";
import { MAX_IMPORT_CHARS, stepImportOptionsSchema } from "../import/steps";

/**
 * Request bodies of the template, import and recalibration routes. Strict like lib/platform/validation.ts;
 * kept here because they reference runbookDocumentSchema, and lib/templates/runbook-document.ts imports
 * lib/platform/validation.ts (a cycle if validation.ts imported it back).
 */
const name = z.string().trim().min(1, "Name is required.").max(200, "Name must be at most 200 characters.");
const description = z.string().trim().max(5000, "Description must be at most 5000 characters.");

export const createTemplateInput = z
  .object({
    name,
    description: description.default(""),
    document: runbookDocumentSchema,
  })
  .strict();

export const updateTemplateInput = z
  .object({
    name: name.optional(),
    description: description.optional(),
    document: runbookDocumentSchema.optional(),
    /** The updatedAt the editor loaded; a mismatch means another admin saved in between. */
    expectedUpdatedAt: z.iso.datetime({ offset: true }),
  })
  .strict();

export const saveAsTemplateInput = z
  .object({
    name,
    description: description.default(""),
    /** Replace this saved template's plan (and name, description) instead of creating a new template. */
    replaceTemplateId: z.string().trim().min(1).max(64).optional(),
  })
  .strict();

export const importStepsInput = z
  .object({
    csv: z.string().min(1, "The file is empty.").max(MAX_IMPORT_CHARS, `The file is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB; split it.`),
    fileName: z.string().trim().max(200).default(""),
    options: stepImportOptionsSchema,
  })
  .strict();
