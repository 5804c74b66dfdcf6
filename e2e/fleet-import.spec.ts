/**
 * NetBackup client lists import as they are: the `-l` form with VM display names, duplicates
 * merged with their policies, a partial import that lists (and downloads) its skipped rows, and
 * agentless clients shown as "n/a: agentless" on a bp.conf step. Page and database asserted.
 */
import fs from "node:fs";
import { expect, RunBoard, test, uniqueHost } from "./fixtures";
import { countChip, fleetCounts, fleetPanel, fleetStepOf } from "./fleet-helpers";

type Db = import("./support/e2e-database").E2eDatabase;
const clientRows = (db: Db, projectId: string) =>
  db.prepare(`SELECT hostname, networkHostname, hardware, os, policy, owner FROM fleet_client WHERE projectId = ? ORDER BY hostname`).all(projectId) as {
    hostname: string;
    networkHostname: string;
    hardware: string;
    os: string;
    policy: string;
    owner: string;
  }[];

/** `bpplclients -allunique -l` as a Windows master prints it (CRLF): a VM by display name (twice), Hyper-V, NDMP, *NULL*. */
const longList = (p: string) =>
  [
    `CLIENT ${p}-db01 Solaris Solaris10 0 0 0 0 *NULL*`,
    `CLIENT SQL Server 2019 (prod) VMware Virtual_Machine 0 0 0 0 *NULL*`,
    `CLIENT ${p}_hv01 Hyper-V Virtual_Machine 0 0 0 0 *NULL*`,
    `CLIENT ${p}-filer NDMP NDMP 0 0 0 0 *NULL*`,
    `CLIENT ${p}_sql01 PC-x64 Windows2019 0 0 0 0 *NULL*`,
    `CLIENT SQL Server 2019 (prod) VMware Virtual_Machine 0 0 0 0 *NULL*`,
    `CLIENT ${p}-new *NULL* *NULL* 0 0 0 0 *NULL*`,
  ].join("\r\n") + "\r\n";

/** A spreadsheet export: one row per policy and client, display names with a host name column, and three bad rows. */
const csvList = (p: string) =>
  [
    "Client,Host name,Hardware,OS,Policy,Owner",
    `SQL Server 2019 (prod),${p}-sql19,VMware,Virtual_Machine,VM_Gold,dba@example.com`,
    `SQL Server 2019 (prod),,VMware,Virtual_Machine,VM_Weekly,`,
    `${p}_app01,,Linux,RedHat8,APP_Daily,app@example.com`,
    `Just a label,,,,OS_Std,`,
    `${p}_app01,,Linux,RedHat8,OS_Std,`,
    `-bad-name,,Linux,RedHat8,OS_Std,`,
    `${p}-web01,bad host,Linux,RedHat8,OS_Std,`,
  ].join("\n") + "\n";

async function openImport(page: import("@playwright/test").Page, projectId: string) {
  await page.goto(`/projects/${projectId}`);
  const section = page.getByRole("region", { name: "Backup clients" });
  await section.getByRole("button", { name: "Import clients" }).click();
  const dialog = page.getByRole("dialog", { name: "Import clients" });
  return { section, dialog, preview: dialog.getByRole("region", { name: "Import preview" }) };
}

