/**
 * Whether an imported phase happens before, inside or after the downtime window, from its words:
 * "(Before the Window)", "Preparation", "Pre-checks" are before; "(After Cutover)", "Post-checks",
 * "Hypercare" after; everything else (the cutover itself, a rollback section) inside. Only a
 * first guess: the preview has a switch per phase.
 */
export type PhaseWindowGuess = "before" | "inside" | "after";

const BEFORE = /\b(before|prior|prep|preps|prepare|preparing|preparation|preparations|preparatory|planning|prerequisites?|pre|readiness|rehearsal)\b|\bpre-|\bpre(check|cutover|migration|work|stage|staging)/;
const AFTER = /\b(after|post|hypercare|aftercare|follow-?up|stabili[sz]ation|closure|close-?out|handover|cleanup|clean-up|decommission\w*)\b|\bpost-|\bpost(check|cutover|migration|work)/;

export function guessPhaseWindow(title: string): PhaseWindowGuess {
  const text = title.toLowerCase();
  const before = BEFORE.exec(text);
  const after = AFTER.exec(text);
  if (before && (!after || before.index <= after.index)) return "before";
  if (after) return "after";
  return "inside";
}

export const PHASE_WINDOW_LABELS: Record<PhaseWindowGuess, string> = {
  before: "before the window",
  inside: "in the window",
  after: "after the window",
};
