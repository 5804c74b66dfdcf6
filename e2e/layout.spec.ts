import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, RunBoard, test } from "./fixtures";

const SCREENSHOTS = path.resolve("screenshots");

interface Finding {
  id: string;
  impact: string | null | undefined;
  help: string;
  html: string;
  target: string;
  summary: string;
}

/**
 * App defects found by this suite and reported to the team (see the e2e report), matched per
 * rule AND per element, so the rule stays on for everything else and any new violation fails.
 * Remove an entry once its fix lands; the test prints (and annotates) the entries it still needs.
 */
const KNOWN_APP_ISSUES: { id: string; rule: string; element: (f: Finding) => boolean; why: string }[] = [
  // Empty: the step-number and Done-button contrast findings were fixed (slate-500, emerald-700).
];

/** axe-core on the whole page (WCAG 2.1 A/AA + best practices); returns serious and critical findings. */
async function seriousFindings(page: Page): Promise<Finding[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) =>
      v.nodes.map((n) => ({ id: v.id, impact: v.impact, help: v.help, html: n.html, target: n.target.join(" "), summary: `${v.id}: ${n.target.join(" ")} — ${n.failureSummary?.split("\n").slice(1).join(" ").trim()}` })),
    );
}

/** Fails on any serious/critical finding that is not a known, reported app issue; notes the known ones. */
function expectNoNewViolations(findings: Finding[], pageName: string) {
  const known = (f: Finding) => KNOWN_APP_ISSUES.find((k) => k.rule === f.id && k.element(f));
  const unexpected = findings.filter((f) => !known(f)).map((f) => f.summary);
  const seen = new Set(findings.map(known).filter(Boolean).map((k) => k!.id));
  for (const issue of KNOWN_APP_ISSUES.filter((k) => seen.has(k.id))) {
    test.info().annotations.push({ type: "known app issue", description: `${pageName}: ${issue.why}` });
    console.warn(`[axe] ${pageName}: known app issue still present: ${issue.why}`);
  }
  expect(unexpected, `serious/critical axe violations on ${pageName}`).toEqual([]);
}

test.describe("layout and accessibility", () => {
  test.beforeAll(() => fs.mkdirSync(SCREENSHOTS, { recursive: true }));

  test("run page on a phone: screenshot, and the action buttons are at least 44 px tall", async ({ newSession, createProject, startRun, adminApi }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    await adminApi.completeSteps(run.id, [project.step("1"), project.step("2")]);
    await adminApi.act(run.id, project.step("3"), "start");
    const { page } = await newSession("OPERATOR", { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await board.waitUntilLive();

    const now = page.getByRole("region", { name: "Now", exact: true });
    await expect(now.getByRole("article")).not.toHaveCount(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, "run-phone.png") });

    // No sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Step 3 is in progress (Done / Skip / Fail), step 4 is ready (Start / Done / Skip / Fail).
    const buttons = [
      ...["Done", "Skip", "Fail"].map((name) => board.nowCard(project.step("3")).getByRole("button", { name, exact: true })),
      ...["Start", "Done", "Skip", "Fail"].map((name) => board.button(project.step("4"), name)),
    ];
    for (const button of buttons) {
      await button.scrollIntoViewIfNeeded();
      const box = await button.boundingBox();
      expect(box, "button is laid out").not.toBeNull();
      expect(box!.height, `${await button.textContent()} button height`).toBeGreaterThanOrEqual(44);
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
  });

  test("run page on a desktop: screenshot for review", async ({ newSession, createProject, startRun, adminApi }) => {
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    // Done, in progress, skipped, blocked and ready steps, for the reviewer to see each state.
    await adminApi.completeSteps(run.id, [project.step("1"), project.step("2")]);
    await adminApi.act(run.id, project.step("3"), "start");
    await adminApi.act(run.id, project.step("4"), "skip", { reason: "Throughput measured in the rehearsal." });
    const { page } = await newSession("OPERATOR", { viewport: { width: 1280, height: 900 } });
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await board.waitUntilLive();
    await expect(board.statusBadge(project.step("3"), "In progress")).toBeVisible();
    await expect(board.statusBadge(project.step("4"), "Skipped")).toBeVisible();
    await page.screenshot({ path: path.join(SCREENSHOTS, "run-desktop.png"), fullPage: true });
    expect(fs.statSync(path.join(SCREENSHOTS, "run-desktop.png")).size).toBeGreaterThan(10_000);
  });

  test("axe: the projects page has no serious or critical violations", async ({ page, loginAs, createProject, startRun }) => {
    const project = await createProject();
    await startRun(project.id, "LIVE");
    await loginAs(page, "ADMIN");
    await page.goto("/projects");
    await expect(page.getByRole("heading", { level: 1, name: "Migration projects" })).toBeVisible();
    await expect(page.getByText(project.name)).toBeVisible();
    expectNoNewViolations(await seriousFindings(page), "projects page");
  });

  test("axe: the run page has no serious or critical violations", async ({ page, loginAs, createProject, startRun, adminApi }) => {
    test.slow(); // axe walks ~35 step cards; on a busy 2-core machine that alone can take 30 s
    const project = await createProject();
    const run = await startRun(project.id, "LIVE");
    await adminApi.completeSteps(run.id, [project.step("1")]);
    await adminApi.act(run.id, project.step("2"), "start");
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    await board.waitUntilLive();
    await expect(board.statusBadge(project.step("2"), "In progress")).toBeVisible();
    expectNoNewViolations(await seriousFindings(page), "run page");
  });
});
