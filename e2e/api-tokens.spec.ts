/**
 * API tokens and the runsheet CLI against the running app (issue "Integrations" items 1 and 3):
 * a token made on /account shows its secret once and its last use after a call, and is refused
 * (401) once revoked; `node bin/runsheet.mjs` started with RUNSHEET_URL / RUNSHEET_TOKEN starts a
 * step, signs it off with an attachment, ticks a fleet client, survives a lost answer by resending
 * with the same idempotency key (applied once), prints the run's status as JSON, and exits 1, 2
 * or 3 with a clear message when refused, misused or unable to reach the server.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { auditCount, BASE_URL, expect, pdfText, test, uniqueHost, uniqueName } from "./fixtures";
import { fleetStepOf } from "./fleet-helpers";

const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** Runs the CLI as a script on a server would, and returns how it ended. */
function runCli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(process.cwd(), "bin", "runsheet.mjs"), ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as unknown as NodeJS.ProcessEnv,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * A proxy in front of the app that loses the answer to the first request matching `drop`: the
 * request reaches the app and is applied, then the connection is cut before the CLI hears back.
 */
async function lossyProxy(drop: (method: string, url: string) => boolean): Promise<{ url: string; dropped: () => number; close: () => Promise<void> }> {
  let dropped = 0;
  const target = new URL(BASE_URL);
  const server = http.createServer((req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
      if (dropped === 0 && drop(req.method ?? "", req.url ?? "")) {
        dropped++;
        answer.resume();
        answer.on("end", () => req.socket.destroy());
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, dropped: () => dropped, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test.describe("API tokens", () => {
  test("made on /account: the secret is shown once, the list shows its last use, and a revoked token gets 401", async ({ page, loginAs, db, request }) => {
    const me = await loginAs(page, "OPERATOR");
    await page.goto("/account");
    const name = uniqueName("scripts");
    const form = page.getByRole("form", { name: "New API token" });
    await form.getByLabel("Token name").fill(name);
    await form.getByLabel("Scope").selectOption("OPERATE");
    await form.getByLabel("Expires after").selectOption("30");
    await form.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByRole("status", { name: "New token secret" });
    await expect(shown).toContainText("shown only this once");
    await expect(shown.getByRole("button", { name: /Copy secret/ })).toBeVisible();
    const secret = (await shown.getByTestId("token-secret").textContent())!.trim();
    expect(secret).toMatch(/^rs_live_[A-Za-z0-9_-]{43}$/);

    // Stored hashed: the row has the SHA-256 and the prefix, never the secret.
    const row = db.prepare(`SELECT id, secretHash, prefix, scope, userId FROM api_token WHERE name = ?`).get(name) as { id: string; secretHash: string; prefix: string; scope: string; userId: string };
    expect(row).toMatchObject({ secretHash: sha256(secret), prefix: secret.slice(0, 14), scope: "OPERATE", userId: me.id });
    expect(JSON.stringify(db.prepare(`SELECT * FROM api_token WHERE id = ?`).get(row.id))).not.toContain(secret.slice(14));
    expect(auditCount(db, { action: "token.create" })).toBeGreaterThan(0);

    // Once the page is reloaded the secret is gone for good; the token is listed, never used.
    await page.reload();
    await expect(page.getByTestId("token-secret")).toHaveCount(0);
    const item = page.getByRole("list", { name: "Your API tokens" }).getByRole("listitem", { name });
    await expect(item).toContainText("never used");
    await expect(item).toContainText(secret.slice(0, 14));

    const used = await request.get(`${BASE_URL}/api/runs/no-such-run/status`, { headers: { authorization: `Bearer ${secret}` } });
    expect(used.status(), "a valid token is signed in: the run just doesn't exist").toBe(404);
    await page.reload();
    await expect(item).toContainText(/last used .* from /);

    await item.getByRole("button", { name: `Revoke ${name}` }).click();
    await expect(page.getByText(`Revoked "${name}"`)).toBeVisible();
    await expect(item).toContainText("revoked");
    const refused = await request.get(`${BASE_URL}/api/runs/no-such-run/status`, { headers: { authorization: `Bearer ${secret}` } });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).error.message).toContain("has been revoked");
    expect(db.prepare(`SELECT count(*) AS n FROM audit_event WHERE action = 'token.revoke' AND entityId = ?`).get(row.id)).toEqual({ n: 1 });
  });
});

test.describe("API tokens for admins", () => {
  test("/admin/tokens makes a service token and lists and revokes anyone's", async ({ page, loginAs, apiAs, createUser, db, request }) => {
    const operator = await createUser({ role: "OPERATOR" });
    const theirs = uniqueName("their-token");
    const made = await (await apiAs(operator)).post<{ secret: string }>("/api/tokens", { name: theirs, scope: "READ", expiresInDays: 7 });
    expect(made.status).toBe(200);
    // Only the owner and admins see a token: an operator is refused the admin list.
    const refused = await (await apiAs(operator)).request.get(`${BASE_URL}/api/admin/tokens`);
    expect(refused.status()).toBe(403);

    await loginAs(page, "ADMIN");
    await page.goto("/admin/tokens");
    const service = uniqueName("nbu-scripts");
    const form = page.getByRole("form", { name: "New API token" });
    await form.getByLabel("Token name").fill(service);
    await form.getByLabel("Scope").selectOption("OPERATE");
    await form.getByRole("button", { name: "Create token" }).click();
    await expect(page.getByTestId("token-secret")).toContainText("rs_live_");
    expect(db.prepare(`SELECT kind, scope FROM api_token WHERE name = ?`).get(service)).toEqual({ kind: "SERVICE", scope: "OPERATE" });
    const list = page.getByRole("list", { name: "All API tokens" });
    await expect(list.getByRole("listitem", { name: service })).toContainText("service");
    const item = list.getByRole("listitem", { name: theirs });
    await expect(item).toContainText(operator.name);
    await item.getByRole("button", { name: `Revoke ${theirs}` }).click();
    await expect(item).toContainText("revoked");
    const answer = await request.get(`${BASE_URL}/api/runs/no-such-run/status`, { headers: { authorization: `Bearer ${made.body.secret}` } });
    expect(answer.status()).toBe(401);
    const event = db.prepare(`SELECT actorName, before FROM audit_event WHERE action = 'token.revoke' AND entityId = (SELECT id FROM api_token WHERE name = ?)`).get(theirs) as { actorName: string; before: string };
    expect(JSON.parse(event.before)).toMatchObject({ name: theirs, owner: operator.name });
  });
});

test.describe("the runsheet CLI", () => {
  test("starts a step, signs it off with evidence, ticks a fleet client, survives a lost answer, prints the status", async ({ createProject, startRun, adminApi, apiAs, createUser, db }) => {
    const project = await createProject();
    const host = uniqueHost("cli-client");
    const other = uniqueHost("cli-other");
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: `hostname,os\n${host},Linux\n${other},Linux\n` })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    const operator = await createUser({ role: "OPERATOR" });
    const tokenName = uniqueName("backup-scripts");
    const made = await (await apiAs(operator)).post<{ secret: string }>("/api/tokens", { name: tokenName, scope: "OPERATE", projectIds: [project.id], expiresInDays: 7 });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const env = { RUNSHEET_URL: BASE_URL, RUNSHEET_TOKEN: made.body.secret };
    const [first, second] = [project.step("1"), project.step("2")];
    const fleetStep = fleetStepOf(db, project);
    const stepRun = (stepId: string) => db.prepare(`SELECT status, note, signedOffById FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, stepId) as { status: string; note: string; signedOffById: string | null };

    const started = await runCli(["step", "start", run.id, first.number], env);
    expect(started, started.stderr).toMatchObject({ code: 0 });
    expect(started.stdout).toContain(`Started step ${first.number}`);
    expect(stepRun(first.id).status).toBe("IN_PROGRESS");

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-cli-"));
    const log = path.join(dir, "bpcatalog.log");
    const logText = `catalog backup ok ${uniqueName("run")}\n`;
    fs.writeFileSync(log, logText);
    const done = await runCli(["step", "done", `${BASE_URL}/projects/${project.id}/runs/${run.id}`, first.number, "--note", "catalog verified", "--attach", log], env);
    expect(done, done.stderr).toMatchObject({ code: 0 });
    expect(done.stdout).toContain(`sha256 ${sha256(logText)}`);
    expect(stepRun(first.id)).toMatchObject({ status: "DONE", note: "catalog verified", signedOffById: operator.id });
    const attachment = db.prepare(`SELECT sha256, name, uploadedById FROM attachment WHERE runId = ? AND stepId = ?`).all(run.id, first.id);
    expect(attachment).toEqual([{ sha256: sha256(logText), name: "bpcatalog.log", uploadedById: operator.id }]);
    const attachEvent = db.prepare(`SELECT actorName, after FROM audit_event WHERE action = 'evidence.attach' AND runId = ? ORDER BY seq DESC LIMIT 1`).get(run.id) as { actorName: string; after: string };
    expect(attachEvent.actorName).toBe(`${operator.name} (token: ${tokenName})`);
    expect(JSON.parse(attachEvent.after).sha256).toBe(sha256(logText));
    const doneEvents = db.prepare(`SELECT actorName FROM audit_event WHERE runId = ? AND entityId IN (SELECT id FROM step_run WHERE runId = ? AND stepId = ?) AND action LIKE 'step.%'`).all(run.id, run.id, first.id) as { actorName: string }[];
    expect(doneEvents.length).toBeGreaterThanOrEqual(2);
    expect(doneEvents.every((e) => e.actorName === `${operator.name} (token: ${tokenName})`)).toBe(true);

    // The answer to a Done is lost on the way back: the CLI resends with the same key and the app applies it once.
    expect((await runCli(["step", "start", run.id, second.number], env)).code).toBe(0);
    const proxy = await lossyProxy((method, url) => method === "POST" && url.endsWith("/actions"));
    try {
      const retried = await runCli(["step", "done", run.id, second.number, "--note", "retried"], { ...env, RUNSHEET_URL: proxy.url });
      expect(retried, retried.stderr).toMatchObject({ code: 0 });
      expect(proxy.dropped()).toBe(1);
      expect(retried.stdout).toContain("already applied");
    } finally {
      await proxy.close();
    }
    expect(stepRun(second.id)).toMatchObject({ status: "DONE", note: "retried" });
    const signOffs = db.prepare(`SELECT count(*) AS n FROM audit_event WHERE runId = ? AND action = 'step.done' AND entityId IN (SELECT id FROM step_run WHERE runId = ? AND stepId = ?)`).get(run.id, run.id, second.id);
    expect(signOffs).toEqual({ n: 1 });
    // Running the same command again later is harmless too.
    const again = await runCli(["step", "done", run.id, second.number], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already done");

    // Everything before the fleet step signed off (as the admin), so it can start.
    await adminApi.completeSteps(run.id, project.steps.filter((s) => s.kind !== "ROLLBACK" && Number(s.number) > 2 && Number(s.number) < Number(fleetStep.number)));
    // A fleet tick by client name, with the bptestbpcd output as the client's evidence.
    const output = `1 1 1\n127.0.0.1:13724 -> ${host}:1556\n`;
    const out = path.join(dir, `${host}.txt`);
    fs.writeFileSync(out, output);
    const early = await runCli(["fleet", "tick", run.id, fleetStep.number, host, "--status", "verified", "--attach", out], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`runsheet step start ${run.id} ${fleetStep.number}`);
    expect((await runCli(["step", "start", run.id, fleetStep.number], env)).code).toBe(0);
    const tick = await runCli(["fleet", "tick", run.id, fleetStep.number, host.toUpperCase(), "--status", "verified", "--attach", out], env);
    expect(tick, tick.stderr).toMatchObject({ code: 0 });
    expect(db.prepare(`SELECT fcr.status FROM fleet_client_run fcr JOIN fleet_client c ON c.id = fcr.clientId WHERE fcr.runId = ? AND fcr.stepId = ? AND c.hostname = ?`).get(run.id, fleetStep.id, host)).toEqual({ status: "VERIFIED" });
    expect(db.prepare(`SELECT clientHostname, sha256 FROM attachment WHERE runId = ? AND stepId = ?`).all(run.id, fleetStep.id)).toEqual([{ clientHostname: host, sha256: sha256(output) }]);
    // Where a script has no file, its note goes in as that client's evidence; a failure keeps it as the reason.
    const noted = await runCli(["fleet", "tick", run.id, fleetStep.number, other, "--status", "updated", "--note", "bptestbpcd: 1 1 1"], env);
    expect(noted, noted.stderr).toMatchObject({ code: 0 });
    expect(db.prepare(`SELECT name, sha256 FROM attachment WHERE runId = ? AND stepId = ? AND clientHostname = ?`).all(run.id, fleetStep.id, other)).toEqual([{ name: `${other}-note.txt`, sha256: sha256("bptestbpcd: 1 1 1\n") }]);
    const failed = await runCli(["fleet", "tick", run.id, fleetStep.number, other, "--status", "failed", "--note", "bptestbpcd: timed out"], env);
    expect(failed, failed.stderr).toMatchObject({ code: 0 });
    expect(db.prepare(`SELECT fcr.status, fcr.reason FROM fleet_client_run fcr JOIN fleet_client c ON c.id = fcr.clientId WHERE fcr.runId = ? AND fcr.stepId = ? AND c.hostname = ?`).get(run.id, fleetStep.id, other)).toEqual({ status: "FAILED", reason: "bptestbpcd: timed out" });

    const status = await runCli(["run", "status", run.id, "--json"], env);
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout) as { run: { id: string }; progress: { done: number; steps: number }; steps: { number: string; status: string }[] };
    expect(parsed.run.id).toBe(run.id);
    expect(parsed.progress.done).toBe((db.prepare(`SELECT count(*) AS n FROM step_run WHERE runId = ? AND status = 'DONE'`).get(run.id) as { n: number }).n);
    expect(parsed.steps.find((s) => s.number === fleetStep.number)?.status).toBe("IN_PROGRESS");
    expect(parsed.steps.find((s) => s.number === first.number)?.status).toBe("DONE");
    // The run's PDF record names the token on what it did.
    expect(await pdfText(adminApi.request, run.id)).toContain(`(token: ${tokenName})`);
    const human = await runCli(["run", "status", run.id], env);
    expect(human.stdout).toContain(`Progress: ${parsed.progress.done} of ${parsed.progress.steps} steps finished`);
    expect(human.stdout).toContain(`${fleetStep.number}  ${fleetStep.title}`);
  });

  test("exits 1 when refused, 2 when misused, 3 when the server can't be reached, each with a clear message", async () => {
    const refused = await runCli(["run", "status", "no-such-run"], { RUNSHEET_URL: BASE_URL, RUNSHEET_TOKEN: "rs_live_" + "x".repeat(43) });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("401 That API token isn't valid.");
    const misused = await runCli(["step", "finish", "r", "1"], { RUNSHEET_URL: BASE_URL, RUNSHEET_TOKEN: "rs_live_x" });
    expect(misused.code).toBe(2);
    expect(misused.stderr).toContain('Unknown step action "finish"');
    const noUrl = await runCli(["run", "status", "r"], { RUNSHEET_TOKEN: "rs_live_x" });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("Set RUNSHEET_URL");
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await runCli(["run", "status", "r"], { RUNSHEET_URL: `http://127.0.0.1:${port}`, RUNSHEET_TOKEN: "rs_live_x", RUNSHEET_RETRIES: "1" });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain("Couldn't reach");
  });
});
