import { z } from "zod";
import { runbookDocumentSchema } from "./runbook-document";

/**
 * Request bodies of the template routes. Strict, like every feature's schemas.
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
