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
  /**
   * A rename before its final Go: the old master stays second on every client's list, so that a
   * rollback can still push the old lines from a server the clients accept.
   */
  keepPrevious: boolean;
}

/**
 * The server list every client must end up with. Keep: the new box takes the old name at cutover,
 * so the master is `sourceHost`. Rename: the master is `targetHost`.
 */
export function planBpconfServers(options: { hostnameStrategy: HostnameStrategyName; sourceHost: string; targetHost: string; mediaServers: readonly string[]; keepPrevious?: boolean }): BpconfPlan {
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
  const keepPrevious = options.hostnameStrategy === "RENAME" && (options.keepPrevious ?? false) && master.toLowerCase() !== options.sourceHost.trim().toLowerCase();
  if (keepPrevious) assertShellSafe(options.sourceHost.trim());
  const listed = keepPrevious ? [master, options.sourceHost.trim(), ...servers.slice(1)] : servers;
  return { strategy: options.hostnameStrategy, master, previousMaster: options.sourceHost.trim(), servers, lines: listed.map((s) => `SERVER = ${s}`), keepPrevious };
}

export interface ClientCommands {
  family: OsFamily;
  /** Run on the master: reads this client's list, changes only the names that move, writes it back, checks the client. */
  fromMaster: string;
  /** Run on the client itself, when the master can't reach it: the same change, in place. */
  onClient: string;
  /** Proves the change: the client sees the master, the master reaches the client. */
  verify: string;
}

/**
 * The awk program that turns a client's current `SERVER = …` lines into its new list: the new
 * master first, then every server the client already had in its order (media servers, aliases,
 * a second master: bpsetconfig REPLACES the whole list, so anything left out would be lost), the
 * old master dropped on a rename (or kept second until the final Go when `keepPrevious`), then
 * the project's media servers the client didn't list yet.
 */
function rewriteServersAwk(plan: BpconfPlan, keepPrevious: boolean): string {
  const media = plan.servers.slice(1).join(" ");
  const old = plan.strategy === "RENAME" && plan.previousMaster.toLowerCase() !== plan.master.toLowerCase() ? plan.previousMaster : "";
  return [
    `awk -v new='${plan.master}' -v old='${old}' -v keepold='${keepPrevious ? 1 : 0}' -v media='${media}'`,
    `'BEGIN { print "SERVER = " new; seen[tolower(new)] = 1; if (old != "" && keepold == 1) { print "SERVER = " old; seen[tolower(old)] = 1 } }`,
    `$1 == "SERVER" { name = $NF; key = tolower(name); if (key == tolower(old) || (key in seen)) next; print "SERVER = " name; seen[key] = 1 }`,
    `END { n = split(media, m, " "); for (i = 1; i <= n; i++) if (!(tolower(m[i]) in seen)) print "SERVER = " m[i] }'`,
  ].join(" ");
}

/**
 * Copyable commands for one client: read its server list, change only the names that move, write
 * it back and check it straight away. Host names are validated at import; re-checked here because
 * they go into a shell.
 */
