import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { clientName, detectClientListFormat, detectClientListShape, formatLineError, MAX_CLIENT_FIELD_LENGTH, MAX_IMPORT_CLIENTS, mergeNote, parseClientList } from "@/lib/fleet/parse";

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
    expect(result.clients[0]).toEqual({ line: 1, hostname: "acct-db01", networkHostname: "", hardware: "Solaris", os: "Solaris9", policy: "", owner: "" });
    expect(result.clients[8]).toEqual({ line: 9, hostname: "sql-cl01", networkHostname: "", hardware: "PC-x64", os: "Windows2008", policy: "", owner: "" });
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

  it("reports invalid host names per line and merges a repeated client (case-insensitive) into its first line", () => {
    const text = ["Solaris Solaris9 acct-db01", "Solaris Solaris9 ACCT-DB01", "PC Windows2003 -exch", "PC Windows2003 bad/name"].join("\n");
    const result = parseClientList({ text });
    expect(result.clients.map((c) => [c.line, c.hostname])).toEqual([[1, "acct-db01"]]);
    expect(result.merged).toEqual([{ hostname: "acct-db01", lines: [1, 2], policies: [] }]);
    expect(result.mergedRows).toBe(1);
    expect(result.errors.map(formatLineError)).toEqual([
      'Line 3: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "-exch".',
      'Line 4: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad/name".',
    ]);
    // "web fe01" has four fields: hardware Linux, OS "RedHat2.6 web", client fe01 — a VM display name with a space is not ours to guess.
    expect(parseClientList({ text: "Linux RedHat2.6 web fe01" }).clients[0].hostname).toBe("fe01");
  });
});