test.describe("fleet import", () => {
  test("a `-l` client list imports: display names kept whole, agentless and unknown clients classified", async ({ page, createProject, loginAs, db }) => {
    const project = await createProject();
    const p = uniqueHost("fli");
    await loginAs(page, "ADMIN");
    const { section, dialog, preview } = await openImport(page, project.id);
    await dialog.getByLabel("Client list").fill(longList(p));
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(preview).toContainText("bpplclients -l output");
    await expect(preview).toContainText("Ready: 6 new clients (1 UNIX, 1 Windows, 3 Agentless, 1 Unknown)");
    const added = preview.getByRole("region", { name: /^New clients/ });
    await expect(added.getByRole("row", { name: /^2 SQL Server 2019 \(prod\)/ })).toContainText("Virtual_Machine (Agentless)");
    expect(clientRows(db, project.id)).toEqual([]);

    await dialog.getByRole("button", { name: "Import 6 new clients" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText("Imported 6 new clients.");
    await expect(section.getByRole("row", { name: /SQL Server 2019 \(prod\)/ })).toContainText("Agentless");
    await expect(section.getByRole("row", { name: new RegExp(`${p}-new`) })).toContainText("Unknown");
    const rows = clientRows(db, project.id);
    expect(rows.map((r) => [r.hostname, r.hardware, r.os])).toEqual([
      ["SQL Server 2019 (prod)", "VMware", "Virtual_Machine"],
      [`${p}-db01`, "Solaris", "Solaris10"],
      [`${p}-filer`, "NDMP", "NDMP"],
      [`${p}-new`, "", ""],
      [`${p}_hv01`, "Hyper-V", "Virtual_Machine"],
      [`${p}_sql01`, "PC-x64", "Windows2019"],
    ]);
  });

  test("duplicates merged with their policies are shown, and a re-import fills in what the project lacks", async ({ page, createProject, loginAs, adminApi, db }) => {
    const project = await createProject();
    const p = uniqueHost("flm");
    // Already there without owner or host name: the list fills them in and adds a policy.
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: `hostname,os,hardware,policy\n${p}_app01,RedHat8,Linux,APP_Daily\n` })).status).toBe(200);
    await loginAs(page, "ADMIN");
    const { section, dialog, preview } = await openImport(page, project.id);
    await dialog.getByLabel("Client list").fill(csvList(p));
    await dialog.getByRole("button", { name: "Check" }).click();
    const merged = preview.getByRole("region", { name: "Duplicates merged (2)" });
    await expect(merged.getByRole("row", { name: /^SQL Server 2019 \(prod\) 2, 3/ })).toContainText("VM_Gold, VM_Weekly");
    await expect(merged.getByRole("row", { name: new RegExp(`^${p}_app01 4, 6`) })).toContainText("APP_Daily, OS_Std");
    const filled = preview.getByRole("region", { name: "Already in the project, filled in (1)" });
    await expect(filled.getByRole("row", { name: new RegExp(`${p}_app01`) })).toContainText("owner app@example.com; policy + OS_Std");
    await dialog.getByRole("button", { name: "Import 1 new client, fill in 1, skip 3 lines" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText("Imported 1 new client, filled in 1, skipped 3 lines.");
    await expect(section.getByRole("row", { name: /SQL Server 2019 \(prod\)/ })).toContainText(`${p}-sql19`);
    expect(clientRows(db, project.id)).toEqual([
      { hostname: "SQL Server 2019 (prod)", networkHostname: `${p}-sql19`, hardware: "VMware", os: "Virtual_Machine", policy: "VM_Gold, VM_Weekly", owner: "dba@example.com" },
      { hostname: `${p}_app01`, networkHostname: "", hardware: "Linux", os: "RedHat8", policy: "APP_Daily, OS_Std", owner: "app@example.com" },
    ]);
  });

  test("a partial import lists the skipped rows, and the download has them", async ({ page, createProject, loginAs, db }) => {
    const project = await createProject();
    const p = uniqueHost("flp");
    await loginAs(page, "ADMIN");
    const { section, dialog, preview } = await openImport(page, project.id);
    await dialog.getByLabel("Client list").fill(csvList(p));
    await dialog.getByRole("button", { name: "Check" }).click();
    await expect(preview.getByRole("alert")).toContainText("3 lines have problems");
    const skipped = preview.getByRole("region", { name: "Skipped rows (3)" });
    await expect(skipped.getByRole("row", { name: /^5 Just a label/ })).toContainText("Not a valid client name");
    await expect(skipped.getByRole("row", { name: /^7 -bad-name/ })).toContainText("Not a valid client name");
    await expect(skipped.getByRole("row", { name: new RegExp(`^8 ${p}-web01`) })).toContainText('The host name of "' + `${p}-web01` + '"');

    const downloading = page.waitForEvent("download");
    await skipped.getByRole("button", { name: "Download skipped rows" }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe("skipped-rows.csv");
    const csv = fs.readFileSync(await download.path(), "utf8");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("line,reason,original line");
    expect(lines[1]).toMatch(/^5,"Not a valid client name .*","Just a label,,,,OS_Std,"$/);
    expect(lines[2]).toMatch(/^7,".*","-bad-name,,Linux,RedHat8,OS_Std,"$/);
    expect(lines[3]).toContain(`"${p}-web01,bad host,Linux,RedHat8,OS_Std,"`);
    expect(clientRows(db, project.id)).toEqual([]);

    await dialog.getByRole("button", { name: "Import 2 new clients, skip 3 lines" }).click();
    await expect(dialog).toBeHidden();
    await expect(section.getByRole("status")).toHaveText("Imported 2 new clients, skipped 3 lines.");
    expect(clientRows(db, project.id).map((r) => r.hostname)).toEqual(["SQL Server 2019 (prod)", `${p}_app01`]);
    const event = db.prepare(`SELECT after FROM audit_event WHERE action = 'fleet.import' AND projectId = ?`).get(project.id) as { after: string };
    expect(JSON.parse(event.after)).toMatchObject({ added: 2, skipped: 3 });
  });

  test("agentless clients shown as n/a on the bp.conf step: no command, no tick, not counted", async ({ page, createProject, adminApi, startRun, loginAs, db }) => {
    const project = await createProject();
    const p = uniqueHost("fla");
    const step = fleetStepOf(db, project);
    const version = (db.prepare(`SELECT version FROM step WHERE id = ?`).get(step.id) as { version: number }).version;
    const edited = await adminApi.patch(`/api/steps/${step.id}`, { fleetAction: "UPDATE_BPCONF", expectedVersion: version });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect((await adminApi.post(`/api/projects/${project.id}/fleet/import`, { text: longList(p) })).status).toBe(200);
    const run = await startRun(project.id, "REHEARSAL");
    // Three agent clients (UNIX, Windows, unknown) in the step; the three agentless ones not.
    expect(fleetCounts(db, run.id, step.id)).toEqual({ PENDING: 3, UPDATED: 0, VERIFIED: 0, FAILED: 0 });

    await loginAs(page, "OPERATOR");
    const board = new RunBoard(page, project.id, run.id);
    await board.goto();
    const panel = fleetPanel(board, step);
    await expect(countChip(panel, "Pending", "3")).toBeVisible();
    await panel.getByRole("button", { name: "Show clients" }).click();
    const agentless = panel.getByRole("region", { name: "3 agentless clients: n/a: agentless" });
    await expect(agentless.getByRole("row", { name: /SQL Server 2019 \(prod\)/ })).toContainText("n/a: agentless");
    await expect(agentless.getByRole("row", { name: new RegExp(`${p}-filer`) })).toContainText("NDMP");
    await expect(panel.getByRole("checkbox", { name: "Select SQL Server 2019 (prod)" })).toHaveCount(0);
    await expect(panel.getByRole("button", { name: /Mark SQL Server 2019/ })).toHaveCount(0);
    // The unknown client gets the commands, with a note to check its OS.
    const unknown = panel.getByRole("row", { name: new RegExp(`${p}-new`) });
    await expect(unknown).toContainText("OS unknown: check it before running the commands");
    await expect(unknown.getByRole("button", { name: /Copy cmd/ })).toBeVisible();

    await panel.getByRole("button", { name: "Select all 3 matching" }).click();
    await panel.getByRole("button", { name: "Mark updated", exact: true }).click();
    await expect(panel.getByRole("status")).toHaveText("Marked 3 clients updated.");
    expect(fleetCounts(db, run.id, step.id)).toEqual({ PENDING: 0, UPDATED: 3, VERIFIED: 0, FAILED: 0 });
  });
});
