/**
 * Text the NetBackup templates share, so a correction reaches all of them. Commands are written
 * for 8.1–10.x with the classic (3.x–7.x) forms noted; `<source-host>` / `<target-host>` (and
 * `<old-master>` / `<new-master>`) are filled with the project's hosts, any other `<…>` is a
 * prompt for the operator (lib/templates/placeholders.ts).
 */
import type { NetbackupVariant } from "./ids";
import type { RunbookDocumentInput } from "./runbook-document";

/** Written under /usr/openv so it travels with the copy and also stays on the old server for a rollback. */
export const ACTIVE_POLICIES_FILE = "/usr/openv/netbackup/active-policies-before-cutover.txt";
export const ACTIVE_SLPS_FILE = "/usr/openv/netbackup/slps-before-cutover.txt";

export const DEACTIVATE_COMMANDS =
  `bppllist -allpolicies -U | awk '/^Policy Name:/ {p=$NF} /^ *Active:/ && $NF=="yes" {print p}' > ${ACTIVE_POLICIES_FILE}\n` +
  `while read p; do bpplinfo "$p" -modify -inactive; done < ${ACTIVE_POLICIES_FILE}\n` +
  `nbstl -b > ${ACTIVE_SLPS_FILE}                                  # SLP names (6.5 and later)\n` +
  `while read s; do nbstlutil inactive -lifecycle "$s"; done < ${ACTIVE_SLPS_FILE}\n` +
  "bpdbjobs -summary";

export const REACTIVATE_COMMANDS =
  `while read p; do bpplinfo "$p" -modify -active; done < ${ACTIVE_POLICIES_FILE}\n` +
  `while read s; do nbstlutil active -lifecycle "$s"; done < ${ACTIVE_SLPS_FILE}   # 6.5 and later\n` +
  "bppllist -allpolicies -U | grep -c 'Active: *yes'";

export const COPY_PATH_DETAILS =
  "**Pick the copy path now.**\n\n" +
  "- **Same OS and CPU architecture, same NetBackup version:** copy `/usr/openv` (tar or rsync) to the same install path. This template is written for this path.\n" +
  "- **Different OS or CPU architecture** (SPARC → x86, Solaris → Linux, Windows ↔ UNIX): **don't tar.** tar would copy the old platform's binaries. " +
  "Install the *same* NetBackup version fresh on the new box, with the same hostname and install path, then recover the catalog from the catalog backup (`bprecover` or the recovery wizard; 8.1 and later: install in disaster-recovery mode with the DR package passphrase). " +
  "Windows ↔ UNIX catalog moves may need the vendor's services. On this path, replace the copy steps with the recovery and run the plan check again.";

export const SYMLINK_INVENTORY =
  "find /usr/openv -type l -exec ls -ld {} \\;            # symlinked catalog locations: copy their targets too\n" +
  "ls -ld /usr/openv/netbackup/db/images                 # the images catalog: often a symlink\n" +
  "cat /usr/openv/db/data/vxdbms.conf                     # NBDB file locations (moved with nbdb_move?)";

export const DISK_STORAGE_INVENTORY =
  "nbdevquery -liststs -U                 # disk storage servers (MSDP, AdvancedDisk, cloud)\n" +
  "nbdevquery -listdp -U                  # disk pools\n" +
  "tpconfig -dsh                          # storage servers with stored credentials";

export const DISK_STORAGE_VERIFY =
  "nbdevquery -listdv -stype PureDisk -U       # MSDP volumes: UP\n" +
  "nbdevquery -listdv -stype AdvancedDisk -U   # AdvancedDisk volumes: UP\n" +
  "tpconfig -dsh                               # credentials present; re-add a missing one with tpconfig -add -storage_server …";

export const CATALOG_VERIFY_COMMANDS = "bpimagelist -hoursago 48\nbppllist\nbpmedialist\nbpdbm -consistency   # classic\nnbcc                 # 6.x and later";

export const REHEARSAL_WARNING =
  "**Never start NetBackup on this copy.** It holds the production configuration: started, it would contact the clients and the robot as if it were the master, and run their schedules. " +
  "Check with `bpps -x` after the copy that nothing runs, and keep it stopped until the cutover.";

