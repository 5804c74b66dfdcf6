/**
 * What a client's server list must say after the move, and the commands that put it there.
 *
 * A NetBackup client only talks to the servers on its list: on UNIX the `SERVER =` lines of
 * /usr/openv/netbackup/bp.conf, on Windows the registry value
 * HKLM\SOFTWARE\Veritas\NetBackup\CurrentVersion\Config\Server (REG_MULTI_SZ). The FIRST entry
 * is the master; the media servers follow. With a kept hostname the list keeps its name; with a
 * rename every client needs the new master's name.
 *
 * Pure (no "server-only"): the fleet panel builds its per-client copy buttons from it.
 */
import { CLIENT_NAME_PATTERN } from "./parse";
import { UNIX_OS, WINDOWS_HARDWARE, WINDOWS_OS } from "./model";

export type OsFamily = "WINDOWS" | "UNIX";
export type HostnameStrategyName = "KEEP" | "RENAME";

export const BPCONF_PATH = "/usr/openv/netbackup/bp.conf";
export const SERVER_REGISTRY_KEY = "HKLM\\SOFTWARE\\Veritas\\NetBackup\\CurrentVersion\\Config";
export const SERVER_REGISTRY_VALUE = "Server";
const ADMINCMD = "/usr/openv/netbackup/bin/admincmd";
const UNIX_BIN = "/usr/openv/netbackup/bin";
const WINDOWS_BIN = "C:\\Program Files\\Veritas\\NetBackup\\bin";

/**
 * Which command form a client gets: Windows, or UNIX for everything else ("Windows2003",
 * "Windows 2008", "PC-x64" are Windows; "Solaris9", "RedHat2.6", "AIX5", "HP-UX11.11" UNIX). A
 * client whose family is unknown gets the UNIX form, with the fleet panel's note to check its OS;
 * agentless clients get no commands at all (lib/fleet/model.ts `clientFamily`).
 */
export function detectOsFamily(client: { os?: string | null; hardware?: string | null }): OsFamily {
  const os = (client.os ?? "").trim();
  const hardware = (client.hardware ?? "").trim();
  if (UNIX_OS.test(os)) return "UNIX";
  if (WINDOWS_OS.test(os)) return "WINDOWS";
  if (WINDOWS_HARDWARE.test(hardware)) return "WINDOWS";
  return "UNIX";
}

/**
 * The name a command addresses a client by: its listed name when that is a NetBackup client name,
 * else (a VM listed by display name) its host name; null when it has neither, and so no command.
 */
export function commandHostFor(client: { hostname: string; networkHostname?: string | null }): string | null {
  if (CLIENT_NAME_PATTERN.test(client.hostname)) return client.hostname;
  const host = client.networkHostname ?? "";
  return CLIENT_NAME_PATTERN.test(host) ? host : null;
}

export interface BpconfPlan {
  strategy: HostnameStrategyName;
  /** The master's name after the move (first SERVER entry). */
  master: string;
  /** The name clients have today; differs from `master` only for a rename. */
  previousMaster: string;
  /** Master first, then the media servers, without duplicates. */
  servers: string[];
  /** "SERVER = <name>" lines, in order. */
  lines: string[];
}

/**
 * The server list every client must end up with. Keep: the new box takes the old name at cutover,
 * so the master is `sourceHost`. Rename: the master is `targetHost`.
 */
export function planBpconfServers(options: { hostnameStrategy: HostnameStrategyName; sourceHost: string; targetHost: string; mediaServers: readonly string[] }): BpconfPlan {
  const master = options.hostnameStrategy === "RENAME" ? options.targetHost.trim() : options.sourceHost.trim();
  const servers: string[] = [];
  const seen = new Set<string>();
  for (const name of [master, ...options.mediaServers.map((m) => m.trim())]) {
    const key = name.toLowerCase();
    if (name === "" || seen.has(key)) continue;
    assertShellSafe(name);
    seen.add(key);
    servers.push(name);
  }
  return { strategy: options.hostnameStrategy, master, previousMaster: options.sourceHost.trim(), servers, lines: servers.map((s) => `SERVER = ${s}`) };
}

export interface ClientCommands {
  family: OsFamily;
  /** Run on the master: pushes the list to this client (UNIX bp.conf or Windows registry alike). */
  fromMaster: string;
  /** Run on the client itself, when the master can't reach it. */
  onClient: string;
  /** Proves the change: the client sees the master, the master reaches the client. */
  verify: string;
}

