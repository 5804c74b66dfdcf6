import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { detectClientListFormat, formatLineError, MAX_IMPORT_CLIENTS, parseClientList } from "@/lib/fleet/parse";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// Copies of shared/domain/samples, so the tests run in any checkout.
const samplesDir = path.join(repoRoot, "tests", "unit", "fixtures");
const sample = (name: string) => fs.readFileSync(path.join(samplesDir, name), "utf8");

const SAMPLE_HOSTS = ["acct-db01", "acct-db02", "erp-app01", "erp-app02", "web-fe01", "web-fe02", "exch-mbx01", "file-srv01", "sql-cl01", "legacy-nis"];

describe("bpplclients output", () => {
  it("parses the -noheader sample: hardware, OS, client name", () => {
    const result = parseClientList({ text: sample("bpplclients.txt") });
    expect(result.format).toBe("bpplclients");
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(SAMPLE_HOSTS);
    expect(result.clients[0]).toEqual({ line: 1, hostname: "acct-db01", hardware: "Solaris", os: "Solaris9", policy: "", owner: "" });
    expect(result.clients[8]).toEqual({ line: 9, hostname: "sql-cl01", hardware: "PC-x64", os: "Windows2008", policy: "", owner: "" });
  });

  it("parses the form with the Hardware/OS/Client header and dashed line, numbering lines as in the input", () => {
    const text = [
      "Hardware         OS               Client",
      "---------------  ---------------  ---------------",
      "Solaris          Solaris9         acct-db01",
      "PC               Windows2003      exch-mbx01",
      "",
      "HP9000-800       HP-UX11.11       erp-app01",
    ].join("\n");
    expect(detectClientListFormat({ text })).toBe("bpplclients");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.line, c.hardware, c.os, c.hostname])).toEqual([
      [3, "Solaris", "Solaris9", "acct-db01"],
      [4, "PC", "Windows2003", "exch-mbx01"],
      [6, "HP9000-800", "HP-UX11.11", "erp-app01"],
    ]);
  });

  it("gives the same clients for the sample with a header prepended and CRLF line ends", () => {
    const withHeader = `Hardware  OS  Client\r\n--------  --  ------\r\n${sample("bpplclients.txt").replace(/\n/g, "\r\n")}`;
    const result = parseClientList({ text: withHeader });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(SAMPLE_HOSTS);
    expect(result.clients[0].line).toBe(3);
  });

  it("accepts tabs and runs of spaces, and a plain list of host names", () => {
    const result = parseClientList({ text: "Linux\tRedHat2.6\t\tweb-fe01\nnbu-client-07\n" });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.hostname, c.os, c.hardware])).toEqual([
      ["web-fe01", "RedHat2.6", "Linux"],
      ["nbu-client-07", "", ""],
    ]);
  });

  it("reports a line with two fields, with its line number", () => {
    const result = parseClientList({ text: "Solaris Solaris9 acct-db01\nSolaris acct-db02\n" });
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01"]);
    expect(result.errors).toEqual([{ line: 2, hostname: null, message: 'Expected hardware, OS and client name separated by spaces; found 2 fields ("Solaris acct-db02").' }]);
  });

  it("reports invalid and duplicate (case-insensitive) host names per line", () => {
    const text = ["Solaris Solaris9 acct-db01", "Linux RedHat2.6 web_fe01", "Solaris Solaris9 ACCT-DB01", "PC Windows2003 -exch"].join("\n");
    const result = parseClientList({ text });
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01"]);
    expect(result.errors.map(formatLineError)).toEqual([
      'Line 2: Not a valid host name: "web_fe01".',
      'Line 3: "ACCT-DB01" is listed twice (first on line 1).',
      'Line 4: Not a valid host name: "-exch".',
    ]);
  });
});

