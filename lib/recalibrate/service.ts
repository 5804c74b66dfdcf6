import "server-only";
import { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { canEditPlan, type Actor } from "../platform/auth/permissions";
import { numberSteps } from "../plan/numbering";
import { id, MAX_STEP_MINUTES } from "../platform/validation";

/**
 * Rehearsals that teach the plan: what each rehearsal actually took per step, compared with the
 * plan, and "recalibrate" — set each step's planned minutes from the last rehearsal, the median
 * of several, or the worst of them. The forecast (lib/runs/service/forecast.ts) reads Step.plannedMinutes, so
 * it follows automatically.
 *
 * The maths (top of the file) is pure and unit-tested; the browser gets its results from the
 * GET route, so the preview and the apply always run the same code on the same data.
 */
type ActingUser = Actor & { name: string };

export const RECALIBRATION_BASES = ["last", "median", "worst"] as const;
export type RecalibrationBasis = (typeof RECALIBRATION_BASES)[number];

const MINUTE = 60_000;

// ---------------------------------------------------------------- pure maths

/**
 * Whole minutes a step took in one run, or null when the run didn't measure it. Only DONE steps
 * count (a skipped or failed step says nothing about how long the work takes). A step signed off
 * without being started has no duration (start = finish): that is not a measurement either.
 * Anything that took time is at least 1 minute, so rounding can't plan a real step at 0.
 */
export function actualMinutes(stepRun: { status: string; startedAt: Date | string | null; finishedAt: Date | string | null }): number | null {
  if (stepRun.status !== "DONE" || !stepRun.startedAt || !stepRun.finishedAt) return null;
  const ms = new Date(stepRun.finishedAt).getTime() - new Date(stepRun.startedAt).getTime();
  if (!(ms > 0)) return null;
  return Math.min(MAX_STEP_MINUTES, Math.max(1, Math.round(ms / MINUTE)));
}

/** The middle value; for an even count the mean of the two middle values, rounded (x.5 up). */
export function medianMinutes(values: readonly number[]): number {
  if (values.length === 0) throw new Error("medianMinutes of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

/**
 * The new plan for one step from its actuals in the chosen rehearsals, newest rehearsal first
 * (null where that rehearsal didn't measure the step). Null means "keep the plan".
 * "last" uses only the newest chosen rehearsal: a step it didn't measure keeps its plan.
 */
export function proposeMinutes(samples: readonly (number | null)[], basis: RecalibrationBasis): number | null {
  if (basis === "last") return samples[0] ?? null;
  const measured = samples.filter((v): v is number => v !== null);
  if (measured.length === 0) return null;
  return basis === "worst" ? Math.max(...measured) : medianMinutes(measured);
}

export interface RecalibrationStepInput {
  id: string;
  number: string;
  title: string;
  plannedMinutes: number;
  version: number;
  /** Actual minutes by run id. */
  actuals: Record<string, number>;
}

export interface RecalibrationRow {
  stepId: string;
  number: string;
  title: string;
  version: number;
  currentMinutes: number;
  newMinutes: number;
  change: number;
  /** The actuals the proposal came from, newest rehearsal first. */
  samples: (number | null)[];
}

/** The steps whose plan would change, in plan order. Steps without actuals, or already right, are left out. */
export function planRecalibration(options: { steps: readonly RecalibrationStepInput[]; runIds: readonly string[]; basis: RecalibrationBasis }): RecalibrationRow[] {
  const rows: RecalibrationRow[] = [];
  for (const step of options.steps) {
    const samples = options.runIds.map((runId) => step.actuals[runId] ?? null);
    const proposed = proposeMinutes(samples, options.basis);
    if (proposed === null || proposed === step.plannedMinutes) continue;
    rows.push({
      stepId: step.id,
      number: step.number,
      title: step.title,
      version: step.version,
      currentMinutes: step.plannedMinutes,
      newMinutes: proposed,
      change: proposed - step.plannedMinutes,
      samples,
    });
  }
  return rows;
}

// ---------------------------------------------------------------- data

export interface ComparisonRehearsal {
  id: string;
  name: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  measuredSteps: number;
}

export interface ComparisonStep extends RecalibrationStepInput {
  phaseTitle: string;
  kind: string;
}

export interface RehearsalComparison {
  /** Rehearsals with at least one measured step, newest first. */
  rehearsals: ComparisonRehearsal[];
  /** Every step of the plan, in plan order. */
  steps: ComparisonStep[];
}

/** Loads the plan and every rehearsal's measured steps in two queries. */
export async function getRehearsalComparison(options: { projectId: string }): Promise<RehearsalComparison> {
  return loadComparison(prisma, options.projectId);
}

async function loadComparison(db: Pick<Tx, "project" | "run">, projectId: string): Promise<RehearsalComparison> {
  const project = await db.project.findUnique({
    where: { id: projectId },
    select: {
      id: true,
      phases: {
        orderBy: { position: "asc" },
        select: { title: true, steps: { orderBy: { position: "asc" }, select: { id: true, title: true, kind: true, plannedMinutes: true, version: true } } },
      },
    },
  });
  if (!project) throw new NotFoundError("Project");
  const runs = await db.run.findMany({
    where: { projectId: project.id, kind: "REHEARSAL" },
    orderBy: [{ startedAt: "desc" }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      status: true,
      startedAt: true,
      endedAt: true,
      stepRuns: { where: { status: "DONE" }, select: { stepId: true, status: true, startedAt: true, finishedAt: true } },
    },
  });
  const numbers = numberSteps(project.phases.map((p) => ({ steps: p.steps })));
  const actualsByStep = new Map<string, Record<string, number>>();
  const rehearsals: ComparisonRehearsal[] = [];
  for (const run of runs) {
    let measured = 0;
    for (const stepRun of run.stepRuns) {
      const minutes = actualMinutes(stepRun);
      if (minutes === null) continue;
      measured += 1;
      const actuals = actualsByStep.get(stepRun.stepId) ?? {};
      actuals[run.id] = minutes;
      actualsByStep.set(stepRun.stepId, actuals);
    }
    if (measured > 0) {
      rehearsals.push({ id: run.id, name: run.name, status: run.status, startedAt: run.startedAt.toISOString(), endedAt: run.endedAt?.toISOString() ?? null, measuredSteps: measured });
    }
  }
  const steps = project.phases.flatMap((phase) =>
    phase.steps.map((step) => ({
      id: step.id,
      number: numbers.get(step.id)!,
      title: step.title,
      phaseTitle: phase.title,
      kind: step.kind,
      plannedMinutes: step.plannedMinutes,
      version: step.version,
      actuals: actualsByStep.get(step.id) ?? {},
    })),
  );
  return { rehearsals, steps };
}

export const recalibrationQuery = z
  .object({
    basis: z.enum(RECALIBRATION_BASES),
    /** Rehearsals to learn from; empty or absent = every rehearsal with actuals. */
    runIds: z.array(id).max(100).default([]),
  })
  .strict();

export const applyRecalibrationInput = recalibrationQuery
  .extend({
    /** The preview the admin confirmed: applied only if the server computes exactly the same. */
    expected: z
      .array(z.object({ stepId: id, version: z.number().int().positive(), newMinutes: z.number().int().min(0).max(MAX_STEP_MINUTES) }).strict())
      .min(1, "Nothing to apply.")
      .max(5000),
  })
  .strict();

/** Selected rehearsals, newest first; unknown or unmeasured run ids are refused rather than ignored. */
function selectRehearsals(comparison: RehearsalComparison, runIds: readonly string[]): string[] {
  if (comparison.rehearsals.length === 0) throw new ValidationError("No rehearsal has measured a step yet. Run a rehearsal (start and finish steps), then recalibrate.");
  if (runIds.length === 0) return comparison.rehearsals.map((r) => r.id);
  const known = new Set(comparison.rehearsals.map((r) => r.id));
  const unknown = runIds.filter((r) => !known.has(r));
  if (unknown.length > 0) throw new ValidationError("Choose rehearsals of this project that have measured steps.", { runIds: ["Unknown rehearsal."] });
  const chosen = new Set(runIds);
  return comparison.rehearsals.filter((r) => chosen.has(r.id)).map((r) => r.id);
}

export async function previewRecalibration(options: { projectId: string; input: z.infer<typeof recalibrationQuery> }) {
  const comparison = await getRehearsalComparison({ projectId: options.projectId });
  const runIds = comparison.rehearsals.length > 0 ? selectRehearsals(comparison, options.input.runIds) : [];
  return { comparison, runIds, basis: options.input.basis, rows: planRecalibration({ steps: comparison.steps, runIds, basis: options.input.basis }) };
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
    return { changed: rows.length, totalChange: rows.reduce((sum, r) => sum + r.change, 0) };
  });
}
