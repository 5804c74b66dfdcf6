import { describe, expect, it } from "vitest";
import { findCycle, type PredecessorMap } from "@/lib/platform/graph";

const graph = (edges: Record<string, string[]>): PredecessorMap => new Map(Object.entries(edges));

/** A returned cycle must be closed and follow real "step → predecessor" edges. */
function expectValidCycle(cycle: string[] | null, edges: PredecessorMap) {
  expect(cycle).not.toBeNull();
  const path = cycle!;
  expect(path.length).toBeGreaterThanOrEqual(2);
  expect(path[0]).toBe(path[path.length - 1]);
  const missingEdges: string[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    if (!(edges.get(path[i]) ?? []).includes(path[i + 1])) missingEdges.push(`${path[i]} → ${path[i + 1]}`);
  }
  expect(missingEdges, "consecutive ids that are not an edge").toEqual([]);
  // A simple cycle: no node repeats except the closing one.
  expect(new Set(path.slice(0, -1)).size).toBe(path.length - 1);
}

describe("findCycle", () => {
  it("empty graph: no cycle", () => {
    expect(findCycle(new Map())).toBeNull();
  });

  it("a DAG with parallel branches and a diamond has no cycle", () => {
    // 1 → 2 → {3, 4} → 5 (join), 6 in parallel with 3..5, 7 joins everything.
    const edges = graph({
      "1": [],
      "2": ["1"],
      "3": ["2"],
      "4": ["2"],
      "5": ["3", "4"],
      "6": ["2"],
      "7": ["5", "6", "1"],
    });
    expect(findCycle(edges)).toBeNull();
  });

  it("predecessors that are not keys of the map are treated as leaves", () => {
    expect(findCycle(graph({ a: ["external"], b: ["a", "external"] }))).toBeNull();
  });

  it("self-loop", () => {
    const edges = graph({ a: [], b: ["b"] });
    const cycle = findCycle(edges);
    expect(cycle).toEqual(["b", "b"]);
    expectValidCycle(cycle, edges);
  });

  it("2-cycle", () => {
    const edges = graph({ a: ["b"], b: ["a"] });
    const cycle = findCycle(edges);
    expectValidCycle(cycle, edges);
    expect(cycle).toHaveLength(3);
    expect(new Set(cycle)).toEqual(new Set(["a", "b"]));
  });

  it("long cycle reached through an acyclic prefix returns only the cycle", () => {
    // entry → x0 → x1 → ... → x9 → x0
    const edges: Record<string, string[]> = { entry: ["x0"] };
    for (let i = 0; i < 10; i++) edges[`x${i}`] = [`x${(i + 1) % 10}`];
    const map = graph(edges);
    const cycle = findCycle(map);
    expectValidCycle(cycle, map);
    expect(cycle).toHaveLength(11);
    expect(cycle).not.toContain("entry");
  });

  it("finds a cycle hidden behind an already-explored acyclic branch", () => {
    const edges = graph({
      start: ["left", "right"],
      left: ["base"],
      base: [],
      right: ["base", "loop1"],
      loop1: ["loop2"],
      loop2: ["loop3"],
      loop3: ["loop1"],
    });
    const cycle = findCycle(edges);
    expectValidCycle(cycle, edges);
    expect(new Set(cycle)).toEqual(new Set(["loop1", "loop2", "loop3"]));
  });

  it("handles a long chain without recursion limits", () => {
    const n = 50_000;
    const edges = new Map<string, string[]>();
    for (let i = 0; i < n; i++) edges.set(`s${i}`, i === 0 ? [] : [`s${i - 1}`]);
    expect(findCycle(edges)).toBeNull();
    edges.set("s0", [`s${n - 1}`]);
    const cycle = findCycle(edges);
    expectValidCycle(cycle, edges);
    expect(cycle).toHaveLength(n + 1);
  });
});