describe("CSV", () => {
  it("parses the sample spreadsheet export", () => {
    const result = parseClientList({ text: sample("clients.csv") });
    expect(result.format).toBe("csv");
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(SAMPLE_HOSTS);
    expect(result.clients[6]).toEqual({ line: 8, hostname: "exch-mbx01", os: "Windows 2003", hardware: "", policy: "EXCH_Full", owner: "msg-team@example.com" });
  });

  it("tolerates a BOM, CRLF line ends and header names in any case and order", () => {
    const text = "\uFEFFOwner,HOSTNAME,Policy,Os\r\nops@example.com,web-fe01,WEB_Std,Red Hat Linux\r\n\r\nwintel@example.com,file-srv01,FILE_Std,Windows 2003\r\n";
    const result = parseClientList({ text });
    expect(result.format).toBe("csv");
    expect(result.errors).toEqual([]);
    expect(result.clients).toEqual([
      { line: 2, hostname: "web-fe01", os: "Red Hat Linux", hardware: "", policy: "WEB_Std", owner: "ops@example.com" },
      { line: 4, hostname: "file-srv01", os: "Windows 2003", hardware: "", policy: "FILE_Std", owner: "wintel@example.com" },
    ]);
  });

  it("reads semicolon-separated exports, quoted values and a hardware column", () => {
    const text = 'hostname;os;hardware;policy;owner\nsql-cl01;"Windows 2008; SP2";PC-x64;SQL_Daily;"Team ""DB"""\n';
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients[0]).toEqual({ line: 2, hostname: "sql-cl01", os: "Windows 2008; SP2", hardware: "PC-x64", policy: "SQL_Daily", owner: 'Team "DB"' });
  });

  it("recognises a single-column CSV by its header", () => {
    const text = "Hostname\r\nacct-db01\r\nacct-db02\r\n";
    expect(detectClientListFormat({ text })).toBe("csv");
    expect(parseClientList({ text }).clients.map((c) => c.hostname)).toEqual(["acct-db01", "acct-db02"]);
  });

  it("refuses a file without a hostname column and names the columns it found", () => {
    const result = parseClientList({ text: "name,os,policy\nacct-db01,Solaris 9,ACCT\n" });
    expect(result.clients).toEqual([]);
    expect(result.errors).toEqual([
      { line: 1, hostname: null, message: 'The header has no hostname column (found: "name", "os", "policy"). Name the columns hostname, os, policy, owner.' },
    ]);
  });

  it("reports duplicate and invalid host names with the line numbers of the file", () => {
    const text = ["hostname,os,policy,owner", "acct-db01,Solaris 9,A,a@x", "bad host,Solaris 9,A,a@x", "Acct-DB01,Solaris 9,A,a@x", ",Solaris 9,A,a@x", "ok-01,Linux,A,a@x"].join("\r\n");
    const result = parseClientList({ text });
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01", "ok-01"]);
    expect(result.errors.map(formatLineError)).toEqual([
      'Line 3: Not a valid host name: "bad host".',
      'Line 4: "Acct-DB01" is listed twice (first on line 2).',
      "Line 5: The host name is empty.",
    ]);
  });

  it("counts lines correctly after a quoted value spanning two lines", () => {
    const text = 'hostname,os,policy,owner\nacct-db01,Solaris,"A\nB",x\nbad_name,Linux,C,y\n';
    const result = parseClientList({ text });
    expect(result.clients[0].policy).toBe("A\nB");
    expect(result.errors).toEqual([{ line: 4, hostname: "bad_name", message: 'Not a valid host name: "bad_name".' }]);
  });

  it("reports a row with more fields than the header, and an unclosed quote", () => {
    const result = parseClientList({ text: 'hostname,os\nweb-fe01,Red Hat, Linux\nweb-fe02,"Red Hat\n' });
    expect(result.clients).toEqual([]);
    expect(result.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(result.errors[0].message).toBe('3 fields, but the header has 2 columns. A value containing "," must be in double quotes.');
    expect(result.errors[1].message).toBe('A quoted value is not closed (a missing ").');
  });

  it("rejects over-long values", () => {
    const result = parseClientList({ text: `hostname,owner\nweb-fe01,${"x".repeat(201)}\n` });
    expect(result.errors).toEqual([{ line: 2, hostname: "web-fe01", message: "The owner is longer than 200 characters." }]);
  });
});

describe("checks against the project", () => {
  it("reports clients already in the project as duplicates, case-insensitively", () => {
    const result = parseClientList({ text: sample("clients.csv"), existingHostnames: ["ERP-APP01", "legacy-nis"] });
    expect(result.clients).toHaveLength(8);
    expect(result.errors.map(formatLineError)).toEqual(['Line 4: "erp-app01" is already a client of this project.', 'Line 11: "legacy-nis" is already a client of this project.']);
  });

  it("says so when there is nothing to import", () => {
    expect(parseClientList({ text: "  \n\n" }).errors).toEqual([{ line: 1, hostname: null, message: "No clients found in the list." }]);
    expect(parseClientList({ text: "hostname,os\n" }).errors).toEqual([{ line: 1, hostname: null, message: "No clients found in the list." }]);
  });

  it("stops at the import limit", () => {
    const text = Array.from({ length: MAX_IMPORT_CLIENTS + 5 }, (_, i) => `c${i}`).join("\n");
    const result = parseClientList({ text });
    expect(result.clients).toHaveLength(MAX_IMPORT_CLIENTS);
    expect(result.errors).toEqual([{ line: MAX_IMPORT_CLIENTS + 1, hostname: `c${MAX_IMPORT_CLIENTS}`, message: "More than 10,000 clients in one import; split the list." }]);
  });

  it("parses 5,000 clients quickly", () => {
    const text = "hostname,os,policy,owner\n" + Array.from({ length: 5000 }, (_, i) => `client-${String(i).padStart(5, "0")},Solaris 10,P${i % 7},ops@example.com`).join("\n");
    const started = performance.now();
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients).toHaveLength(5000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
