/**
 * Text the NetBackup templates share, so a correction reaches all of them. Commands are written
 * for 8.1–10.x with the classic (3.x–7.x) forms noted; `<source-host>` / `<target-host>` (and
 * `<old-master>` / `<new-master>`) are filled with the project's hosts, any other `<…>` is a
 * prompt for the operator (lib/templates/placeholders.ts).
 */

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
