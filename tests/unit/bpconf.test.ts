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

  it("UNIX: rewrites bp.conf's SERVER lines on the client, master first, keeping the rest", () => {
    const commands = bpconfCommandsFor({ plan, client: { hostname: "acct-db01", os: "Solaris9", hardware: "Solaris" } });
    expect(commands.family).toBe("UNIX");
    expect(commands.onClient).toContain("cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost");
    expect(commands.onClient).toContain("printf '%s\\n' 'SERVER = nbu-master2' 'SERVER = nbu-media1'; grep -v '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost; } > bp.conf");
    expect(commands.fromMaster).toContain("/usr/openv/netbackup/bin/admincmd/bpsetconfig -h acct-db01 /tmp/bpconf-servers-acct-db01.txt");
    expect(commands.verify).toContain("/usr/openv/netbackup/bin/bpclntcmd -pn");
    expect(commands.verify).toContain("bptestbpcd -client acct-db01");
  });

  it("Windows: the registry Server value as a multi-string, master first, and bpsetconfig from the master", () => {
    const commands = bpconfCommandsFor({ plan, client: { hostname: "sql-cl01", os: "Windows2008", hardware: "PC-x64" } });
    expect(commands.family).toBe("WINDOWS");
    expect(commands.onClient).toContain('reg add "HKLM\\SOFTWARE\\Veritas\\NetBackup\\CurrentVersion\\Config" /v Server /t REG_MULTI_SZ /d "nbu-master2\\0nbu-media1" /f');
    expect(commands.fromMaster).toContain("bpsetconfig -h sql-cl01");
    expect(commands.fromMaster).toContain("writes its registry Server value");
    expect(commands.verify).toContain('"C:\\Program Files\\Veritas\\NetBackup\\bin\\bpclntcmd.exe" -pn');
  });

  it("keep: the commands carry the kept name", () => {
    const keep = planBpconfServers({ hostnameStrategy: "KEEP", sourceHost: "nbu-master1", targetHost: "nbu-master1-new", mediaServers: [] });
    const commands = bpconfCommandsFor({ plan: keep, client: { hostname: "web-fe01", os: "RedHat2.6", hardware: "Linux" } });
    expect(commands.onClient).toContain("'SERVER = nbu-master1'");
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
    expect(sql.fromMaster).toContain("bpsetconfig -h sql_prod01 /tmp/bpconf-servers-sql_prod01.txt");
    expect(sql.verify).toContain("bptestbpcd -client sql_prod01");
    expect(connectivityCommandsFor({ client: { hostname: "exch+mbx", hardware: "PC" } })).toContain("bptestbpcd -client exch+mbx");
  });
});
