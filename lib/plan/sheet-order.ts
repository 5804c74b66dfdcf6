/**
 * Plan order for the sheet's moves, pastes and bulk deletes. Pure and client-safe: the browser
 * uses it to work out what "up" and "down" mean, the server to decide what a move does to the
 * predecessor links.
 *
 * What a move means for predecessors. Position is the order people read; predecessor links are
 * what a run waits for. Real plans are mostly sequential: a step depends on the step right above
 * it (the step dialog and the import default to that). Such a link is an *order link*: it says
 * "after the row above", so when the row above changes because of a move, the link follows the
 * new order (the step now depends on its new row above, and the step that followed a moved step
 * now follows the moved step's old row above). Any other link is explicit and kept as it is; a
 * move that would put a step above one of its explicit predecessors is refused, naming both, so
 * a reorder never silently breaks a dependency.
 */

export interface PhaseOrder {
  id: string;
  stepIds: string[];
}

/** Every step of the plan in reading order. */
export const flatOrder = (phases: readonly PhaseOrder[]): string[] => phases.flatMap((p) => p.stepIds);

/**
 * The phases after moving `moved` (in that order, as one block) into `phaseId`, before
 * `beforeStepId` or at the end of the phase. Throws a plain Error with a user-facing message on
 * an impossible target; the server turns it into a 400.
 */
export function moveBlock(phases: readonly PhaseOrder[], options: { moved: readonly string[]; phaseId: string; beforeStepId: string | null }): PhaseOrder[] {
  const moving = new Set(options.moved);
  if (options.beforeStepId !== null && moving.has(options.beforeStepId)) throw new Error("A step can't be moved before itself.");
  const out = phases.map((p) => ({ id: p.id, stepIds: p.stepIds.filter((id) => !moving.has(id)) }));
  const target = out.find((p) => p.id === options.phaseId);
  if (!target) throw new Error("Choose a phase of this project.");
  const index = options.beforeStepId === null ? target.stepIds.length : target.stepIds.indexOf(options.beforeStepId);
  if (index < 0) throw new Error("The step to move before is not in that phase.");
  target.stepIds.splice(index, 0, ...options.moved);
  return out;
}

/**
 * Where "Move up" / "Move down" takes a block of selected steps (the first selected step's phase
 * decides): up puts it before the step above its first step (or at the end of the previous
 * phase when it is already at the top); down after the step below its last step (or at the top
 * of the next phase). Null when it can't go further.
 */
export function shiftTarget(phases: readonly PhaseOrder[], options: { moved: readonly string[]; direction: "up" | "down" }): { phaseId: string; beforeStepId: string | null } | null {
  const moving = new Set(options.moved);
  const phaseIndex = phases.findIndex((p) => p.stepIds.some((id) => moving.has(id)));
  if (phaseIndex < 0) return null;
  const phase = phases[phaseIndex];
  const rest = phase.stepIds.filter((id) => !moving.has(id));
  const first = phase.stepIds.findIndex((id) => moving.has(id));
  // Index in `rest` where the block sits now.
  const at = phase.stepIds.slice(0, first).filter((id) => !moving.has(id)).length;
  if (options.direction === "up") {
    if (at > 0) return { phaseId: phase.id, beforeStepId: rest[at - 1] };
    const previous = phases[phaseIndex - 1];
    return previous ? { phaseId: previous.id, beforeStepId: null } : null;
  }
  const sameSpot = at + 1 > rest.length;
  if (!sameSpot) return { phaseId: phase.id, beforeStepId: at + 1 < rest.length ? rest[at + 1] : null };
  const next = phases[phaseIndex + 1];
  if (!next) return null;
  return { phaseId: next.id, beforeStepId: next.stepIds.filter((id) => !moving.has(id))[0] ?? null };
}

/**
 * The predecessor links after the plan order went from `before` to `after`: a step whose row
 * above changed and that depended on its old row above now depends on its new row above instead
 * (see the top of this file). Steps only in `after` (just pasted) keep what they were given.
 */
export function rethread(options: { before: readonly string[]; after: readonly string[]; deps: ReadonlyMap<string, readonly string[]> }): Map<string, string[]> {
  const aboveBefore = new Map(options.before.map((id, i) => [id, i > 0 ? options.before[i - 1] : null]));
  const out = new Map<string, string[]>();
  options.after.forEach((id, i) => {
    const preds = [...(options.deps.get(id) ?? [])];
    const above = i > 0 ? options.after[i - 1] : null;
    const was = aboveBefore.get(id);
    if (was === undefined || was === above || was === null || !preds.includes(was)) {
      out.set(id, preds);
      return;
    }
    const next = preds.filter((p) => p !== was);
    if (above !== null && !next.includes(above)) next.push(above);
    out.set(id, next);
  });
  return out;
}

/**
 * Links that point down the plan after the change but didn't before: a step placed above one of
 * its predecessors. Each as [step, predecessor].
 */
export function newOrderViolations(options: { before: readonly string[]; after: readonly string[]; oldDeps: ReadonlyMap<string, readonly string[]>; newDeps: ReadonlyMap<string, readonly string[]> }): [string, string][] {
  const indexBefore = new Map(options.before.map((id, i) => [id, i]));
  const indexAfter = new Map(options.after.map((id, i) => [id, i]));
  const out: [string, string][] = [];
  for (const [step, preds] of options.newDeps) {
    for (const pred of preds) {
      if ((indexAfter.get(pred) ?? -1) < (indexAfter.get(step) ?? -1)) continue;
      const wasLinked = (options.oldDeps.get(step) ?? []).includes(pred);
      const wasDown = wasLinked && (indexBefore.get(pred) ?? -1) > (indexBefore.get(step) ?? -1);
      if (!wasDown) out.push([step, pred]);
    }
  }
  return out;
}

/**
 * The links after deleting `deleted`: a step that waited for a deleted step now waits for what
 * the deleted step waited for, so "C after B after A" without B is "C after A", not "C whenever".
 */
export function spliceDeleted(deps: ReadonlyMap<string, readonly string[]>, deleted: ReadonlySet<string>): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  const resolve = (id: string, seen: Set<string>): string[] => {
    const cached = resolved.get(id);
    if (cached) return cached;
    if (seen.has(id)) return [];
    seen.add(id);
    const out = [...new Set((deps.get(id) ?? []).flatMap((p) => (deleted.has(p) ? resolve(p, seen) : [p])))];
    resolved.set(id, out);
    return out;
  };
  const out = new Map<string, string[]>();
  for (const id of deps.keys()) if (!deleted.has(id)) out.set(id, resolve(id, new Set()));
  return out;
}