export const PRESEED_COMMANDS =
  "rsync -aH --numeric-ids --delete /usr/openv/ <target-host>:/usr/openv/\n" +
  "rsync -aH --numeric-ids --delete <catalog-location>/ <target-host>:<catalog-location>/   # each symlink target from the inventory\n" +
  "ssh <target-host> /usr/openv/netbackup/bin/bpps -x   # must show no NetBackup process";

// ---------------------------------------------------------------------------------------------
// Variants (lib/templates/netbackup-variants.ts). The documents above are written for 8.1–9.x on
// the same platform; these rewrite them for the other version families and for a platform change.

type Step = RunbookDocumentInput["phases"][number]["steps"][number];

export const VERSION_FAMILY_TEXT: Record<NetbackupVariant["version"], string> = {
  BEFORE_8_1: "NetBackup before 8.1 (7.x, 8.0; the 3.x–6.x commands noted)",
  V8_1_TO_9: "NetBackup 8.1–9.x",
  V10: "NetBackup 10.x",
};

/** Lines and sentences that only exist from 8.1 on: certificates, the DR package, the web service account. */
const MODERN_SECURITY_LINE = /nbcertcmd|nbhostidentity|nbwebsvc|nbwebgrp|\.drpkg|8\.1 and later/;

/**
 * Before 8.1: no host certificates, no DR package passphrase, no web service account. Drops the
 * commands that only exist from 8.1 on and the "**8.1 and later:**" parts of the prose.
 */
export function withoutModernSecurity(step: Step): Step {
  const details = (step.details ?? "")
    .split("\n\n")
    .map((paragraph) => paragraph.replace(/\s*\*\*8\.1 and later[:*]?\*?\*?[\s\S]*$/, "").replace(/;\s*8\.1 and later [^.]*\./g, ".").replace(/;\s*8\.1 and later: [^)]*\)/g, ")").replace(/, new host certificates \(8\.1 and later\)/g, "").trimEnd())
    .filter((paragraph) => paragraph !== "")
    .join("\n\n");
  const commands = (step.commands ?? "")
    .split("\n")
    .filter((line) => !MODERN_SECURITY_LINE.test(line))
    .join("\n");
  const verification = (step.verification ?? "")
    .replace(/\s*\((?:and )?(?:the )?\.drpkg[^)]*\)/g, "")
    .replace(/;\s*8\.1 and later:[^;]*?(?=;|$)/g, "")
    .replace(/\s*\(and \.drpkg\)/g, "")
    .replace(/\s*\(and [^)]*8\.1 and later\)/g, "")
    .replace(/;\s*service accounts match[^;.]*/g, "")
    .replace(/ or certificates\b/g, "");
  return { ...step, title: step.title.replace(/ and create the service accounts$/, ""), details, commands, verification: verification.endsWith(".") || verification === "" ? verification : `${verification}.` };
}

/**
 * 10.x calls the master a primary server. Prose only: command options (`-machinetype master`,
 * `-masterserver`) and placeholders (`<old-master>`) keep their spelling.
 */
export function primaryServerWording(text: string): string {
  return text
    .replace(/(?<![-<\w])([Mm])aster(?=\/| server)/g, (_m, m: string) => (m === "M" ? "Primary" : "primary"))
    .replace(/(?<![-<\w])([Mm])asters\b(?![->])/g, (_m, m: string) => (m === "M" ? "Primary servers" : "primary servers"))
    .replace(/(?<![-<\w])([Mm])aster\b(?![->])/g, (_m, m: string) => (m === "M" ? "Primary server" : "primary server"));
}

/** On 10.x the services run as a non-root service user, created like the web service account. */
export const SERVICE_USER_CHECK =
  "id <service-user>                  # 10.x: the non-root user the NetBackup services run as (SERVICE_USER at install, often nbsvcusr; verify for your release): same UID and GID on both servers";

