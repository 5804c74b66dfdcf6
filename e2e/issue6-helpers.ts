/**
 * Helpers for the issue-6 specs (templates, CSV import, recalibration). Built on e2e/fixtures.ts.
 */
import AxeBuilder from "@axe-core/playwright";
import type { E2eDatabase } from "./support/e2e-database";
import type { Locator, Page } from "@playwright/test";
import { expect, type PlanStep, type RunsheetApi } from "./fixtures";

/** A CSV as an in-memory upload for `setInputFiles`. */
export function csvFile(name: string, rows: (string | number)[][]): { name: string; mimeType: string; buffer: Buffer } {
  const quote = (cell: string | number) => {
    const text = String(cell);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return { name, mimeType: "text/csv", buffer: Buffer.from(rows.map((row) => row.map(quote).join(",")).join("\r\n") + "\r\n", "utf8") };
}

/** A JSON upload for `setInputFiles`. */
export function jsonFile(name: string, value: unknown): { name: string; mimeType: string; buffer: Buffer } {
  return { name, mimeType: "application/json", buffer: Buffer.from(JSON.stringify(value, null, 2), "utf8") };
}

export function stepCount(db: E2eDatabase, projectId: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM step WHERE projectId = ?`).get(projectId) as { n: number }).n;
}

export function plannedMinutes(db: E2eDatabase, stepId: string): { plannedMinutes: number; version: number } {
  return db.prepare(`SELECT plannedMinutes, version FROM step WHERE id = ?`).get(stepId) as { plannedMinutes: number; version: number };
}

const sqliteTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/**
 * A rehearsal in which each listed step really ran for the given minutes. The steps are started
 * and signed off through the API (as operators do), then their times are moved back in the
 * database so they are minutes long instead of milliseconds.
 */
/**
 * A rehearsal in which each step took the given minutes (fractions for seconds), one after
 * another, ended early afterwards (recalibration learns from ended rehearsals) unless `inProgress`.
 */
export async function rehearseWithDurations(options: { api: RunsheetApi; db: E2eDatabase; projectId: string; durations: [step: PlanStep, minutes: number][]; inProgress?: boolean }): Promise<{ runId: string }> {
  const { api, db } = options;
  const started = await api.post<{ id: string }>(`/api/projects/${options.projectId}/runs`, { kind: "REHEARSAL" });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const runId = started.body.id;
  const total = options.durations.reduce((sum, [, minutes]) => sum + minutes, 0);
  let t = Date.now() - (total + 5) * 60_000;
  const move = db.prepare(`UPDATE step_run SET startedAt = ?, finishedAt = ?, signedOffAt = ? WHERE runId = ? AND stepId = ?`);
  for (const [step, minutes] of options.durations) {
    await api.act(runId, step, "start");
    await api.act(runId, step, "done");
    const start = t;
    t += minutes * 60_000;
    move.run(sqliteTime(start), sqliteTime(t), sqliteTime(t), runId, step.id);
  }
  db.prepare(`UPDATE run SET startedAt = ? WHERE id = ?`).run(sqliteTime(Date.now() - (total + 10) * 60_000), runId);
  if (!options.inProgress) {
    const ended = await api.post(`/api/runs/${runId}/end`, { reason: "Rehearsal over: the rest was not rehearsed." });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
  }
  return { runId };
}

/** The plan editor's list item of a step (components/plan/plan-editor.tsx). */
export function planItem(page: Page, step: { number: string; title: string }): Locator {
  return page
    .getByRole("region", { name: "Runbook plan" })
    .getByRole("listitem")
    .filter({ has: page.getByText(step.title, { exact: true }) });
}

/** Serious or critical axe findings (WCAG 2.1 A/AA + best practices) on the page, or only inside `include` (a CSS selector). */
export async function seriousAxeFindings(page: Page, include?: string): Promise<string[]> {
  // Next.js streams metadata: right after a client-side navigation (a filter change) the new
  // <title> may not be in yet. Check the page as it settles, not mid-swap.
  await page.waitForFunction(() => document.title.trim() !== "");
  const builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]);
  const results = await (include ? builder.include(include) : builder).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}
