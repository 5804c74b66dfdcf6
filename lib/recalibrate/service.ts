import "server-only";
import { recordPlanVersion } from "../plan/versions";
import { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, ValidationError } from "../platform/errors";
import { canEditPlan, type ActingUser } from "../platform/auth/permissions";
import { defaultRehearsalIds, planRecalibration, windowEffect, type RehearsalComparison } from "./model";
import { getRehearsalComparison, loadComparison } from "./queries";
import type { applyRecalibrationInput, recalibrationQuery } from "./schemas";

const ONLY_IN_PROGRESS = "The rehearsals with measurements are still in progress, so none is used unless you choose it: tick a rehearsal to learn from it anyway.";

/**
 * Selected rehearsals, newest first; unknown or unmeasured run ids are refused rather than
 * ignored. With none chosen: the rehearsals that have ended (one still in progress has measured
 * only its easy first steps, and would pull the plan toward them).
 */
function selectRehearsals(comparison: RehearsalComparison, runIds: readonly string[]): string[] {
  if (comparison.rehearsals.length === 0) throw new ValidationError("No rehearsal has measured a step yet. Run a rehearsal (start and finish steps), then recalibrate.");
  if (runIds.length === 0) {
    const ended = defaultRehearsalIds(comparison.rehearsals);
    if (ended.length === 0) throw new ValidationError(ONLY_IN_PROGRESS, { runIds: [ONLY_IN_PROGRESS] });
    return ended;
  }
  const known = new Set(comparison.rehearsals.map((r) => r.id));
  const unknown = runIds.filter((r) => !known.has(r));
  if (unknown.length > 0) throw new ValidationError("Choose rehearsals of this project that have measured steps.", { runIds: ["Unknown rehearsal."] });
  const chosen = new Set(runIds);
  return comparison.rehearsals.filter((r) => chosen.has(r.id)).map((r) => r.id);
}

export async function previewRecalibration(options: { projectId: string; input: z.infer<typeof recalibrationQuery> }) {
  const comparison = await getRehearsalComparison({ projectId: options.projectId });
  const onlyInProgress = comparison.rehearsals.length > 0 && options.input.runIds.length === 0 && defaultRehearsalIds(comparison.rehearsals).length === 0;
  const runIds = comparison.rehearsals.length > 0 && !onlyInProgress ? selectRehearsals(comparison, options.input.runIds) : [];
  const rows = planRecalibration({ steps: comparison.steps, runIds, basis: options.input.basis });
  return {
    comparison,
    runIds,
    basis: options.input.basis,
    rows,
    notice: onlyInProgress ? ONLY_IN_PROGRESS : null,
    windowEffect: windowEffect({ steps: comparison.steps, rows, windowMinutes: comparison.windowMinutes }),
  };
}

const changeKey = (r: { stepId: string; version: number; newMinutes: number }) => `${r.stepId}:${r.version}:${r.newMinutes}`;

/**
 * Applies a recalibration: one transaction updating every changed step's planned minutes
 * (version bumped, conditional on the version the preview showed) and one `plan.recalibrate`
 * audit event with before/after per step. If the plan or the actuals moved since the preview,
 * nothing is changed and the admin reviews the new preview.
 */
export async function applyRecalibration(options: { actor: ActingUser; projectId: string; input: z.infer<typeof applyRecalibrationInput> }) {
  const { actor, input } = options;
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can recalibrate the plan.");
  return runTransaction(async (tx) => {
    // Read inside the transaction (SQLite has one writer), so the check and the writes see one state.
    const comparison = await loadComparison(tx, options.projectId);
    const runIds = selectRehearsals(comparison, input.runIds);
    const rows = planRecalibration({ steps: comparison.steps, runIds, basis: input.basis });
    if (rows.length === 0) throw new ValidationError("Nothing to recalibrate: every measured step already matches its plan.");
    const expected = new Set(input.expected.map(changeKey));
    if (expected.size !== rows.length || rows.some((row) => !expected.has(changeKey({ stepId: row.stepId, version: row.version, newMinutes: row.newMinutes })))) {
      throw new ConflictError("The plan or the rehearsal actuals changed since the preview. Nothing was changed; review the new preview.");
    }
    for (const row of rows) {
      const updated = await tx.step.updateMany({
        where: { id: row.stepId, version: row.version, plannedMinutes: row.currentMinutes },
        data: { plannedMinutes: row.newMinutes, version: { increment: 1 } },
      });
      if (updated.count === 0) throw new ConflictError(`Step ${row.number} changed since the preview. Nothing was changed; review the new preview.`);
    }
    const rehearsals = comparison.rehearsals.filter((r) => runIds.includes(r.id)).map((r) => ({ id: r.id, name: r.name }));
    await appendAuditEvent(tx, {
      actor,
      projectId: options.projectId,
      action: "plan.recalibrate",
      entityType: "project",
      entityId: options.projectId,
      before: { steps: rows.map((r) => ({ stepId: r.stepId, number: r.number, title: r.title, plannedMinutes: r.currentMinutes })) },
      after: {
        basis: input.basis,
        rehearsals,
        steps: rows.map((r) => ({ stepId: r.stepId, number: r.number, title: r.title, plannedMinutes: r.newMinutes, samples: r.samples })),
      },
    });
    await recordPlanVersion(tx, { projectId: options.projectId, actor: actor });
    return { changed: rows.length, totalChange: rows.reduce((sum, r) => sum + r.change, 0) };
  });
}
