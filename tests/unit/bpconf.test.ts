import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { bpconfCommandsFor, bpconfInstructions, connectivityCommandsFor, detectOsFamily, planBpconfServers } from "@/lib/fleet/bpconf";

describe("detectOsFamily", () => {
  it.each([
    // bpplclients columns: hardware, OS
    ["PC", "Windows2003", "WINDOWS"],
    ["PC-x64", "Windows2008", "WINDOWS"],
    ["PC-x64", "", "WINDOWS"],
    ["Windows-x64", "Windows2012", "WINDOWS"],
    ["", "Windows 2003", "WINDOWS"],
    ["", "MS-Windows", "WINDOWS"],
    ["Solaris", "Solaris9", "UNIX"],
    ["Solaris", "Solaris10", "UNIX"],
    ["Linux", "RedHat2.6", "UNIX"],
    ["RS6000", "AIX5", "UNIX"],
    ["HP9000-800", "HP-UX11.11", "UNIX"],
    ["", "Red Hat Linux", "UNIX"],
    ["", "AIX 5.3", "UNIX"],
    ["", "HP-UX 11.11", "UNIX"],
    // "Darwin" contains "win" but is not Windows.
    ["Macintosh", "Darwin", "UNIX"],
    // An explicit UNIX OS wins over a PC hardware column.
    ["PC", "Linux", "UNIX"],
    ["", "", "UNIX"],
  ] as const)("hardware %j, OS %j → %s", (hardware, os, family) => {
    expect(detectOsFamily({ hardware, os })).toBe(family);
  });
});