export function bpconfCommandsFor(options: { plan: BpconfPlan; client: { hostname: string; os?: string | null; hardware?: string | null }; keepPrevious?: boolean }): ClientCommands {
  const { plan, client } = options;
  const keepPrevious = options.keepPrevious ?? plan.keepPrevious;
  assertShellSafe(client.hostname);
  const family = detectOsFamily(client);
  const before = `/tmp/bpconf-${client.hostname}.before`;
  const after = `/tmp/bpconf-${client.hostname}.after`;
  const fromMaster = [
    `# On the master: read ${client.hostname}'s server list (${family === "WINDOWS" ? "its registry Server value" : `the SERVER lines of ${BPCONF_PATH}`}), change only the names that move, write it back, check it`,
    `${ADMINCMD}/bpgetconfig -M ${client.hostname} SERVER > ${before} && \\`,
    `  ${rewriteServersAwk(plan, keepPrevious)} ${before} > ${after} && \\`,
    `  ${ADMINCMD}/bpsetconfig -h ${client.hostname} ${after} && \\`,
    `  ${ADMINCMD}/bptestbpcd -client ${client.hostname}`,
  ].join("\n");
  const renamed = plan.strategy === "RENAME" && plan.previousMaster.toLowerCase() !== plan.master.toLowerCase();
  const onClient =
    family === "WINDOWS"
      ? [
          `REM On ${client.hostname} (Windows, as Administrator): the new master first, every other server kept in its order`,
          `powershell -NoProfile -Command "$k='${SERVER_REGISTRY_KEY.replace("HKLM\\", "HKLM:\\")}'; $v=@((Get-ItemProperty $k).${SERVER_REGISTRY_VALUE}); $keep=@($v | Where-Object { $_ -ne '${plan.master}'${renamed && !keepPrevious ? ` -and $_ -ne '${plan.previousMaster}'` : ""} }); $add=@(${plan.servers.slice(1).map((m) => `'${m}'`).join(",")} | Where-Object { $v -notcontains $_ }); Set-ItemProperty $k -Name ${SERVER_REGISTRY_VALUE} -Value (@('${plan.master}') + $keep + $add)"`,
        ].join("\n")
      : [
          `# On ${client.hostname} (UNIX, as root): the SERVER lines rebuilt from the current ones (new master first, the rest kept in order), every other line (CLIENT_NAME, …) kept`,
          `cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost && { grep '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost | ${rewriteServersAwk(plan, keepPrevious)}; grep -v '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost; } > bp.conf`,
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

/**
 * The step-level instructions: the servers every client must have, and a loop for the whole fleet
 * that reads each client's list, changes only the names that move, writes it back and checks the
 * client, one at a time (a client that fails is reported and the loop goes on).
 */
export function bpconfInstructions(options: { plan: BpconfPlan; keepPrevious?: boolean }) {
  const { plan } = options;
  const keepPrevious = options.keepPrevious ?? plan.keepPrevious;
  const text = plan.lines.join("\n");
  const pushAll = [
    `# On the master. clients.txt: one client name a line (export it from this panel or bpplclients -allunique -noheader | awk '{print $3}')`,
    `# Agentless clients (VMware, Hyper-V, NDMP) have no bp.conf: leave them out of clients.txt.`,
    `while read -r c; do`,
    `  ${ADMINCMD}/bpgetconfig -M "$c" SERVER > "/tmp/bpconf-$c.before" &&`,
    `  ${rewriteServersAwk(plan, keepPrevious)} "/tmp/bpconf-$c.before" > "/tmp/bpconf-$c.after" &&`,
    `  ${ADMINCMD}/bpsetconfig -h "$c" "/tmp/bpconf-$c.after" &&`,
    `  ${ADMINCMD}/bptestbpcd -client "$c" >/dev/null 2>&1 && echo "OK $c" || echo "FAILED $c (its list before: /tmp/bpconf-$c.before)"`,
    `done < clients.txt`,
  ].join("\n");
  const unix = [
    `# UNIX client, as root: ${BPCONF_PATH}; the current SERVER lines are rebuilt, not replaced`,
    `cd /usr/openv/netbackup && cp -p bp.conf bp.conf.pre-rehost && { grep '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost | ${rewriteServersAwk(plan, keepPrevious)}; grep -v '^[[:space:]]*SERVER[[:space:]]*=' bp.conf.pre-rehost; } > bp.conf`,
  ].join("\n");
  const windows = [
    `REM Windows client, as Administrator: ${SERVER_REGISTRY_KEY}\\${SERVER_REGISTRY_VALUE} (REG_MULTI_SZ); the new master first, the other servers kept`,
    bpconfCommandsFor({ plan, keepPrevious, client: { hostname: "CLIENT", os: "Windows" } }).onClient.split("\n")[1],
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
