import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import { expect, test } from "./fixtures";

/*
 * The audit page's full check against the running server: a clean project shows the verified chain,
 * the signed checkpoint and the public key; after a direct UPDATE of a step run (what a security
 * test did: the step's state then disagrees with its events) the page says so, naming the run and
 * the step. The PDF export prints the signed head with the key's fingerprint.
 *
 * Only this project's step is tampered with, and it is put back at the end: the chain and its
 * checkpoints are the installation's, shared with every other spec running at the same time.
 */
test.describe("audit verification", () => {
  test("a direct UPDATE of a step run shows on the audit page, naming the run and the step", async ({ page, loginAs, apiAs, createProject, startRun, db }, testInfo) => {
    const project = await createProject();
    const run = await startRun(project.id);
    const runName = (db.prepare(`SELECT name FROM run WHERE id = ?`).get(run.id) as { name: string }).name;
    const operator = await apiAs("OPERATOR");
    await operator.act(run.id, project.step("1"), "start");
    await operator.act(run.id, project.step("1"), "done", { note: "Inventory matches." });
    await operator.act(run.id, project.step("2"), "start");

    const viewer = await loginAs(page, "VIEWER");
    await page.goto(`/projects/${project.id}/audit`);
    await expect(page.getByTestId("chain-status")).toHaveText(/^✓ Hash chain verified \(\d+ events\)$/);
    await expect(page.getByRole("alert").filter({ hasText: "does not check out" })).toHaveCount(0);
    const anchor = page.getByTestId("audit-anchor");
    await expect(anchor).toContainText(/Signed up to event #\d+ at .+ with key [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}\./);
    await expect(anchor).toContainText("Every step of this project's runs agrees with its events.");
    await anchor.getByText("Public key to verify the signatures").click();
    await expect(anchor.locator("pre")).toContainText("-----BEGIN PUBLIC KEY-----");
    await page.screenshot({ path: testInfo.outputPath("audit-page-clean.png"), fullPage: true });
    const fingerprint = /Fingerprint \(SHA-256\): ([0-9a-f]{64})/.exec((await anchor.textContent())!)![1];

    // The PDF record carries the signed head and the same key's fingerprint.
    const pdf = await page.request.get(`/api/runs/${run.id}/export/pdf`);
    expect(pdf.status()).toBe(200);
    const pdfBytes = await pdf.body();
    fs.writeFileSync(testInfo.outputPath("run-record.pdf"), pdfBytes);
    const { extractText, getDocumentProxy } = await import("unpdf");
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdfBytes)), { mergePages: true });
    const flat = text.replace(/\s+/g, " ");
    const signed = /Signed head #(\d+), signed (\S+) \(Ed25519\) ([0-9a-f]{64})/.exec(flat);
    expect(signed, "the PDF prints the signed head").not.toBeNull();
    const event = db.prepare(`SELECT hash FROM audit_event WHERE seq = ?`).get(Number(signed![1])) as { hash: string };
    expect(signed![3]).toBe(event.hash);
    expect(flat).toContain(`Signing key ${fingerprint}`);
    // What a reader of the paper record can check with the public key from the page: the printed
    // signature over the printed seq, hash, time and fingerprint.
    const signature = /Signature ([A-Za-z0-9+/]{44}) ([A-Za-z0-9+/]{42}==)/.exec(flat);
    expect(signature, "the PDF prints the signature in two whole lines").not.toBeNull();
    const publicKeyPem = (await anchor.locator("pre").textContent())!;
    const message = Buffer.from(`runsheet-audit-checkpoint/v1\n${signed![1]}\n${signed![3]}\n${signed![2]}\n${fingerprint}`, "utf8");
    expect(verify(null, message, createPublicKey(publicKeyPem), Buffer.from(signature![1] + signature![2], "base64"))).toBe(true);

    // Tamper: step 2 is in progress; make its row say it was signed off by someone who never did.
    const step = project.step("2");
    const original = db.prepare(`SELECT status, finishedAt, signedOffById, signedOffByName, signedOffAt FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, step.id) as Record<string, string | null>;
    expect(original.status).toBe("IN_PROGRESS");
    db.prepare(`UPDATE step_run SET status = 'DONE', finishedAt = ?, signedOffById = ?, signedOffByName = 'Mallory Forger', signedOffAt = ? WHERE runId = ? AND stepId = ?`).run(
      "2026-11-28T02:30:00.000+00:00",
      viewer.id,
      "2026-11-28T02:30:00.000+00:00",
      run.id,
      step.id,
    );
    try {
      await page.reload();
      await expect(page.getByTestId("chain-status")).toHaveText("✕ Audit check failed: 1 finding");
      const alert = page.getByRole("alert").filter({ hasText: "The audit trail does not check out" });
      await expect(alert).toBeVisible();
      const findings = alert.getByRole("list", { name: "Findings" }).getByRole("listitem");
      await expect(findings).toHaveCount(1);
      await expect(findings.first()).toContainText(`Run “${runName}” (${project.name}), step “${step.title}”`);
      await expect(findings.first()).toContainText("status is “DONE” in the row but “IN_PROGRESS” in the events");
      await expect(findings.first()).toContainText("signed off by is “Mallory Forger” in the row but nothing in the events");
      await expect(findings.first()).toContainText("It was changed outside Runsheet.");
      await page.screenshot({ path: testInfo.outputPath("audit-page-tampered.png"), fullPage: true });
    } finally {
      db.prepare(`UPDATE step_run SET status = ?, finishedAt = ?, signedOffById = ?, signedOffByName = ?, signedOffAt = ? WHERE runId = ? AND stepId = ?`).run(
        original.status,
        original.finishedAt,
        original.signedOffById,
        original.signedOffByName,
        original.signedOffAt,
        run.id,
        step.id,
      );
    }
    // Put back as the events say it is: the check passes again.
    await page.reload();
    await expect(page.getByTestId("chain-status")).toHaveText(/^✓ Hash chain verified \(\d+ events\)$/);
  });
});
