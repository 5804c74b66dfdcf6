import { auditCount, expect, RunBoard, test, uniqueHost } from "./fixtures";
import { bpplclientsText, countChip, fleetCounts, fleetPanel, fleetStepOf } from "./fleet-helpers";

test.describe("fleet steps", () => {
  test("2,000 imported clients: 500 bulk-ticked in the run's fleet panel survive a reload, in one audit event", async ({ page, createProject, startRun, adminApi, loginAs, db }) => {
    test.setTimeout(120_000);
    const project = await createProject();
    const step = fleetStepOf(db, project);
    const run = await startRun(project.id, "REHEARSAL");

    // Imported while the run is active: the import must add every client to the run's fleet step.
    const prefix = uniqueHost("fl");
    const text = bpplclientsText(`${prefix}-grpa`, 500) + bpplclientsText(`${prefix}-grpb`, 1500).split("\n").slice(2).join("\n");
    const imported = await adminApi.post<{ imported: number; runRowsCreated: number; errorCount: number }>(`/api/projects/${project.id}/fleet/import`, { text });
    expect(imported.status, JSON.stringify(imported.body).slice(0, 500)).toBe(200);
    expect(imported.body).toMatchObject({ imported: 2000, runRowsCreated: 2000, errorCount: 0 });
    expect(fleetCounts(db, run.id, step.id)).toEqual({ PENDING: 2000, UPDATED: 0, VERIFIED: 0, FAILED: 0 });
    expect(auditCount(db, { action: "fleet.import", projectId: project.id })).toBe(1);

    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await expect(countChip(panel, "Pending", "2,000")).toBeVisible();
    await expect(countChip(panel, "Updated", "0")).toBeVisible();

    await panel.getByRole("button", { name: "Show clients" }).click();
    await expect(panel.getByRole("row")).toHaveCount(101); // header + a page of 100
    await panel.getByLabel("Search host names").fill(`${prefix}-grpa`);
    await expect(panel.getByText("500 match this filter")).toBeVisible();
    await panel.getByRole("button", { name: "Select all 500 matching" }).click();
    await expect(panel.getByText(/· 500 selected$/)).toBeVisible();

    const ticked = page.waitForResponse((r) => r.url().endsWith(`/api/runs/${run.id}/fleet/${step.id}`) && r.request().method() === "POST");
    await panel.getByRole("button", { name: "Mark updated", exact: true }).click();
    expect((await ticked).status()).toBe(200);
    await expect(panel.getByRole("status")).toHaveText("Marked 500 clients updated.");
    await expect(countChip(panel, "Updated", "500")).toBeVisible();
    await expect(countChip(panel, "Pending", "1,500")).toBeVisible();

    await page.reload();
    const reloaded = fleetPanel(board, step);
    await expect(countChip(reloaded, "Updated", "500")).toBeVisible();
    await expect(countChip(reloaded, "Pending", "1,500")).toBeVisible();
    await expect(countChip(reloaded, "All", "2,000")).toBeVisible();
    await expect(reloaded.getByRole("progressbar", { name: "Fleet progress" })).toHaveAttribute("aria-valuenow", "25");

    expect(fleetCounts(db, run.id, step.id)).toEqual({ PENDING: 1500, UPDATED: 500, VERIFIED: 0, FAILED: 0 });
    const updated = db
      .prepare(`SELECT c.hostname, r.updatedById, r.version FROM fleet_client_run r JOIN fleet_client c ON c.id = r.clientId WHERE r.runId = ? AND r.stepId = ? AND r.status = 'UPDATED'`)
      .all(run.id, step.id) as { hostname: string; updatedById: string; version: number }[];
    expect(updated).toHaveLength(500);
    expect(updated.every((r) => r.hostname.startsWith(`${prefix}-grpa-`) && r.updatedById === operator.id && r.version === 2)).toBe(true);
    // One sign-off event for the whole batch, naming every client.
    expect(auditCount(db, { action: "fleet.bulk_update", runId: run.id })).toBe(1);
    const event = db.prepare(`SELECT actorId, entityId, after FROM audit_event WHERE action = 'fleet.bulk_update' AND runId = ?`).get(run.id) as { actorId: string; entityId: string; after: string };
    expect(event.actorId).toBe(operator.id);
    expect(event.entityId).toBe(step.id);
    const after = JSON.parse(event.after) as { status: string; count: number; clientIds: string[] };
    expect(after.status).toBe("UPDATED");
    expect(after.count).toBe(500);
    expect(new Set(after.clientIds).size).toBe(500);
  });

  test("one client failed with a reason, from its row; the reason is stored and shown", async ({ page, createProject, startRun, adminApi, loginAs, db }) => {
    const project = await createProject();
    const step = fleetStepOf(db, project);
    const prefix = uniqueHost("fl1");
    const imported = await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(prefix, 12) });
    expect(imported.status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await panel.getByRole("button", { name: "Show clients" }).click();
    const host = `${prefix}-0004`;
    await panel.getByRole("button", { name: `Mark ${host} failed` }).click();
    const dialog = page.getByRole("dialog", { name: `Mark ${host} failed` });
    await dialog.getByRole("button", { name: "Mark failed" }).click();
    await expect(dialog.getByText("Say why the client failed.")).toBeVisible();
    await dialog.getByRole("textbox").fill("bptestbpcd: connection refused on 1556");
    await dialog.getByRole("button", { name: "Mark failed" }).click();
    await expect(dialog).toBeHidden();
    await expect(countChip(panel, "Failed", "1")).toBeVisible();
    await expect(panel.locator(`tr[data-hostname="${host}"]`)).toContainText("bptestbpcd: connection refused on 1556");
    const row = db.prepare(`SELECT r.status, r.reason FROM fleet_client_run r JOIN fleet_client c ON c.id = r.clientId WHERE r.runId = ? AND c.hostname = ?`).get(run.id, host);
    expect(row).toEqual({ status: "FAILED", reason: "bptestbpcd: connection refused on 1556" });
    expect(auditCount(db, { action: "fleet.update", runId: run.id })).toBe(1);
  });

  test("a client ticked without a connection waits in the queue and is applied once when it is back", async ({ page, context, createProject, startRun, adminApi, loginAs, db }) => {
    const project = await createProject();
    const step = fleetStepOf(db, project);
    const prefix = uniqueHost("fl5");
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(prefix, 6) })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    const operator = await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await panel.getByRole("button", { name: "Show clients" }).click();
    const host = `${prefix}-0003`;
    const rowState = () =>
      db.prepare(`SELECT r.status, r.version, r.updatedById FROM fleet_client_run r JOIN fleet_client c ON c.id = r.clientId WHERE r.runId = ? AND c.hostname = ?`).get(run.id, host) as { status: string; version: number; updatedById: string | null };
    // The client list loads over the network: wait for it before the connection goes.
    await expect(panel.getByRole("button", { name: `Mark ${host} updated` })).toBeVisible();

    await context.setOffline(true);
    await expect(page.getByText("Offline — actions are queued")).toBeVisible();
    await panel.getByRole("button", { name: `Mark ${host} updated` }).click();
    await expect(panel.getByRole("status")).toHaveText(`No connection: ${host} marked updated is queued and will be sent when the connection is back.`);
    const row = panel.locator(`tr[data-hostname="${host}"]`);
    await expect(row.getByText("tick queued (offline)")).toBeVisible();
    // A queued client offers no second tick.
    await expect(row.getByRole("button", { name: `Mark ${host} verified` })).toHaveCount(0);
    const queue = (await page.evaluate((key) => JSON.parse(window.localStorage.getItem(key) ?? "[]"), `runsheet:queue:${run.id}`)) as { kind: string; stepId: string; status: string; hostnames: string[] }[];
    expect(queue.map((q) => [q.kind, q.stepId, q.status, q.hostnames])).toEqual([["fleet", step.id, "UPDATED", [host]]]);
    expect(rowState()).toMatchObject({ status: "PENDING", version: 1 });

    const flushed = page.waitForResponse((r) => r.url().endsWith(`/api/runs/${run.id}/fleet/${step.id}`) && r.request().method() === "POST" && r.status() === 200);
    await context.setOffline(false);
    await flushed;
    await expect.poll(() => page.evaluate((key) => window.localStorage.getItem(key), `runsheet:queue:${run.id}`)).toBeNull();
    await expect(row.getByText("tick queued (offline)")).toHaveCount(0);
    await expect(row).toHaveAttribute("data-status", "UPDATED");
    expect(rowState()).toEqual({ status: "UPDATED", version: 2, updatedById: operator.id });
    expect(auditCount(db, { action: "fleet.update", runId: run.id })).toBe(1);
    const offline = db.prepare(`SELECT json_extract("after", '$.offline') AS offline FROM audit_event WHERE action = 'fleet.update' AND runId = ?`).get(run.id);
    expect(offline).toEqual({ offline: 1 });
  });

  test("on a phone the fleet panel's row actions are on screen without scrolling sideways", async ({ page, createProject, startRun, adminApi, loginAs, db }) => {
    const project = await createProject();
    const step = fleetStepOf(db, project);
    // Host names are unique per project, so realistic ones will do: a short label and a long FQDN.
    const prefix = "acct-db";
    const fqdn = "exch-mbx01.corp.emea.example.internal";
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: `${bpplclientsText(prefix, 3)}Linux  RedHat8  ${fqdn}\n` })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    await page.setViewportSize({ width: 390, height: 844 });
    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await panel.getByRole("button", { name: "Show clients" }).click();
    const host = `${prefix}-0002`;
    // The client table fits its box: nothing to scroll sideways, so every row's actions show.
    const table = panel.getByRole("table");
    await expect(table).toBeVisible();
    expect(await table.evaluate((t) => ({ overflow: t.parentElement!.scrollWidth - t.parentElement!.clientWidth }))).toEqual({ overflow: 0 });
    for (const [hostname, action] of [[host, "updated"], [host, "verified"], [host, "failed"], [fqdn, "updated"]]) {
      // Scrolling the row (which starts at the table's left edge) into view moves the page only vertically.
      await panel.locator(`tr[data-hostname="${hostname}"]`).scrollIntoViewIfNeeded();
      const box = (await panel.getByRole("button", { name: `Mark ${hostname} ${action}` }).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  test("the project page imports a pasted client list: repeated clients merged, bad lines shown and skipped only when asked", async ({ page, createProject, loginAs, db }) => {
    const project = await createProject();
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const section = page.getByRole("region", { name: "Backup clients" });
    await expect(section.getByText("No clients yet.")).toBeVisible();

    await section.getByRole("button", { name: "Import clients" }).click();
    const dialog = page.getByRole("dialog", { name: "Import clients" });
    const prefix = uniqueHost("fl2");
    const preview = dialog.getByRole("region", { name: "Import preview" });
    // Nothing valid: nothing to import.
    await dialog.getByLabel("Client list").fill(["hostname,os,policy,owner", "bad host,Linux,P3,y"].join("\r\n"));
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(preview.getByRole("alert")).toContainText("1 line has a problem");
    await expect(dialog.getByRole("button", { name: "Import" })).toBeDisabled();

    // Line 4 repeats line 3 in other case (another policy): merged. Line 5 is not a client name.
    await dialog.getByLabel("Client list").fill(["hostname,os,policy,owner", `${prefix}-a,Solaris 10,P1,ops@example.com`, `${prefix}_b,Windows 2008,P2,win@example.com`, `${prefix.toUpperCase()}_B,Windows 2008,P4,x`, "bad host,Linux,P3,y"].join("\r\n"));
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(preview.getByRole("alert")).toContainText("1 line has a problem");
    await expect(preview).toContainText("Merged 1 repeated line into 1 client, their policies collected.");
    await expect(preview.getByRole("region", { name: "Skipped rows (1)" }).getByRole("row", { name: /^5 / })).toContainText('Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad host".');
    expect((db.prepare(`SELECT count(*) AS n FROM fleet_client WHERE projectId = ?`).get(project.id) as { n: number }).n).toBe(0);
    await dialog.getByRole("button", { name: "Import 2 new clients, skip 1 line" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText("Imported 2 new clients, skipped 1 line.");
    await expect(section.getByText("2 clients ·")).toBeVisible();
    await expect(section.getByRole("cell", { name: `${prefix}_b`, exact: true })).toBeVisible();
    const rows = db.prepare(`SELECT hostname, policy FROM fleet_client WHERE projectId = ? ORDER BY hostname`).all(project.id) as { hostname: string; policy: string }[];
    expect(rows).toEqual([
      { hostname: `${prefix}-a`, policy: "P1" },
      { hostname: `${prefix}_b`, policy: "P2, P4" },
    ]);
  });

  test("a clean list imports after its check", async ({ page, createProject, loginAs, db }) => {
    const project = await createProject();
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const section = page.getByRole("region", { name: "Backup clients" });
    await section.getByRole("button", { name: "Import clients" }).click();
    const dialog = page.getByRole("dialog", { name: "Import clients" });
    const prefix = uniqueHost("fl4");
    await dialog.getByLabel("Client list").fill(["hostname,os,policy,owner", `${prefix}-a,Solaris 10,P1,ops@example.com`, `${prefix}-b,Windows 2008,P2,win@example.com`].join("\r\n"));
    await dialog.getByRole("button", { name: "Check" }).click();
    const preview = dialog.getByRole("region", { name: "Import preview" });
    await expect(preview).toContainText("Ready: 2 new clients (1 UNIX, 1 Windows)");
    await dialog.getByRole("button", { name: "Import 2 new clients" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText("Imported 2 new clients.");
    await expect(section.getByRole("cell", { name: `${prefix}-a`, exact: true })).toBeVisible();
    expect((db.prepare(`SELECT count(*) AS n FROM fleet_client WHERE projectId = ?`).get(project.id) as { n: number }).n).toBe(2);
  });

  test("an admin removes a mistaken client from the project page; one already ticked in a run stays", async ({ page, createProject, startRun, adminApi, loginAs, db }) => {
    const project = await createProject();
    const step = fleetStepOf(db, project);
    const prefix = uniqueHost("fl4");
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(prefix, 3) })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    const ticked = db
      .prepare(`SELECT r.id, r.version FROM fleet_client_run r JOIN fleet_client c ON c.id = r.clientId WHERE r.runId = ? AND r.stepId = ? AND c.hostname = ?`)
      .get(run.id, step.id, `${prefix}-0002`) as { id: string; version: number };
    const tick = await adminApi.post(`/api/runs/${run.id}/fleet/${step.id}`, { status: "UPDATED", selection: { kind: "ids", items: [ticked] } });
    expect(tick.status, JSON.stringify(tick.body)).toBe(200);

    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const section = page.getByRole("region", { name: "Backup clients" });
    await section.getByRole("button", { name: `Remove ${prefix}-0001` }).click();
    const confirm = page.getByRole("dialog", { name: `Remove ${prefix}-0001?` });
    await confirm.getByRole("button", { name: "Remove client" }).click();
    await expect(confirm).toBeHidden();
    await expect(section.getByRole("status")).toHaveText(`Removed ${prefix}-0001 from the project and from the fleet steps of its runs.`);
    await expect(section.getByRole("cell", { name: `${prefix}-0001`, exact: true })).toBeHidden();
    await expect(section.getByText("2 clients ·")).toBeVisible();
    const hosts = () => (db.prepare(`SELECT hostname FROM fleet_client WHERE projectId = ? ORDER BY hostname`).all(project.id) as { hostname: string }[]).map((r) => r.hostname);
    expect(hosts()).toEqual([`${prefix}-0002`, `${prefix}-0003`]);
    // One event for the project and one in the active run the client left.
    const removals = () => db.prepare(`SELECT runId FROM audit_event WHERE action = 'fleet.remove' AND projectId = ? ORDER BY seq`).all(project.id);
    expect(removals()).toEqual([{ runId: null }, { runId: run.id }]);

    await section.getByRole("button", { name: `Remove ${prefix}-0002` }).click();
    const refused = page.getByRole("dialog", { name: `Remove ${prefix}-0002?` });
    await refused.getByRole("button", { name: "Remove client" }).click();
    await expect(refused.getByRole("alert")).toHaveText(`${prefix}-0002 was already ticked in "Rehearsal 1", so it can't be removed. Nothing was removed.`);
    expect(hosts()).toEqual([`${prefix}-0002`, `${prefix}-0003`]);
    expect(removals()).toHaveLength(2);
  });

  test("an admin corrects a client's OS and refuses a duplicate host name, from the project page", async ({ page, createProject, adminApi, loginAs, db }) => {
    const project = await createProject();
    const prefix = uniqueHost("fl6");
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(prefix, 2) })).status).toBe(200);
    const client = () => db.prepare(`SELECT hostname, os FROM fleet_client WHERE projectId = ? ORDER BY hostname LIMIT 1`).get(project.id) as { hostname: string; os: string };
    await loginAs(page, "ADMIN");
    await page.goto(`/projects/${project.id}`);
    const section = page.getByRole("region", { name: "Backup clients" });
    const host = `${prefix}-0001`;

    await section.getByRole("button", { name: `Edit ${host}` }).click();
    const dialog = page.getByRole("dialog", { name: `Edit ${host}` });
    await dialog.getByLabel("Name", { exact: true }).fill(`${prefix.toUpperCase()}-0002`);
    await dialog.getByRole("button", { name: "Save client" }).click();
    await expect(dialog.getByText(`"${prefix}-0002" is already a client of this project.`).first()).toBeVisible();
    await expect(dialog.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
    expect(client()).toEqual({ hostname: host, os: "Solaris10" });

    await dialog.getByLabel("Name", { exact: true }).fill(host);
    await dialog.getByLabel("OS", { exact: true }).fill("Windows2019");
    await dialog.getByRole("button", { name: "Save client" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText(`Saved ${host}.`);
    await expect(section.getByRole("row").filter({ hasText: host })).toContainText("Windows2019");
    expect(client()).toEqual({ hostname: host, os: "Windows2019" });
    expect(auditCount(db, { action: "fleet.client_update", projectId: project.id })).toBe(1);
  });

  test("viewers see the counts but no bulk actions; operators can't import", async ({ page, createProject, startRun, adminApi, apiAs, loginAs, db }) => {
    const project = await createProject();
    const step = fleetStepOf(db, project);
    await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: bpplclientsText(uniqueHost("fl3"), 5) });
    const run = await startRun(project.id, "REHEARSAL");
    const operatorApi = await apiAs("OPERATOR");
    const refused = await operatorApi.post(`/api/projects/${project.id}/fleet/import`, { text: "another-host" });
    expect(refused.status).toBe(403);

    await loginAs(page, "VIEWER");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await expect(countChip(panel, "Pending", "5")).toBeVisible();
    await panel.getByRole("button", { name: "Show clients" }).click();
    await expect(panel.getByRole("row")).toHaveCount(6);
    await expect(panel.getByRole("group", { name: "Bulk actions" })).toHaveCount(0);
    await expect(panel.getByRole("checkbox")).toHaveCount(0);
  });
});
