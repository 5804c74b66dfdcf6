/**
 * Dependency-graph helpers over "step → its predecessors" edges. Pure, so the plan editor and the
 * unit tests share them.
 */
export type PredecessorMap = ReadonlyMap<string, readonly string[]>;

/** A cycle as a list of ids (first = last), or null. Iterative DFS: plans can have hundreds of steps. */
export function findCycle(predecessors: PredecessorMap): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const start of predecessors.keys()) {
    if (state.has(start)) continue;
    const stack: { id: string; next: number }[] = [{ id: start, next: 0 }];
    const path: string[] = [start];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const preds = predecessors.get(top.id) ?? [];
      if (top.next < preds.length) {
        const pred = preds[top.next++];
        const seen = state.get(pred);
        if (seen === 1) return [...path.slice(path.indexOf(pred)), pred];
        if (seen === undefined) {
          state.set(pred, 1);
          stack.push({ id: pred, next: 0 });
          path.push(pred);
        }
      } else {
        state.set(top.id, 2);
        stack.pop();
        path.pop();
      }
    }
  }
  return null;
}
