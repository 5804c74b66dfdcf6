/**
 * Step numbers as people say them on the bridge call: forward steps 1, 2, 3… across phases in
 * plan order, rollback steps R1, R2…
 */
export function numberSteps(phases: readonly { steps: readonly { id: string; kind: string }[] }[]): Map<string, string> {
  const numbers = new Map<string, string>();
  let forward = 0;
  let rollback = 0;
  for (const phase of phases) {
    for (const step of phase.steps) {
      numbers.set(step.id, step.kind === "ROLLBACK" ? `R${++rollback}` : String(++forward));
    }
  }
  return numbers;
}
