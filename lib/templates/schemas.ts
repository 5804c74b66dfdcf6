import { z } from "zod";
import { id, requiredText, text } from "../platform/validation";
import { runbookDocumentSchema } from "./runbook-document";

/**
 * Request bodies of the template routes. Strict, like every feature's schemas.
 */
const name = requiredText("Name", 200);
const description = text("Description", 5000, { multiline: true });

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
    replaceTemplateId: id.optional(),
  })
  .strict();

// ---------------------------------------------------------------- responses (the API description)

/** The library's names, for pickers. */
export const templateListResult = z.object({ templates: z.array(z.object({ id: z.string(), builtIn: z.boolean(), name: z.string(), description: z.string() })) });

/** A changed template: send `updatedAt` back as `expectedUpdatedAt` with the next change. */
export const templateUpdatedResult = z.object({ id: z.string(), updatedAt: z.string() });
