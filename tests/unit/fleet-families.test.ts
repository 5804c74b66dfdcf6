/**
 * Pure rules of the fleet import: the OS family of a client (UNIX, Windows, agentless, unknown),
 * VM display names in every shape they occur in (with a separate host name), what a re-import
 * fills in and what it leaves, and the skipped-rows CSV the import dialog offers.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clientFamily, fleetStepAppliesTo } from "@/lib/fleet/model";
import { commandHostFor } from "@/lib/fleet/bpconf";
import { formatLineError, parseClientList } from "@/lib/fleet/parse";
import { planReimport, type ExistingClient } from "@/lib/fleet/reimport";
import { skippedRowsCsv } from "@/lib/fleet/skipped-rows";
import { readCsv } from "@/lib/platform/csv";

const fixtures = path.join(fileURLToPath(new URL("../..", import.meta.url)), "tests", "unit", "fixtures");
const sample = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");

describe("clientFamily", () => {
  it.each([
    ["Solaris", "Solaris10", "UNIX"],
    ["Linux", "RedHat2.6", "UNIX"],
    ["HP9000-800", "HP-UX11.11", "UNIX"],
    ["Solaris", "", "UNIX"],
    ["PC-x64", "Windows2019", "WINDOWS"],
    ["PC", "", "WINDOWS"],
    ["Windows-x64", "Windows2012", "WINDOWS"],
    ["VMware", "Virtual_Machine", "AGENTLESS"],
    ["VMware", "", "AGENTLESS"],
    ["Hyper-V", "Virtual_Machine", "AGENTLESS"],
    ["HyperV", "HyperV", "AGENTLESS"],
    ["NDMP", "NDMP", "AGENTLESS"],
    ["Nutanix-AHV", "Virtual_Machine", "AGENTLESS"],
    ["OpenStack", "", "AGENTLESS"],
    ["Virtual_Machine", "", "AGENTLESS"],
    ["", "Virtual_Machine", "AGENTLESS"],
    // The hypervisor column wins: a VMware policy backs the VM up without its agent.
    ["VMware", "Windows2019", "AGENTLESS"],
    // An OS that merely mentions VMware is an agent running on a VM.
    ["Linux", "RedHat (VMware guest)", "UNIX"],
    // A one-name-per-line list says nothing: unknown, not UNIX.
    ["", "", "UNKNOWN"],
    ["Mainframe", "zOS", "UNKNOWN"],
  ] as const)("hardware %j, OS %j → %s", (hardware, os, family) => {
    expect(clientFamily({ hardware, os })).toBe(family);
  });

  it("bp.conf and connectivity steps leave agentless clients out; generic steps keep them", () => {
    expect(fleetStepAppliesTo({ action: "UPDATE_BPCONF", family: "AGENTLESS" })).toBe(false);
    expect(fleetStepAppliesTo({ action: "CHECK_CONNECTIVITY", family: "AGENTLESS" })).toBe(false);
    expect(fleetStepAppliesTo({ action: "GENERIC", family: "AGENTLESS" })).toBe(true);
    expect(fleetStepAppliesTo({ action: "UPDATE_BPCONF", family: "UNKNOWN" })).toBe(true);
  });

  it("a plain name list gives unknown clients", () => {
    const result = parseClientList({ text: sample("client-names.txt") });
    expect(result.shape).toBe("host-list");
    expect(new Set(result.clients.map(clientFamily))).toEqual(new Set(["UNKNOWN"]));
  });
});

describe("VM display names", () => {
  it("-allunique -l with display names, CRLF, *NULL*, Hyper-V, NDMP and a repeat", () => {
    const result = parseClientList({ text: sample("bpplclients-vm-l.txt") });
    expect(result.shape).toBe("bpplclients-long");
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.hostname, c.hardware, c.os, clientFamily(c)])).toEqual([
      ["acct-db01", "Solaris", "Solaris10", "UNIX"],
      ["SQL Server 2019 (prod)", "VMware", "Virtual_Machine", "AGENTLESS"],
      ["hv_file01", "Hyper-V", "Virtual_Machine", "AGENTLESS"],
      ["filer01", "NDMP", "NDMP", "AGENTLESS"],
      ["sql_prod01", "PC-x64", "Windows2019", "WINDOWS"],
      ["new-box", "", "", "UNKNOWN"],
    ]);
    expect(result.merged).toEqual([{ hostname: "SQL Server 2019 (prod)", lines: [2, 6], policies: [] }]);
  });

  it("bpplclients with its header: the rest of a VMware line is the display name, not just its last word", () => {
    const result = parseClientList({ text: sample("bpplclients-vmware.txt") });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(["SQL Server 2019 (prod)", "Exchange DAG node 2 [mbx]", "ahv-app01", "web-fe01"]);
    expect(result.clients[0]).toMatchObject({ hardware: "VMware", os: "Virtual_Machine", networkHostname: "" });
    expect(result.mergedRows).toBe(1);
  });

  it("CSV: a client/display-name column and a host name column; display names need a host name or agentless hardware", () => {
    const result = parseClientList({ text: sample("clients-vm-display-names.csv") });
    expect(result.format).toBe("csv");
    expect(result.clients.map((c) => [c.hostname, c.networkHostname, c.policy])).toEqual([
      ["SQL Server 2019 (prod)", "sqlprod19.corp.example", "VM_Gold, VM_Weekly"],
      ["Payroll app (legacy)", "payroll01", "APP_Daily"],
      ["sql_prod01", "", "SQL_Daily"],
      ["filer01", "", "NDMP_Vol"],
    ]);
    expect(result.errors.map(formatLineError)).toEqual([
      'Line 6: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "Just a label".',
      'Line 8: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "-bad-name".',
      'Line 9: The host name of "web-fe01": Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad host".',
    ]);
  });

  it("a single host name column is still the client's name", () => {
    const result = parseClientList({ text: "hostname,os\nweb-fe01,Linux\n" });
    expect(result.clients).toEqual([{ line: 2, hostname: "web-fe01", networkHostname: "", os: "Linux", hardware: "", policy: "", owner: "" }]);
  });

  it("commands address a display-named VM by its host name, and none without one", () => {
    expect(commandHostFor({ hostname: "sql_prod01", networkHostname: "" })).toBe("sql_prod01");
    expect(commandHostFor({ hostname: "Payroll app (legacy)", networkHostname: "payroll01" })).toBe("payroll01");
    expect(commandHostFor({ hostname: "SQL Server 2019 (prod)", networkHostname: "" })).toBeNull();
  });
});

describe("re-import: fill in, never overwrite", () => {
  const existing = (over: Partial<ExistingClient> & { hostname: string }): ExistingClient => ({ id: `id-${over.hostname}`, networkHostname: "", os: "", hardware: "", policy: "", owner: "", ticked: false, ...over });
  const listed = (over: Partial<ReturnType<typeof parseClientList>["clients"][number]> & { hostname: string }) => ({ line: 1, networkHostname: "", os: "", hardware: "", policy: "", owner: "", ...over });

  it("adds new clients, fills empty fields, merges policies and reports disagreements without applying them", () => {
    const plan = planReimport({
      existing: [existing({ hostname: "web-fe01", os: "RedHat8", policy: "OS_Std" }), existing({ hostname: "acct-db01", os: "Solaris10", hardware: "Solaris", policy: "ACCT", owner: "ops@example.com" })],
      clients: [
        listed({ line: 2, hostname: "WEB-FE01", os: "RedHat9", hardware: "Linux", policy: "OS_Std, WEB_Daily", owner: "web@example.com" }),
        listed({ line: 3, hostname: "acct-db01", os: "Solaris10", policy: "acct" }),
        listed({ line: 4, hostname: "new-one", os: "Windows2019" }),
      ],
    });
    expect(plan.added.map((c) => c.hostname)).toEqual(["new-one"]);
    expect(plan.updated).toEqual([
      { id: "id-web-fe01", hostname: "web-fe01", line: 2, changes: { hardware: "Linux", owner: "web@example.com", policy: "OS_Std, WEB_Daily" }, filled: ["hardware Linux", "owner web@example.com", "policy + WEB_Daily"] },
    ]);
    expect(plan.unchanged).toBe(1);
    expect(plan.conflicts).toEqual([{ hostname: "web-fe01", line: 2, field: "os", kept: "RedHat8", listed: "RedHat9", reason: "the project's value is kept; edit the client to change it" }]);
  });

  it("a client ticked in a run keeps its host name, even an empty one; its other empty fields fill in", () => {
    const plan = planReimport({
      existing: [existing({ hostname: "SQL Server 2019 (prod)", hardware: "VMware", ticked: true }), existing({ hostname: "Payroll app", networkHostname: "", ticked: false })],
      clients: [listed({ line: 5, hostname: "SQL Server 2019 (prod)", networkHostname: "sqlprod19", os: "Virtual_Machine" }), listed({ line: 6, hostname: "Payroll app", networkHostname: "payroll01" })],
    });
    expect(plan.updated.map((u) => [u.hostname, u.changes])).toEqual([
      ["SQL Server 2019 (prod)", { os: "Virtual_Machine" }],
      ["Payroll app", { networkHostname: "payroll01" }],
    ]);
    expect(plan.conflicts).toEqual([{ hostname: "SQL Server 2019 (prod)", line: 5, field: "networkHostname", kept: "", listed: "sqlprod19", reason: "already ticked in a run, so its host name stays as recorded" }]);
  });
});

describe("skipped rows download", () => {
  it("lists every skipped line with its reason and the original line, quoted as CSV", () => {
    const text = sample("clients-vm-display-names.csv");
    const { errors } = parseClientList({ text });
    const csv = skippedRowsCsv({ text, errors });
    const table = readCsv(csv, { delimiter: "," });
    expect(table.header?.cells).toEqual(["line", "reason", "original line"]);
    expect(table.records.map((r) => [r.cells[0], r.cells[2]])).toEqual([
      ["6", "Just a label,,,,OS_Std,"],
      ["8", "-bad-name,,Linux,RedHat8,OS_Std,"],
      ["9", "web-fe01,bad host,Linux,RedHat8,OS_Std,"],
    ]);
    expect(table.records[2].cells[1]).toContain('"bad host"');
  });

  it("numbers CRLF input as the parser does", () => {
    const text = "hostname\r\nok-01\r\nbad/01\r\n";
    const csv = skippedRowsCsv({ text, errors: parseClientList({ text }).errors });
    expect(csv).toContain('3,"Not a valid client name');
    expect(csv).toContain('"bad/01"\r\n');
  });
});