describe("every bpplclients shape, as NetBackup prints it", () => {
  it("plain bpplclients (a client once per policy): merged, not refused; _ and + accepted", () => {
    const text = sample("bpplclients-plain.txt");
    expect(detectClientListFormat({ text })).toBe("bpplclients");
    expect(detectClientListShape({ text })).toBe("bpplclients");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.line, c.hardware, c.os, c.hostname])).toEqual([
      [3, "Solaris", "Solaris9", "acct-db01"],
      [4, "Solaris", "Solaris10", "acct-db02"],
      [6, "PC-x64", "Windows2008", "sql_prod01"],
      [7, "PC", "Windows2003", "exch+mbx"],
      [9, "Linux", "RedHat2.6", "web-fe01"],
      [11, "Virtual_Machine", "Virtual_Machine", "vm-web03"],
    ]);
    expect(result.mergedRows).toBe(3);
    expect(result.merged.map((m) => [m.hostname, m.lines])).toEqual([
      ["acct-db01", [3, 5]],
      ["sql_prod01", [6, 8, 10]],
    ]);
    expect(mergeNote(result)).toBe("Merged 3 repeated lines into 2 clients, their policies collected.");
  });

  it("-allunique with its header", () => {
    const result = parseClientList({ text: sample("bpplclients-allunique.txt") });
    expect(result.errors).toEqual([]);
    expect(result.mergedRows).toBe(0);
    expect(mergeNote(result)).toBeNull();
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01", "acct-db02", "erp-app01", "sql_prod01", "exch+mbx", "web-fe01", "filer01"]);
    expect(result.clients[6]).toEqual({ line: 9, hostname: "filer01", networkHostname: "", hardware: "NDMP", os: "NDMP", policy: "", owner: "" });
  });

  it("-allunique -l: the name is the second field, not the last; *NULL* is blank", () => {
    const text = sample("bpplclients-allunique-l.txt");
    expect(detectClientListFormat({ text })).toBe("bpplclients");
    expect(detectClientListShape({ text })).toBe("bpplclients-long");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01", "acct-db02", "sql_prod01", "exch+mbx", "vm-web03", "web-fe01"]);
    expect(result.clients[0]).toEqual({ line: 1, hostname: "acct-db01", networkHostname: "", hardware: "Solaris", os: "Solaris9", policy: "", owner: "" });
    expect(result.clients[4]).toEqual({ line: 5, hostname: "vm-web03", networkHostname: "", hardware: "Virtual_Machine", os: "", policy: "", owner: "" });
  });

  it("-noheader", () => {
    const text = sample("bpplclients-noheader.txt");
    expect(detectClientListShape({ text })).toBe("bpplclients");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.line, c.hostname])).toEqual([
      [1, "acct-db01"],
      [2, "acct-db02"],
      [3, "erp-app02"],
      [4, "sql_prod01"],
      [5, "exch+mbx"],
      [6, "web-fe02"],
    ]);
  });

  it("CRLF line ends, as copied from a Windows master", () => {
    const text = sample("bpplclients-allunique-crlf.txt");
    expect(text).toContain("\r\n");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => [c.line, c.hardware, c.os, c.hostname])).toEqual([
      [3, "Solaris", "Solaris9", "acct-db01"],
      [4, "PC-x64", "Windows2008", "sql_prod01"],
      [5, "PC", "Windows2003", "exch+mbx"],
      [6, "Linux", "RedHat2.6", "web-fe01"],
    ]);
  });

  it("one name a line", () => {
    const text = sample("client-names.txt");
    expect(detectClientListShape({ text })).toBe("host-list");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(["acct-db01", "acct-db02", "sql_prod01", "exch+mbx", "web-fe01.example.com"]);
    expect(result.clients.every((c) => c.os === "" && c.hardware === "")).toBe(true);
  });

  it("a CSV with one row per policy and client: one client each, policies collected in order", () => {
    const text = sample("clients-per-policy.csv");
    expect(detectClientListFormat({ text })).toBe("csv");
    expect(detectClientListShape({ text })).toBe("csv");
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients).toEqual([
      { line: 2, hostname: "acct-db01", networkHostname: "", hardware: "Solaris", os: "Solaris9", policy: "ACCT_DB_Daily, OS_Std", owner: "" },
      { line: 3, hostname: "acct-db02", networkHostname: "", hardware: "Solaris", os: "Solaris10", policy: "ACCT_DB_Daily", owner: "" },
      { line: 4, hostname: "sql_prod01", networkHostname: "", hardware: "PC-x64", os: "Windows2008", policy: "SQL_Daily, SQL_Weekly, OS_Std", owner: "" },
      { line: 6, hostname: "exch+mbx", networkHostname: "", hardware: "PC", os: "Windows2003", policy: "EXCH_Full, OS_Std", owner: "" },
    ]);
    expect(result.merged).toEqual([
      { hostname: "acct-db01", lines: [2, 7], policies: ["ACCT_DB_Daily", "OS_Std"] },
      { hostname: "sql_prod01", lines: [4, 5, 8], policies: ["SQL_Daily", "SQL_Weekly", "OS_Std"] },
      { hostname: "exch+mbx", lines: [6, 9], policies: ["EXCH_Full", "OS_Std"] },
    ]);
    expect(result.mergedRows).toBe(4);
  });

  it("many policies on one client stay within the field limit and say how many did not fit", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `POLICY_NUMBER_${String(i).padStart(2, "0")},sql_prod01`);
    const result = parseClientList({ text: ["policy,client", ...rows].join("\n") });
    expect(result.errors).toEqual([]);
    const policy = result.clients[0].policy;
    expect(policy.length).toBeLessThanOrEqual(MAX_CLIENT_FIELD_LENGTH);
    expect(policy).toMatch(/^POLICY_NUMBER_00, POLICY_NUMBER_01, .*, \+\d+ more$/);
    const kept = policy.split(", ").length - 1;
    expect(policy.endsWith(`+${40 - kept} more`)).toBe(true);
    expect(result.merged[0].policies).toHaveLength(40);
  });

  it("the same client names give the same clients in every shape", () => {
    const names = (file: string) => parseClientList({ text: sample(file) }).clients.map((c) => c.hostname.toLowerCase()).sort();
    expect(names("bpplclients-allunique-crlf.txt")).toEqual(["acct-db01", "exch+mbx", "sql_prod01", "web-fe01"]);
    for (const file of ["bpplclients-plain.txt", "bpplclients-allunique.txt", "bpplclients-allunique-l.txt", "bpplclients-noheader.txt", "client-names.txt", "clients-per-policy.csv"]) {
      expect(names(file)).toEqual(expect.arrayContaining(["acct-db01", "exch+mbx", "sql_prod01"]));
    }
  });
});

