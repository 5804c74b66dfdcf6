/**
 * Events after which the chain's head is signed at once rather than within a few seconds: a run's
 * end, when the record goes to the change board and the people who could still add to it go home.
 */
const AT_ONCE = new Set(["run.complete", "run.rolled_back", "run.abort", "run.end_early"]);

export function anchorsAtOnce(action: string): boolean {
  return AT_ONCE.has(action);
}
