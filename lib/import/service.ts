import "server-only";
import { recordPlanVersion } from "../plan/versions";
import type { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { canEditPlan, type ActingUser } from "../platform/auth/permissions";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { listUsersWithAssignability } from "../projects/assignees";
import { instantiateRunbook } from "../projects/service";
import { newTeamNames, spellTeamTexts } from "../teams/model";
import { listTeamOptions } from "../teams/queries";
import type { importStepsInput } from "./schemas";
import { PlanFileError, planFromText, readPlanFile, type PlanFile } from "./read-plan-file";
import { defaultImportOptions, formatImportError, validateStepImport, type StepImportOptions, type StepImportResult } from "./steps";

/**
 * What the import preview checks against: the active users (owners are matched by name or
 * email), the project's phase names (merge hint) and its window (the forecast). Admins only.
 */
export async function getImportContext(options: { actor: ActingUser; projectId: string }) {
  if (!canEditPlan(options.actor)) throw new ForbiddenError("Only admins can import steps.");
  const project = await prisma.project.findUnique({
    where: { id: options.projectId },
    select: { windowStart: true, windowEnd: true, timezone: true, phases: { orderBy: { position: "asc" }, select: { title: true } } },
  });
  if (!project) throw new NotFoundError("Project");
  const users = await listUsersWithAssignability({ projectId: options.projectId });
  return {
    emails: users.map((u) => u.email),
    users: users.map((u) => ({ email: u.email, name: u.name, ...(u.problem ? { problem: u.problem } : {}) })),
    teams: (await listTeamOptions()).map((t) => t.name),
    phaseTitles: project.phases.map((p) => p.title),
    window: { start: project.windowStart.toISOString(), end: project.windowEnd.toISOString(), timezone: project.timezone },
  };
}

const phaseKey = (title: string) => title.replace(/\s+/g, " ").trim().toLowerCase();

type ImportStepsInput = z.infer<typeof importStepsInput>;

/** The request's file as the importer's table: CSV text, or bytes that may be an .xlsx. A file that can't be read is a 400 with one message. */
async function readImportFile(input: ImportStepsInput): Promise<PlanFile> {
  if (input.csv !== undefined) return planFromText(input.csv);
  try {
    return await readPlanFile({ bytes: new Uint8Array(Buffer.from(input.base64 ?? "", "base64")), sheet: input.sheet });
  } catch (error) {
    if (error instanceof PlanFileError) throw new ValidationError(error.message, { file: [error.message] });
    throw error;
  }
}

/** What a dry run answers: the preview the dialog shows, as data. */
function previewOf(plan: PlanFile, options: StepImportOptions, result: StepImportResult, knownTeams: readonly string[]) {
  const newTeams = newTeamNames(result.rows.map((r) => r.team), knownTeams);
  const teamTexts = spellTeamTexts(result.rows.map((r) => r.team), knownTeams);
  return {
    dryRun: true as const,
    format: plan.format,
    sheets: plan.sheets,
    sheetName: plan.sheetName,
    headers: plan.headers,
    options,
    mapping: Object.fromEntries(Object.entries(options.mapping).filter(([, column]) => column !== null && column !== undefined).map(([field, column]) => [field, { column, header: plan.headers[column!] ?? "" }])),
    // The preview rows as the dialog shows them, each team as it will be stored (canonical team set).
    steps: result.rows.map((row, index) => ({ ...row, team: teamTexts[index] })),
    phases: result.phases,
    // Unknown team names become teams when the file is imported; the preview says so first.
    warnings: [...newTeams.map((name) => ({ row: null, message: `New team: ${name} (created when you import).` })), ...result.warnings],
    newTeams,
    errors: result.errors,
    totalPlannedMinutes: result.totals.plannedMinutes,
    criticalPathMinutes: result.totals.criticalPathMinutes,
    windowCriticalPathMinutes: result.totals.windowCriticalPathMinutes,
    unmatchedOwners: result.unmatchedOwners,
    headerlessColumns: result.headerless,
    canImport: result.document !== null,
  };
}

/**
 * Imports steps from a plan file (CSV text or .xlsx bytes) into a project, all or nothing. The
 * server reads and checks the file again (the browser's preview is a convenience, not a trust
 * boundary), with the active users' emails read in the same transaction. Without options the
 * columns are guessed as the dialog guesses them; with `dryRun` nothing is written and the
 * preview is returned.
 *
 * Phases: a CSV phase whose name matches an existing phase of the project (case and spacing
 * ignored) adds its steps to the END of that phase, so "Cutover window" in the sheet means the
 * project's cutover window, not a second phase of the same name. Other phases are appended
 * after the existing ones, in the order the file first names them. Predecessors refer only to
 * rows of the file.
 */
export async function importStepsFromCsv(options: { actor: ActingUser; projectId: string; input: ImportStepsInput }) {
  const { actor, input } = options;
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can import steps.");
  const parsed = await readImportFile(input);
  const importOptions = input.options ?? defaultImportOptions(parsed);
  if (input.dryRun) {
    const context = await getImportContext({ actor, projectId: options.projectId });
    const result = validateStepImport({ parsed, options: importOptions, knownEmails: context.emails, knownUsers: context.users, existingPhaseTitles: context.phaseTitles, name: input.fileName || "CSV import" });
    return previewOf(parsed, importOptions, result, context.teams);
  }
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, include: { phases: { orderBy: { position: "asc" }, select: { id: true, title: true, position: true } } } });
    if (!project) throw new NotFoundError("Project");
    const users = await listUsersWithAssignability({ projectId: project.id, db: tx });
    const result = validateStepImport({
      parsed,
      options: importOptions,
      knownEmails: users.map((u) => u.email),
      knownUsers: users.map((u) => ({ email: u.email, name: u.name, problem: u.problem })),
      existingPhaseTitles: project.phases.map((p) => p.title),
      name: input.fileName || "CSV import",
    });
    if (!result.document) {
      const fieldErrors: Record<string, string[]> = {};
      for (const error of result.errors) (fieldErrors[error.row === null ? "_" : `rows.${error.row}`] ??= []).push(error.column ? `${error.column[0].toUpperCase()}${error.column.slice(1)}: ${error.message}` : error.message);
      const badRows = new Set(result.errors.map((e) => e.row).filter((r) => r !== null)).size;
      const lead = badRows > 0 ? `${badRows} row${badRows === 1 ? " has" : "s have"} problems` : "The file has problems";
      throw new ValidationError(`Nothing was imported: ${lead}. ${result.errors.slice(0, 5).map(formatImportError).join(" ")}`, fieldErrors);
    }

    const lastPosition = project.phases.at(-1)?.position ?? 0;
    const teamsBefore = new Set((await tx.team.findMany({ select: { key: true } })).map((t) => t.key));
    const idByKey = await instantiateRunbook(tx, { projectId: project.id, document: result.document, actor, via: `import of ${input.fileName || "a file"}`, auditTeams: false });
    const createdTeams = (await tx.team.findMany({ select: { name: true, key: true }, orderBy: { key: "asc" } })).filter((t) => !teamsBefore.has(t.key)).map((t) => t.name);
    const created = await tx.phase.findMany({ where: { projectId: project.id, position: { gt: lastPosition } }, orderBy: { position: "asc" }, select: { id: true, title: true } });
    const existingByKey = new Map(project.phases.map((p) => [phaseKey(p.title), p]));
    const merged: string[] = [];
    for (const phase of created) {
      const target = existingByKey.get(phaseKey(phase.title));
      if (!target) continue;
      const last = await tx.step.findFirst({ where: { phaseId: target.id }, orderBy: { position: "desc" }, select: { position: true } });
      const steps = await tx.step.findMany({ where: { phaseId: phase.id }, orderBy: { position: "asc" }, select: { id: true } });
      let position = last?.position ?? 0;
      for (const step of steps) await tx.step.update({ where: { id: step.id }, data: { phaseId: target.id, position: ++position } });
      await tx.phase.delete({ where: { id: phase.id } });
      merged.push(target.title);
    }

    // Only people who can act in this project; the check above kept viewers as owner text already.
    const userIdByEmail = new Map(users.filter((u) => u.problem === null).map((u) => [u.email.toLowerCase(), u.id]));
    const stepIdsByUser = new Map<string, string[]>();
    for (const [key, email] of Object.entries(result.assigneeEmails)) {
      const userId = userIdByEmail.get(email);
      if (!userId) continue;
      stepIdsByUser.set(userId, [...(stepIdsByUser.get(userId) ?? []), idByKey.get(key)!]);
    }
    for (const [assigneeId, ids] of stepIdsByUser) await tx.step.updateMany({ where: { id: { in: ids } }, data: { assigneeId } });

    const stepIds = [...idByKey.values()];

    const summary = {
      source: parsed.format,
      fileName: input.fileName,
      ...(parsed.sheetName ? { sheet: parsed.sheetName } : {}),
      stepCount: stepIds.length,
      // What the file left to guess (ranges, "TBD", no duration column), so the record shows the plan wasn't fully estimated.
      warningCount: result.warnings.length,
      warnings: result.warnings.slice(0, 50).map(formatImportError),
      rowOrder: importOptions.rowOrder ?? "sequence",
      predecessorsBy: importOptions.predecessorsBy,
      phases: result.phases.map((p) => ({ title: p.title, stepCount: p.stepCount, plannedMinutes: p.plannedMinutes, addedToExisting: p.existing, inWindow: p.inWindow })),
      // Owners the file names that are no active user: kept as text in the steps, listed here for the record.
      unmatchedOwners: result.unmatchedOwners.slice(0, 50).map((o) => o.owner),
      createdTeams,
      ignoredColumns: result.headerless.filter((c) => c.ignored).map((c) => c.label),
      stepIds,
    };
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "plan.import",
      entityType: "project",
      entityId: project.id,
      before: { phaseCount: project.phases.length },
      after: summary,
    });
    await recordPlanVersion(tx, { projectId: project.id, actor: actor });
    return { stepCount: stepIds.length, phaseCount: result.phases.length, mergedInto: merged, createdTeams };
  });
}