describe("planBpconfServers", () => {
  const hosts = { sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1", "nbu-media2"] };

  it("keep: the master keeps the old name (the new box takes it over)", () => {
    const plan = planBpconfServers({ hostnameStrategy: "KEEP", ...hosts });
    expect(plan.master).toBe("nbu-master1");
    expect(plan.lines).toEqual(["SERVER = nbu-master1", "SERVER = nbu-media1", "SERVER = nbu-media2"]);
    expect(bpconfInstructions({ plan }).note).toBeNull();
  });

  it("rename: the new master first, then the media servers, each on its own SERVER line", () => {
    const plan = planBpconfServers({ hostnameStrategy: "RENAME", ...hosts });
    expect(plan.master).toBe("nbu-master2");
    expect(plan.previousMaster).toBe("nbu-master1");
    expect(bpconfInstructions({ plan }).text).toBe("SERVER = nbu-master2\nSERVER = nbu-media1\nSERVER = nbu-media2");
    expect(bpconfInstructions({ plan }).note).toMatch(/Clients still list nbu-master1/);
  });

  it("matches the primer's example and drops duplicates (a media server equal to the master)", () => {
    const plan = planBpconfServers({ hostnameStrategy: "RENAME", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1", "NBU-MASTER2", "nbu-media1"] });
    expect(plan.lines).toEqual(["SERVER = nbu-master2", "SERVER = nbu-media1"]);
  });

  it("refuses a host name that is not shell-safe", () => {
    expect(() => planBpconfServers({ hostnameStrategy: "KEEP", sourceHost: "nbu;rm -rf /", targetHost: "x", mediaServers: [] })).toThrow(/Refusing/);
  });
});

describe("per-client commands", () => {
  const plan = planBpconfServers({ hostnameStrategy: "RENAME", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1"] });

  it("UNIX: reads the client's list, changes only the names that move, writes it back and checks the client", () => {
    const commands = bpconfCommandsFor({ plan, client: { hostname: "acct-db01", os: "Solaris9", hardware: "Solaris" } });
    expect(commands.family).toBe("UNIX");
    expect(commands.onClient).toContain("cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost");
    expect(commands.fromMaster).toContain("/usr/openv/netbackup/bin/admincmd/bpgetconfig -M acct-db01 SERVER > /tmp/bpconf-acct-db01.before");
    expect(commands.fromMaster).toContain("/usr/openv/netbackup/bin/admincmd/bpsetconfig -h acct-db01 /tmp/bpconf-acct-db01.after");
    expect(commands.fromMaster).toMatch(/bpsetconfig[^\n]*\n\s*\/usr\/openv\/netbackup\/bin\/admincmd\/bptestbpcd -client acct-db01$/);
    expect(commands.verify).toContain("/usr/openv/netbackup/bin/bpclntcmd -pn");
    expect(commands.verify).toContain("bptestbpcd -client acct-db01");
  });

  it("Windows: the registry Server value rebuilt from the current one, new master first, and the same read-change-write from the master", () => {
    const commands = bpconfCommandsFor({ plan, client: { hostname: "sql-cl01", os: "Windows2008", hardware: "PC-x64" } });
    expect(commands.family).toBe("WINDOWS");
    expect(commands.onClient).toContain("Get-ItemProperty $k).Server");
    expect(commands.onClient).toContain("$_ -ne 'nbu-master2' -and $_ -ne 'nbu-master1'");
    expect(commands.onClient).toContain("Set-ItemProperty $k -Name Server -Value (@('nbu-master2') + $keep + $add)");
    expect(commands.fromMaster).toContain("bpgetconfig -M sql-cl01 SERVER");
    expect(commands.fromMaster).toContain("bpsetconfig -h sql-cl01");
    expect(commands.fromMaster).toContain("its registry Server value");
    expect(commands.verify).toContain('"C:\\Program Files\\Veritas\\NetBackup\\bin\\bpclntcmd.exe" -pn');
  });

  it("keep: the commands carry the kept name", () => {
    const keep = planBpconfServers({ hostnameStrategy: "KEEP", sourceHost: "nbu-master1", targetHost: "nbu-master1-new", mediaServers: [] });
    const commands = bpconfCommandsFor({ plan: keep, client: { hostname: "web-fe01", os: "RedHat2.6", hardware: "Linux" } });
    expect(commands.onClient).toContain("-v new='nbu-master1'");
    expect(commands.onClient).not.toContain("nbu-master1-new");
  });

  it("connectivity checks per OS", () => {
    expect(connectivityCommandsFor({ client: { hostname: "exch-mbx01", os: "Windows2003", hardware: "PC" } })).toContain("bpclntcmd.exe");
    expect(connectivityCommandsFor({ client: { hostname: "erp-app02", os: "AIX5", hardware: "RS6000" } })).toBe(
      "/usr/openv/netbackup/bin/admincmd/bptestbpcd -client erp-app02   # on the master\n/usr/openv/netbackup/bin/bpclntcmd -pn   # on erp-app02",
    );
  });

  it("never builds a command for an unsafe client name", () => {
    expect(() => bpconfCommandsFor({ plan, client: { hostname: "x$(reboot)" } })).toThrow(/Refusing/);
    expect(() => bpconfCommandsFor({ plan, client: { hostname: "-exch" } })).toThrow(/Refusing/);
    expect(() => connectivityCommandsFor({ client: { hostname: "a b" } })).toThrow(/Refusing/);
  });

  it("builds commands for NetBackup client names with _ and + (legal in NetBackup, imported as they are)", () => {
    const sql = bpconfCommandsFor({ plan, client: { hostname: "sql_prod01", os: "Windows2008" } });
    expect(sql.family).toBe("WINDOWS");
    expect(sql.fromMaster).toContain("bpsetconfig -h sql_prod01 /tmp/bpconf-sql_prod01.after");
    expect(sql.verify).toContain("bptestbpcd -client sql_prod01");
    expect(connectivityCommandsFor({ client: { hostname: "exch+mbx", hardware: "PC" } })).toContain("bptestbpcd -client exch+mbx");
  });
});

describe("the bp.conf rewrite, run for real on a copy of a client's bp.conf", () => {
  const bpconf = ["SERVER = nbu-master1", "SERVER = nbu-media1", "SERVER = nbu-master1-alias", "CLIENT_NAME = acct-db01", "SERVER = other-master", "VERBOSE = 1", ""].join("\n");
  const run = (command: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bpconf-"));
    fs.writeFileSync(path.join(dir, "bp.conf"), bpconf);
    execFileSync("sh", ["-c", command.split("\n").filter((l) => !l.startsWith("#")).join("\n").replace("cd /usr/openv/netbackup", `cd ${dir}`)]);
    return { after: fs.readFileSync(path.join(dir, "bp.conf"), "utf8"), backup: fs.readFileSync(path.join(dir, "bp.conf.pre-rehost"), "utf8") };
  };
  const rename = planBpconfServers({ hostnameStrategy: "RENAME", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1", "nbu-media2"] });

  it("a rename: the new master first, every other server the client knew kept in its order, the old master gone, missing media servers added, other lines untouched", () => {
    const { after, backup } = run(bpconfCommandsFor({ plan: rename, client: { hostname: "acct-db01", os: "RedHat" } }).onClient);
    expect(backup).toBe(bpconf);
    expect(after.trim().split("\n")).toEqual(["SERVER = nbu-master2", "SERVER = nbu-media1", "SERVER = nbu-master1-alias", "SERVER = other-master", "SERVER = nbu-media2", "CLIENT_NAME = acct-db01", "VERBOSE = 1"]);
  });

  it("until the final Go the old master stays second, so a rollback can still push from it", () => {
    const { after } = run(bpconfCommandsFor({ plan: rename, keepPrevious: true, client: { hostname: "acct-db01", os: "RedHat" } }).onClient);
    expect(after.trim().split("\n").slice(0, 3)).toEqual(["SERVER = nbu-master2", "SERVER = nbu-master1", "SERVER = nbu-media1"]);
  });

  it("the fleet loop's rewrite of bpgetconfig output gives the same list", () => {
    const loop = bpconfInstructions({ plan: rename }).pushAll;
    const awk = /(awk -v new=.*'\s*)"\/tmp\/bpconf-\$c\.before"/.exec(loop)![1];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-bpget-"));
    fs.writeFileSync(path.join(dir, "before"), bpconf.split("\n").filter((l) => l.startsWith("SERVER")).join("\n") + "\n");
    const out = execFileSync("sh", ["-c", `${awk} ${dir}/before`], { encoding: "utf8" });
    expect(out.trim().split("\n")).toEqual(["SERVER = nbu-master2", "SERVER = nbu-media1", "SERVER = nbu-master1-alias", "SERVER = other-master", "SERVER = nbu-media2"]);
  });
});

describe("a rename before its final Go", () => {
  it("lists the old master second until the decision, and only for a rename", () => {
    const before = planBpconfServers({ hostnameStrategy: "RENAME", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1"], keepPrevious: true });
    expect(before.lines).toEqual(["SERVER = nbu-master2", "SERVER = nbu-master1", "SERVER = nbu-media1"]);
    expect(bpconfCommandsFor({ plan: before, client: { hostname: "acct-db01", os: "RedHat" } }).fromMaster).toContain("-v keepold='1'");
    const after = planBpconfServers({ hostnameStrategy: "RENAME", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: ["nbu-media1"], keepPrevious: false });
    expect(after.lines).toEqual(["SERVER = nbu-master2", "SERVER = nbu-media1"]);
    const keep = planBpconfServers({ hostnameStrategy: "KEEP", sourceHost: "nbu-master1", targetHost: "nbu-master2", mediaServers: [], keepPrevious: true });
    expect(keep).toMatchObject({ keepPrevious: false, lines: ["SERVER = nbu-master1"] });
  });
});