/** 10.x: primary-server wording, the service user beside the web service account, and no 3.x–7.x command lines. */
export function forNetbackupTen(step: Step): Step {
  const commands = (step.commands ?? "")
    .split("\n")
    .filter((line) => !/#\s*(classic|3\.x\/4\.x)\b(?!:)/.test(line) && !/^bpbackupdb\b/.test(line))
    .flatMap((line) => (/^id nbwebsvc/.test(line) ? [line, SERVICE_USER_CHECK] : [line]))
    .join("\n");
  return {
    ...step,
    title: primaryServerWording(step.title),
    details: primaryServerWording(step.details ?? "").replace("on 10.x also the NetBackup service user", "and the NetBackup service user the services run as"),
    commands,
    verification: primaryServerWording(step.verification ?? ""),
  };
}

/** Step 1 of the master templates on the recovery path. */
export const RECOVERY_PATH_DETAILS =
  "**This plan follows the recovery path:** the new server has a different OS or CPU architecture (SPARC → x86, Solaris → Linux, Windows ↔ UNIX). " +
  "Copying `/usr/openv` would copy the old platform's binaries, so nothing is copied: the same NetBackup version is installed fresh on the new box with the same install path, and the catalog is recovered from a catalog backup. " +
  "The catalog backup therefore carries the whole move: the rehearsal recovers one before the window, and the first gate checks it.\n\n" +
  "**Vendor-assisted:** a catalog moved between Windows and UNIX may need the vendor's services (path and name conventions in the catalog differ): check for the version at hand before planning further.";

/** Where the catalog backups go on the recovery path, so the new server reads them without the library. */
export const CATALOG_DISK_DETAILS =
  "Point the catalog backup policy at a disk storage unit (BasicDisk) whose directory, `<catalog-backup-directory>`, can be copied to the new server at the same path: the recovery then doesn't wait for the tape library to be recabled and configured.";

export const RECOVERY_WARNING =
  "**Never let this box reach production before the cutover.** It carries the production name and, after a rehearsal, the production configuration: keep it off the production network (or firewalled from the clients, the media servers and the robot), and stop NetBackup after each rehearsal.";

/**
 * Recovery commands by version family (the offline catalog backup, bpbackupdb, is gone since 7.0).
 * A catalog recovery brings back the catalog, not the files this plan keeps beside it (the policy
 * lists of the deactivation step, client lists): they are copied across first.
 */
export function recoverCommands(version: NetbackupVariant["version"], host: string, options: { rehearsal?: boolean; extraFiles?: readonly string[] } = {}): string {
  const copy =
    `rsync -a <catalog-backup-directory>/ ${host}:<catalog-backup-directory>/   # the disk storage unit with the catalog backup\n` +
    `scp <dr-file-directory>/<dr-file> ${host}:<dr-file-directory>/                # the DR file of that backup\n` +
    (options.rehearsal ? "" : `scp ${ACTIVE_POLICIES_FILE} ${ACTIVE_SLPS_FILE} ${host}:/usr/openv/netbackup/   # the lists the reactivation reads\n`) +
    (options.extraFiles ?? []).map((line) => `${line}\n`).join("");
  const start = "netbackup start                       # on the new server (still off the production network): the wizard needs the services up\n";
  const check = "bpimagelist -hoursago 48              # last night's images are in the recovered catalog\nnetbackup stop                        # started again in the start step, as the recovery asks\nbpps -x";
  if (version === "BEFORE_8_1")
    return (
      `${copy}${start}` +
      "bprecover -wizard                     # 7.x, 8.0 (hot catalog backup): recover the catalog from the DR file\n" +
      "bprecover -r ALL -m <media-id> -d <density>   # 3.x–6.x offline catalog backup (bpbackupdb); -dpath <disk-path> for one on disk\n" +
      check
    );
  return `${copy}${start}bprecover -wizard                     # recover the catalog from the DR file\n${check}`;
}

export const CATALOG_BACKUP_FIELD = [{ key: "catalog-backup", label: "Catalog backup ID and DR file name", type: "text" as const }];

/** Before 8.1: the era's catalog backup. bpbackupdb (offline) exists up to 6.x; 7.x and 8.0 have the hot catalog backup and its DR file. */
export const CLASSIC_CATALOG_BACKUP_COMMANDS =
  "bpbackup -i -p <catalog-policy> -s <schedule>     # 7.x, 8.0 (and 6.x): hot catalog backup, writes the DR file\n" +
  "bpbackupdb                                        # 3.x–6.x: offline catalog backup (removed in 7.0); no DR file: note the media ID\n" +
  "ls -l <dr-file-directory>                         # the DR file: copy it off-box";