/** Copyable commands for one client. Host names are validated at import; re-checked here because they go into a shell. */
export function bpconfCommandsFor(options: { plan: BpconfPlan; client: { hostname: string; os?: string | null; hardware?: string | null } }): ClientCommands {
  const { plan, client } = options;
  assertShellSafe(client.hostname);
  const family = detectOsFamily(client);
  const file = `/tmp/bpconf-servers-${client.hostname}.txt`;
  const fromMaster = [
    `# On the master: push the server list to ${client.hostname} (${family === "WINDOWS" ? "writes its registry Server value" : `rewrites the SERVER lines of ${BPCONF_PATH}`})`,
    `printf '%s\\n' ${plan.lines.map((l) => `'${l}'`).join(" ")} > ${file}`,
    `${ADMINCMD}/bpsetconfig -h ${client.hostname} ${file}`,
  ].join("\n");
  const onClient =
    family === "WINDOWS"
      ? [
          `REM On ${client.hostname} (Windows, as Administrator): master first`,
          `reg add "${SERVER_REGISTRY_KEY}" /v ${SERVER_REGISTRY_VALUE} /t REG_MULTI_SZ /d "${plan.servers.join("\\0")}" /f`,
        ].join("\n")
      : [
          `# On ${client.hostname} (UNIX, as root): new SERVER lines first, every other line (CLIENT_NAME, …) kept`,
          `cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost && { printf '%s\\n' ${plan.lines.map((l) => `'${l}'`).join(" ")}; grep -v '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost; } > bp.conf`,
        ].join("\n");
  const verify = [
    family === "WINDOWS" ? `"${WINDOWS_BIN}\\bpclntcmd.exe" -pn   REM on ${client.hostname}: must show ${plan.master}` : `${UNIX_BIN}/bpclntcmd -pn   # on ${client.hostname}: must show ${plan.master}`,
    `${ADMINCMD}/bptestbpcd -client ${client.hostname}   # on the master`,
  ].join("\n");
  return { family, fromMaster, onClient, verify };
}

/** Connectivity-check commands for one client (CHECK_CONNECTIVITY fleet steps). */
export function connectivityCommandsFor(options: { client: { hostname: string; os?: string | null; hardware?: string | null } }): string {
  const { client } = options;
  assertShellSafe(client.hostname);
  const family = detectOsFamily(client);
  return [
    `${ADMINCMD}/bptestbpcd -client ${client.hostname}   # on the master`,
    family === "WINDOWS" ? `"${WINDOWS_BIN}\\bpclntcmd.exe" -pn   REM on ${client.hostname}` : `${UNIX_BIN}/bpclntcmd -pn   # on ${client.hostname}`,
  ].join("\n");
}

/** The step-level instructions: the lines, the file for bpsetconfig, and a loop for the whole fleet. */
export function bpconfInstructions(options: { plan: BpconfPlan }) {
  const { plan } = options;
  const text = plan.lines.join("\n");
  const registryData = plan.servers.join("\\0");
  const pushAll = [
    `# On the master. clients.txt: one client name a line (export it from this panel or bpplclients -allunique -noheader | awk '{print $3}')`,
    `printf '%s\\n' ${plan.lines.map((l) => `'${l}'`).join(" ")} > /tmp/bpconf-servers.txt`,
    `while read -r c; do ${ADMINCMD}/bpsetconfig -h "$c" /tmp/bpconf-servers.txt && ${ADMINCMD}/bptestbpcd -client "$c" >/dev/null 2>&1 && echo "OK $c" || echo "FAILED $c"; done < clients.txt`,
  ].join("\n");
  const unix = [
    `# UNIX client, as root: ${BPCONF_PATH}`,
    `cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost && { printf '%s\\n' ${plan.lines.map((l) => `'${l}'`).join(" ")}; grep -v '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost; } > bp.conf`,
  ].join("\n");
  const windows = [
    `REM Windows client, as Administrator: ${SERVER_REGISTRY_KEY}\\${SERVER_REGISTRY_VALUE} (REG_MULTI_SZ, master first)`,
    `reg add "${SERVER_REGISTRY_KEY}" /v ${SERVER_REGISTRY_VALUE} /t REG_MULTI_SZ /d "${registryData}" /f`,
  ].join("\n");
  const verify = [`bpclntcmd -pn                 # on the client: shows ${plan.master}`, `bptestbpcd -client <client>   # on the master`].join("\n");
  // A client accepts bpsetconfig only from a server already on its list.
  const note =
    plan.strategy === "RENAME" && plan.master.toLowerCase() !== plan.previousMaster.toLowerCase()
      ? `Clients still list ${plan.previousMaster} and accept bpsetconfig only from a server on their list: push from a server they trust today (or while ${plan.previousMaster} resolves to the new master, e.g. through a CNAME), or edit on the client.`
      : null;
  return { text, pushAll, unix, windows, verify, note };
}

/**
 * Client names are checked against CLIENT_NAME_PATTERN (lib/fleet/parse.ts) when they enter the
 * database; this second check keeps a name that slipped in some other way from ever reaching a
 * copied shell command. "_" and "+" are legal NetBackup client names and mean nothing to sh or
 * cmd.exe; the first character can't be "-" (an option) or anything else non-alphanumeric.
 */
function assertShellSafe(name: string): void {
  if (!CLIENT_NAME_PATTERN.test(name)) throw new Error(`Refusing to build a command for the host name ${JSON.stringify(name)}.`);
}