describe("client names", () => {
  it("accepts what NetBackup accepts and refuses what a shell or DNS would choke on", () => {
    for (const ok of ["sql_prod01", "exch+mbx", "web-fe01.example.com", "A1", "x_y+z-1.b_c"]) expect(clientName.safeParse(ok).success, ok).toBe(true);
    for (const bad of ["-exch", "_lead", "+lead", "a..b", "a.", "a b", "a/b", "a;rm", "a$b", "a'b", "a%b", ""]) expect(clientName.safeParse(bad).success, bad).toBe(false);
  });
});

describe("CSV", () => {
  it("parses the sample spreadsheet export", () => {
    const result = parseClientList({ text: sample("clients.csv") });
    expect(result.format).toBe("csv");
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toEqual(SAMPLE_HOSTS);
    expect(result.clients[6]).toEqual({ line: 8, hostname: "exch-mbx01", networkHostname: "", os: "Windows 2003", hardware: "", policy: "EXCH_Full", owner: "msg-team@example.com" });
  });

  it("tolerates a BOM, CRLF line ends and header names in any case and order", () => {
    const text = "\uFEFFOwner,HOSTNAME,Policy,Os\r\nops@example.com,web-fe01,WEB_Std,Red Hat Linux\r\n\r\nwintel@example.com,file-srv01,FILE_Std,Windows 2003\r\n";
    const result = parseClientList({ text });
    expect(result.format).toBe("csv");
    expect(result.errors).toEqual([]);
    expect(result.clients).toEqual([
      { line: 2, hostname: "web-fe01", networkHostname: "", os: "Red Hat Linux", hardware: "", policy: "WEB_Std", owner: "ops@example.com" },
      { line: 4, hostname: "file-srv01", networkHostname: "", os: "Windows 2003", hardware: "", policy: "FILE_Std", owner: "wintel@example.com" },
    ]);
  });

  it("reads semicolon-separated exports, quoted values and a hardware column", () => {
    const text = 'hostname;os;hardware;policy;owner\nsql-cl01;"Windows 2008; SP2";PC-x64;SQL_Daily;"Team ""DB"""\n';
    const result = parseClientList({ text });
    expect(result.errors).toEqual([]);
    expect(result.clients[0]).toEqual({ line: 2, hostname: "sql-cl01", networkHostname: "", os: "Windows 2008; SP2", hardware: "PC-x64", policy: "SQL_Daily", owner: 'Team "DB"' });
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

  it("reports invalid host names with the line numbers of the file, and merges a repeated one", () => {
    const text = ["hostname,os,policy,owner", "acct-db01,Solaris 9,A,a@x", "bad host,Solaris 9,A,a@x", "Acct-DB01,Solaris 9,B,a@x", ",Solaris 9,A,a@x", "ok-01,Linux,A,a@x"].join("\r\n");
    const result = parseClientList({ text });
    expect(result.clients.map((c) => [c.hostname, c.policy])).toEqual([
      ["acct-db01", "A, B"],
      ["ok-01", "A"],
    ]);
    expect(result.errors.map(formatLineError)).toEqual([
      'Line 3: Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad host".',
      "Line 5: The host name is empty.",
    ]);
  });

  it("counts lines correctly after a quoted value spanning two lines", () => {
    const text = 'hostname,os,policy,owner\nacct-db01,Solaris,"A\nB",x\nbad=name,Linux,C,y\n';
    const result = parseClientList({ text });
    expect(result.clients[0].policy).toBe("A\nB");
    expect(result.errors).toEqual([{ line: 4, hostname: "bad=name", message: 'Not a valid client name (letters, digits, and . - _ + only, starting with a letter or digit): "bad=name".' }]);
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
  it("leaves clients already in the project to the import (it fills them in): they parse like any other", () => {
    const result = parseClientList({ text: sample("clients.csv") });
    expect(result.errors).toEqual([]);
    expect(result.clients.map((c) => c.hostname)).toContain("erp-app01");
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
