/**
 * The run page's "Download PDF" (components/runs/pdf-download-button.tsx): the PDF is made in a
 * worker on the server (lib/exports/pdf-pool.ts) and arrives as a download with its file name;
 * a refusal from the server (a full PDF queue answers 503, an expired session 401) shows its
 * message next to the button, and nothing is saved. The 503 itself is produced and checked in
 * tests/unit/pdf-pool.integration.test.ts, where the queue can be filled on purpose.
 */
import fs from "node:fs";
import { expect, RunBoard, test } from "./fixtures";

async function pdfPages(bytes: Buffer): Promise<string> {
  const { extractText, getDocumentProxy } = await import("unpdf");
  const doc = await getDocumentProxy(new Uint8Array(bytes));
  const { text } = await extractText(doc, { mergePages: false });
  return text.map((page) => page.replace(/\s+/g, " ").trim()).join("\n");
}

test.describe("Download PDF on the run page", () => {
  test("saves the run's record under its file name", async ({ page, loginAs, createProject, startRun }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const viewer = await loginAs(page, "VIEWER");
    const board = new RunBoard(page, project.id, run.id);
    await page.goto(`/projects/${project.id}/runs/${run.id}`);
    // Hydrated (the live connection is a client effect), so the click is the button's, not the bare link's.
    await board.waitUntilLive();
    const exports = page.getByRole("group", { name: "Export this run" });
    const button = exports.getByRole("link", { name: /^Download PDF/ });

    // The first PDF of a fresh server may wait for its worker to start.
    const downloading = page.waitForEvent("download", { timeout: 45_000 });
    await button.click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^runsheet-e2e-project-.*\.pdf$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const text = await pdfPages(bytes);
    expect(text).toContain(project.name);
    expect(text).toContain(`by ${viewer.name}`);
    await expect(exports.getByRole("alert")).toHaveCount(0);
    await expect(button).not.toHaveAttribute("aria-busy", "true");
  });

  test("shows the server's refusal next to the button and saves nothing", async ({ page, loginAs, createProject, startRun }) => {
    const project = await createProject();
    const run = await startRun(project.id);
    await loginAs(page, "VIEWER");
    await page.goto(`/projects/${project.id}/runs/${run.id}`);
    await new RunBoard(page, project.id, run.id).waitUntilLive();
    const exports = page.getByRole("group", { name: "Export this run" });
    const button = exports.getByRole("link", { name: /^Download PDF/ });
    await expect(button).toBeVisible();

    // Signed out elsewhere: the export route refuses with 401 and its message.
    await page.context().clearCookies();
    const downloads: string[] = [];
    page.on("download", (d) => downloads.push(d.suggestedFilename()));
    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/runs/${run.id}/export/pdf`));
    await button.click();
    expect((await answered).status()).toBe(401);
    await expect(exports.getByRole("alert")).toHaveText("Sign in to continue.");
    await expect(button).toHaveAccessibleDescription("Sign in to continue.");
    expect(downloads).toEqual([]);
  });
});
