/**
 * Helpers for e2e/fleet.spec.ts: client lists to import, the fleet step of a project, the fleet
 * panel on the run page and the per-status counts as stored.
 */
import type { E2eDatabase } from "./support/e2e-database";
import type { Locator } from "@playwright/test";
import type { PlanStep, RunBoard, TestProject } from "./fixtures";

export type FleetStatus = "PENDING" | "UPDATED" | "VERIFIED" | "FAILED";

/** bpplclients output (with its header) for `count` clients named `<prefix>-0001`…; every fourth one is Windows. */
export function bpplclientsText(prefix: string, count: number, start = 1): string {
  const lines = ["Hardware         OS               Client", "---------------  ---------------  ---------------"];
  for (let i = start; i < start + count; i++) {
    const name = `${prefix}-${String(i).padStart(4, "0")}`;
    lines.push(i % 4 === 0 ? `PC-x64           Windows2008      ${name}` : `Solaris          Solaris10        ${name}`);
  }
  return lines.join("\n") + "\n";
}

/** The project's fleet step (the template has exactly one: "Check every client's connectivity"). */
export function fleetStepOf(db: E2eDatabase, project: TestProject): PlanStep {
  const row = db.prepare(`SELECT id FROM step WHERE projectId = ? AND isFleet = 1 ORDER BY position LIMIT 1`).get(project.id) as { id: string } | undefined;
  if (!row) throw new Error(`Project ${project.name} has no fleet step`);
  const step = project.steps.find((s) => s.id === row.id);
  if (!step) throw new Error(`Fleet step ${row.id} is not in the plan`);
  return step;
}

/** Stored per-status counts of one fleet step in one run (statuses with no rows are 0). */
export function fleetCounts(db: E2eDatabase, runId: string, stepId: string): Record<FleetStatus, number> {
  const rows = db.prepare(`SELECT status, count(*) AS n FROM fleet_client_run WHERE runId = ? AND stepId = ? GROUP BY status`).all(runId, stepId) as { status: FleetStatus; n: number }[];
  const counts: Record<FleetStatus, number> = { PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** The fleet panel inside a step's card on the run page. */
export function fleetPanel(board: RunBoard, step: PlanStep): Locator {
  return board.card(step).getByRole("group", { name: "Fleet clients", exact: true });
}

/** A status chip of the panel, by its accessible name: "Updated: 500 clients". */
export function countChip(panel: Locator, label: "All" | "Pending" | "Updated" | "Verified" | "Failed", count: string): Locator {
  return panel.getByRole("button", { name: `${label}: ${count} client${count === "1" ? "" : "s"}`, exact: true });
}
