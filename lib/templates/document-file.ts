import type { z } from "zod";
import { RUN_EXPORT_FORMAT, runExportSchema } from "../exports/run-export-schema";
import { runbookDocumentSchema, type RunbookDocument } from "./runbook-document";

/**
 * Reads an uploaded JSON file that holds a plan: a runbook document ("runsheet.runbook", what
 * templates are stored as) or the run export of issue 5 ("runsheet.run-export", version 1,
 * checked with lib/exports/run-export-schema.ts; its `plan` is a runbook document). Pure: the
 * browser previews with it, and the server re-checks the plan it is sent.
 */
export type ExportedProjectFields = Partial<z.infer<typeof runExportSchema>["project"]>;

export type RunbookFileResult =
  | { ok: true; kind: "runbook" | "run-export"; document: RunbookDocument; project: ExportedProjectFields | null }
  | { ok: false; errors: string[] };

export const MAX_RUNBOOK_FILE_CHARS = 5_000_000;

export function readRunbookFile(text: string): RunbookFileResult {
  if (text.length > MAX_RUNBOOK_FILE_CHARS) return { ok: false, errors: [`The file is larger than ${MAX_RUNBOOK_FILE_CHARS / 1_000_000} MB.`] };
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    return { ok: false, errors: [`The file is not valid JSON (${error instanceof Error ? error.message : "parse error"}).`] };
  }
  const format = typeof value === "object" && value !== null ? (value as { format?: unknown }).format : undefined;
  if (format === RUN_EXPORT_FORMAT) {
    const exported = runExportSchema.safeParse(value);
    if (!exported.success) return { ok: false, errors: issuesOf(exported.error, "") };
    return { ok: true, kind: "run-export", document: exported.data.plan, project: exported.data.project };
  }
  if (format === "runsheet.runbook") {
    const document = runbookDocumentSchema.safeParse(value);
    if (!document.success) return { ok: false, errors: issuesOf(document.error, "") };
    return { ok: true, kind: "runbook", document: document.data, project: null };
  }
  return { ok: false, errors: ['This is not a Runsheet file: expected "format": "runsheet.runbook" (a template) or "runsheet.run-export" (a run export).'] };
}

/** "plan.phases.2.steps.0.title: Too small…" — readable enough to find the spot in the file. */
export function issuesOf(error: z.ZodError, prefix: string): string[] {
  return error.issues.slice(0, 50).map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
}
