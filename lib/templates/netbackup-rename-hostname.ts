import type { NetbackupVariant } from "./ids";
import type { TemplateEdits } from "./tailor";
import type { RunbookDocumentInput } from "./runbook-document";

type RunbookStepInput = RunbookDocumentInput["phases"][number]["steps"][number];
import {
  ACTIVE_POLICIES_FILE,
  CATALOG_BACKUP_FIELD,
  CATALOG_DISK_DETAILS,
  CLASSIC_CATALOG_BACKUP_COMMANDS,
  forNetbackupTen,
  primaryServerWording,
  RECOVERY_PATH_DETAILS,
  RECOVERY_WARNING,
  recoverCommands,
  VERSION_FAMILY_TEXT,
  withoutModernSecurity,
  CATALOG_VERIFY_COMMANDS,
  COPY_PATH_DETAILS,
  DEACTIVATE_COMMANDS,
  DISK_STORAGE_INVENTORY,
  DISK_STORAGE_VERIFY,
  PRESEED_COMMANDS,
  REACTIVATE_COMMANDS,
  REHEARSAL_WARNING,
  SYMLINK_INVENTORY,
} from "./netbackup-shared";

/** Each client's SERVER lists, saved and prepared in step 11; under /usr/openv so they travel with the copy. */
const LISTS = "/usr/openv/netbackup/cutover";

/**
 * "NetBackup master/media server rehost, rename hostname", from the "Variant: rename hostname"
 * section of shared/domain/netbackup-rehost.md: the keep-hostname plan plus everything a rename
 * drags in (a CNAME for the old name, every place the old name is stored, the vendor-assisted
 * catalog/EMM rename, each client's SERVER list, and on 8.1 and later new host certificates).
 *
 * The SERVER lists follow one rule: a client accepts `bpsetconfig` only from a server already on
 * its list. So the new master is added to every list before the window (11, pushed by the old
 * master), the window's update (27) puts it first and keeps the old master as a second entry
 * until the final Go, and the rollback pushes the saved lists back from the new master before
 * it stops (R1 before R2).
 *
 * Built to pass its own plan check in an 8 h window: a full catalog backup before the window
 * leaves an incremental one inside it (16), /usr/openv is pre-seeded (12), the library is
 * recabled during the copy, and the client work (27–29) runs beside the device work (24, 25).
 *
 * `<old-master>` and `<new-master>` are filled with the project's source and target host when a
 * project is created from this template (lib/templates/placeholders.ts); other `<…>` stay as
 * prompts for the operator.
 */
export const netbackupRenameHostnameTemplate = {
  format: "runsheet.runbook",
  version: 1,
  name: "NetBackup master/media server rehost, rename hostname",
  description:
    "Move a combined NetBackup master/media server with a tape library to new hardware under a NEW hostname. " +
    "Adds a DNS CNAME for the old name, the vendor-assisted catalog/EMM host rename, each client's SERVER list and (8.1 and later) new host certificates. " +
    "Only when keeping the name is impossible: admins who did it call it a nightmare.",
  phases: [
    {
      title: "Planning and inventory",
      description: "Days before the window. The rename is the risky part: find every place the old name lives.",
      inWindow: false,
      steps: [
        {
          key: "1",
          title: "Confirm the rename is unavoidable, agree vendor support and pick the copy path",
          details:
            "Admins who moved dozens of servers advise keeping the hostname: \"it is a nightmare to change it\". One rename \"got changed right back, and everything else got CNAME'd\". " +
            "The vendor supports a master rename (`nbemmcmd -renamehost` on a master) only with its support or professional services: get that agreed in writing before you plan further.\n\n" +
            COPY_PATH_DETAILS,
          commands: "uname -srm   # on <old-master> and on <new-master>: OS and CPU architecture must match for the copy path",
          verification: "Decision and the reason the old name can't be kept recorded in the project; support case or PS engagement number in the note; copy path chosen.",
          team: "PM+BA",
          plannedMinutes: 60,
        },
        {
          key: "2",
          title: "Record the version and patch level on the old server",
          details: "The version decides the rename method: `nbemmcmd -renamehost` (vendor-assisted) on 6.x and later, `bpmedia -movedb` plus storage-unit edits on older versions.",
          commands: "cat /usr/openv/netbackup/bin/version\nuname -srm",
          verification: "Version string and platform attached to the step note.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["1"],
        },
        {
          key: "3",
          title: "Inventory the configuration, the disk storage and the catalog locations",
          details:
            "Save each output off-box; they are the reference for every check during the cutover, and step 33 compares policy membership against them. " +
            "List every symlinked catalog location (images catalog, NBDB moved with `nbdb_move`): the copy must include their targets. " +
            "On 8.x–10.x an MSDP storage server on the master carries the master's name: its rename is part of the vendor-assisted rename.",
          commands:
            "bppllist -allpolicies -U\nbpplclients -allunique -noheader\nbpstulist -U\ntpconfig -d\nnbstl -L                  # storage lifecycle policies (6.5 and later)\n" +
            "vmquery -a                # 3.x/4.x\nbpmedialist -mlist        # 6.x and later\n" +
            SYMLINK_INVENTORY +
            "\n" +
            DISK_STORAGE_INVENTORY,
          verification: "Outputs attached to the step, including every symlinked catalog location and every disk storage server.",
          team: "BA",
          plannedMinutes: 120,
          predecessors: ["2"],
        },
        {
          key: "4",
          title: "List every place the old name is stored",
          details:
            "Before the copy, find every reference to `<old-master>`: the EMM host list (6.x and later), storage units, the master's and media servers' server lists, " +
            "the media database (which server owns each volume), policies, disk storage servers, and every client's `bp.conf` or registry. Each hit needs a step below that changes it.",
          commands:
            "nbemmcmd -listhosts -verbose                 # 6.x and later EMM: every host and its role\n" +
            "bpstulist -U                                 # storage units and their host\n" +
            "bpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'\n" +
            "grep -i <old-master> /usr/openv/netbackup/bp.conf /usr/openv/volmgr/vm.conf\n" +
            "vmquery -a | grep -i <old-master>            # 3.x/4.x media database\n" +
            "bpmedialist -mlist -h <old-master>           # 6.x and later: media assigned to the old name\n" +
            "bppllist -allpolicies -U | grep -i <old-master>\n" +
            "nbdevquery -liststs -U | grep -i <old-master>\n" +
            "bpplclients -allunique -noheader            # every client whose server list must change",
          verification: "The list is attached, and every occurrence of the old name is covered by a step of this plan.",
          team: "BA",
          plannedMinutes: 90,
          predecessors: ["3"],
        },
        {
          key: "5",
          title: "Agree the downtime window, get the change approved and tell the client owners",
          details: "Every client's `bp.conf` (or registry) changes before and in the window, so client owners must know and must not revert it.",
          verification: "Change record approved; window entered in the project; client owners notified.",
          team: "PM",
          plannedMinutes: 60,
          predecessors: ["4"],
        },
        {
          key: "6",
          title: "Write the rollback plan and prove the catalog backup can be recovered",
          details:
            "The old server stays intact, powered off and not wiped, until sign-off. Every client keeps the old master on its server list until after the final Go, so the rollback can reach them (step 11, R1). " +
            "Gate 32 is the point of no return: it must be planned before the rollback deadline (the plan check shows the margin).\n\n" +
            "**8.1 and later:** catalog backups fail unless a DR package passphrase is set. Set it, run a catalog backup, test the passphrase against its `.drpkg`, and copy the DR file and the `.drpkg` off the box.",
          commands: "nbhostidentity -testpassphrase -infile <dr-package-file>.drpkg   # 8.1 and later\nls -l <dr-file-directory>                                       # the DR file and its .drpkg",
          verification: "Rollback steps reviewed; 8.1 and later: the passphrase test succeeded and the DR file and .drpkg are stored off-box.",
          team: "PM+BA",
          plannedMinutes: 45,
          predecessors: ["5"],
        },
      ],
    },
    {
      title: "Prepare the new server",
      description: "The week before the window.",
      inWindow: false,
      steps: [
        {
          key: "7",
          title: "Build the OS, patch it, lay out the disks and create the service accounts",
          details:
            "Size `/usr/openv` (and each relocated catalog location, at the same path) for catalog growth.\n\n" +
            "**8.1 and later:** the web service account (`nbwebsvc` in group `nbwebgrp`; on 10.x also the NetBackup service user) must exist with the **same UID and GID** as on the old server before NetBackup is installed or started.",
          commands: "id nbwebsvc; getent group nbwebgrp   # 8.1 and later: on both servers, the same UID and GID\ndf -h /usr/openv",
          verification: "OS patched; filesystems sized and mounted; 8.1 and later: the service accounts match the old server's UID and GID.",
          team: "OS",
          plannedMinutes: 240,
          predecessors: ["6"],
        },
        {
          key: "8",
          title: "Zone the SAN or cable SCSI for the drives and robot; install tape drivers; prepare the disk storage",
          details: "Keep the same robot number and robot type. On Linux, use persistent device names (`/dev/tape/by-id`). Prepare the zoning of the disk storage LUNs for step 20.",
          commands: "cfgadm -al                          # Solaris\nls -l /dev/tape/by-id               # Linux: persistent names\n/usr/openv/volmgr/bin/sgscan",
          verification: "The drives and robot are visible to the OS (st.conf / sg) under persistent names.",
          team: "ST",
          plannedMinutes: 120,
          predecessors: ["7"],
        },
        {
          key: "9",
          title: "Install the same NetBackup version as the old server, under the new name",
          details: "**Don't combine a platform move with an upgrade.** Same version, same install path. Stop NetBackup after the install: the new box stays quiet until the cutover.",
          commands: "cat /usr/openv/netbackup/bin/version\nbpclntcmd -self\nnetbackup stop   # 8.x and later; classic: /usr/openv/netbackup/bin/bp.kill_all",
          verification: "Version and patch level identical to step 2; `bpclntcmd -self` shows <new-master>; NetBackup stopped.",
          team: "BA",
          plannedMinutes: 90,
          predecessors: ["7"],
        },
        {
          key: "10",
          title: "Prepare DNS for the new name and the CNAME for the old one; open the firewall ports",
          details:
            "A and PTR records for `<new-master>` now. At cutover the old name becomes a CNAME pointing at `<new-master>`: clients you miss still find the master. " +
            "Ports: bpcd 13782, vnetd 13724, PBX 1556; 8.1 and later also 443 for certificate requests. Lower the TTL of the old record a day ahead so the CNAME takes effect quickly.",
          commands: "nslookup <new-master>\nnslookup <old-master>",
          verification: "<new-master> resolves forwards and backwards; the CNAME change is prepared; the firewall rules are in place.",
          team: "NW",
          plannedMinutes: 60,
          predecessors: ["6"],
        },
        {
          key: "11",
          title: "Save every client's server list and add the new master to it",
          details:
            "Fleet step, pushed **from the old master** while it is still the master. A client accepts `bpsetconfig` only from a server already on its list, and `bpsetconfig` replaces the whole list: so read each client's list, keep every line, and append `SERVER = <new-master>`. " +
            "Nothing changes for tonight's backups (the old master stays first), but from now on the new master can reach the client: in the window to put itself first (27), and on a rollback to push the saved list back (R1).\n\n" +
            "Three files per client, kept under `" +
            LISTS +
            "` so they travel with the copy: the list as it was (`before`), the list with the new master appended (`staged`), and the list for the window with the new master first and the old master second (`new`). " +
            "Skip agentless clients (VMs backed up through the hypervisor, NDMP filers): they have no `bp.conf`. Refresh the files on the day before if client lists changed.",
          commands:
            `mkdir -p ${LISTS}/before ${LISTS}/staged ${LISTS}/new\n` +
            `bpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) =' > ${LISTS}/before/<client>.txt\n` +
            `{ cat ${LISTS}/before/<client>.txt; echo 'SERVER = <new-master>'; } > ${LISTS}/staged/<client>.txt\n` +
            `{ echo 'SERVER = <new-master>'; cat ${LISTS}/before/<client>.txt; } > ${LISTS}/new/<client>.txt\n` +
            `bpsetconfig -h <client> ${LISTS}/staged/<client>.txt\n` +
            "bpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) ='\nbptestbpcd -client <client>",
          verification: "Every client's list still starts with <old-master>, ends with <new-master>, and keeps all its other lines; bptestbpcd answers.",
          team: "BA",
          plannedMinutes: 60,
          isFleet: true,
          fleetAction: "GENERIC",
          predecessors: ["4", "9"],
        },
        {
          key: "12",
          title: "Rehearse the data copy, time it and pre-seed /usr/openv on the new server",
          details:
            "Copy everything once now, while the old server still runs, and time it. The day before the window, run it again: that pass copies only what changed, and its duration is the estimate for step 18.\n\n" +
            REHEARSAL_WARNING,
          commands: PRESEED_COMMANDS.replaceAll("<target-host>", "<new-master>"),
          verification: "Full copy time and the day-before pass time recorded in the step note; NetBackup never started on the new server.",
          team: "BA+OS",
          plannedMinutes: 180,
          predecessors: ["9"],
        },
        {
          key: "13",
          title: "Take a full catalog backup after the last backup night",
          details:
            "On the morning of the window, before it starts: a full hot catalog backup, so that the final catalog backup inside the window (16) is a short incremental one. A recovery needs both. " +
            "**8.1 and later:** copy the DR file and the `.drpkg` off the box.",
          commands: "bpbackup -i -p <catalog-policy> -s <full-schedule>\nls -l <dr-file-directory>   # the DR file and (8.1 and later) its .drpkg: copy both off-box",
          verification: "The full catalog backup succeeded; DR file (and .drpkg) stored off-box; media ID in the note.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["6"],
        },
      ],
    },
    {
      title: "Cutover window (Saturday)",
      description: "Inside the fixed downtime window.",
      inWindow: true,
      steps: [
        {
          key: "14",
          title: "Go/No-Go: start the cutover",
          details:
            "Go only if the change is approved, last night's backups are complete, no restores are pending, every client's list holds <new-master> (step 11), the full catalog backup (13) succeeded and the team is present.",
          verification: "Named decision with a note.",
          team: "PM",
          plannedMinutes: 15,
          kind: "GATE",
          // Nothing has changed yet at this gate: a No-Go ends the run; there is nothing to roll back.
          noGoOutcome: "ABORT",
          predecessors: ["8", "10", "11", "12", "13"],
        },
        {
          key: "15",
          title: "Deactivate the active policies, suspend SLP duplications and let the running jobs drain",
          details: `Record which policies are active before deactivating anything (\`${ACTIVE_POLICIES_FILE}\`): step 34 and the rollback reactivate exactly those.`,
          commands: DEACTIVATE_COMMANDS,
          verification: "The list of active policies is attached; bpdbjobs -summary shows no active jobs.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["14"],
        },
        {
          key: "16",
          title: "Take the final catalog backup (incremental) and note the media ID",
          details: "There is no way back without it: this step must pass. Incremental on top of step 13's full backup. **8.1 and later:** copy the DR file and the `.drpkg` off the box right away.",
          commands:
            "bpbackupdb                                          # 3.x/4.x (always full: plan about 45 min)\nbpbackup -i -p <catalog-policy> -s <incremental-schedule>   # 6.x and later\n" +
            "ls -l <dr-file-directory>",
          verification: "The backup succeeded; the DR file (and .drpkg) is saved off-box; media ID in the note.",
          team: "BA",
          plannedMinutes: 20,
          predecessors: ["15"],
        },
        {
          key: "17",
          title: "Stop NetBackup on the old server",
          commands: "/usr/openv/netbackup/bin/bp.kill_all   # classic\nnetbackup stop                          # 8.x and later\nbpps -x",
          verification: "bpps -x shows nothing running.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["16"],
        },
        {
          key: "18",
          title: "Copy /usr/openv to the new server",
          details:
            "The final pass over the pre-seed of step 12, with NetBackup stopped: it copies what changed since, including the client lists of step 11, and each symlinked catalog location. " +
            "Without a pre-seed a full tar copy takes far longer: change this step's minutes and the plan check shows whether the window still holds. Same OS and CPU architecture only (see step 1).",
          commands:
            "rsync -aH --numeric-ids --delete /usr/openv/ <new-master>:/usr/openv/\n" +
            "rsync -aH --numeric-ids --delete <catalog-location>/ <new-master>:<catalog-location>/   # each symlink target from step 3\n" +
            "# without a pre-seed: cd /usr/openv && tar cf - . | ssh <new-master> 'cd /usr/openv && tar xpf -'\n" +
            "du -sk /usr/openv; find /usr/openv | wc -l   # on both servers",
          verification: "File counts and sizes match on both servers (du -sk, find | wc -l).",
          team: "OS+BA",
          plannedMinutes: 75,
          predecessors: ["17"],
        },
        {
          key: "19",
          title: "Take the old server off the network and point the old name at the new server (CNAME)",
          details: "Replace the A record of `<old-master>` with a CNAME to `<new-master>`; keep the PTR of the new address on `<new-master>`. Flush name caches on the new server. Runs beside the rename (21).",
          commands: "nslookup <old-master>   # must answer: canonical name = <new-master>\nbpclntcmd -hn <old-master>\nbpclntcmd -self",
          verification: "<old-master> resolves to the new server's address via the CNAME; `bpclntcmd -self` on the new server shows <new-master>.",
          team: "NW+OS",
          plannedMinutes: 20,
          predecessors: ["18"],
        },
        {
          key: "20",
          title: "Recable the tape library and move the disk storage to the new server",
          details: "Runs while the copy (18) runs: the old server is already stopped. Same robot number and type; disk storage LUNs mounted at the same mount points.",
          commands: "ls -l /dev/tape/by-id   # Linux\n/usr/openv/volmgr/bin/sgscan\ndf -h <disk-storage-mount-point>",
          verification: "Cabling/zoning done; the OS sees the robot and drives; the disk storage is mounted at its old paths.",
          team: "DC+ST",
          plannedMinutes: 60,
          predecessors: ["17"],
        },
        {
          key: "21",
          title: "Rename the master in the catalog and the media database",
          details:
            "**Vendor-assisted.** `nbemmcmd -renamehost` on a master is done with the vendor's support (the case from step 1 open and the engineer on the call), not as a routine step: it is not supported for every version, and a wrong run leaves EMM half-renamed.\n\n" +
            "**6.x and later:** rename the host in EMM with only PBX and EMM running; the engineer confirms the exact procedure for your version, including an MSDP storage server named after the master. " +
            "**Older versions:** move the volumes' media-database records to the new server with `bpmedia -movedb`, then point each storage unit at the new host.",
          commands:
            "nbemmcmd -renamehost -machinename <old-master> -machinetype master -newmachinename <new-master>   # 6.x and later, with the vendor\n" +
            "nbemmcmd -listhosts -verbose\n" +
            "bpmedia -movedb -allvolumes -oldserver <old-master> -newserver <new-master>   # 3.x/4.x\n" +
            "bpsturep -label <storage-unit> -host <new-master>\n" +
            "bpstulist -U",
          verification: "`nbemmcmd -listhosts -verbose` lists <new-master> and no longer <old-master>; `bpstulist -U` shows every storage unit on <new-master>.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["18"],
        },
        {
          key: "22",
          title: "Update the master's own server lists (bp.conf, vm.conf)",
          details: "On the new master: the first `SERVER =` line is `<new-master>`, followed by the media servers; `EMMSERVER = <new-master>` on 6.x and later. Same in `vm.conf`.",
          commands: "vi /usr/openv/netbackup/bp.conf\nvi /usr/openv/volmgr/vm.conf\nbpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'",
          verification: "`bpgetconfig` on the new master lists <new-master> first.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["21"],
        },
        {
          key: "23",
          title: "Start NetBackup",
          details: "Policies are inactive and SLPs suspended, so nothing is scheduled. On 6.x and later the device configuration lives in EMM, which must run before the devices are reconfigured. **8.1 and later:** check the web service account first.",
          commands: "id nbwebsvc       # 8.1 and later\ninitbprd          # classic\nnetbackup start   # 8.x and later\nbpps -a",
          verification: "bpps -a shows the daemons.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["19", "20", "22"],
        },
        {
          key: "24",
          title: "Reconfigure the robot and drives as new devices",
          details: "Delete the stale entries first, then add the robot and drives with the same robot number and type, then restart `ltid`.",
          commands: "tpconfig -d\ntpautoconf -a\n# or: tpconfig -add -robot … / tpconfig -add -drive …\n/usr/openv/volmgr/bin/stopltid && /usr/openv/volmgr/bin/ltid\nvmoprcmd -d",
          verification: "tpconfig -d lists the robot and every drive on <new-master>; vmoprcmd -d shows every drive UP.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["23"],
        },
        {
          key: "25",
          title: "Test the robot",
          details: "Mount and unmount a tape in each drive, then run a robot inventory.",
          commands: "robtest\nvmupdate   # or vmcheckxxx",
          verification: "The inventory matches the media database.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["24"],
        },
        {
          key: "26",
          title: "Verify the catalog and the disk storage under the new name",
          commands: CATALOG_VERIFY_COMMANDS + "\nnbemmcmd -listhosts -verbose\n" + DISK_STORAGE_VERIFY,
          verification: "Images, policies and media are all present and owned by <new-master>; the consistency check is clean; every disk volume is UP.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["23"],
        },
        {
          key: "27",
          title: "Update bp.conf on every client",
          details:
            "Fleet step, pushed from the new master (it is on every list since step 11). Write each client's `new` list: `SERVER = <new-master>` first, then the client's old lines, **with `<old-master>` kept as a second entry** until after the final Go (it is removed in step 37). " +
            "Every other media server or alias the client knew stays: `bpsetconfig` replaces the whole list. `CLIENT_NAME = <client>` stays as it is on each client.\n\n" +
            "- **UNIX:** `/usr/openv/netbackup/bp.conf`. The first `SERVER =` line is the master; media servers follow as further `SERVER =` lines (or `MEDIA_SERVER =`).\n" +
            "- **Windows:** the registry value `HKLM\\SOFTWARE\\Veritas\\NetBackup\\CurrentVersion\\Config\\Server` (a multi-string, master first).\n" +
            "- **Push from the master:** read the list with `bpgetconfig -M <client>`, write it with `bpsetconfig -h <client>` and the client's file from step 11, and check the client right after.\n\n" +
            "Leave agentless clients out (VMs backed up through the hypervisor, NDMP filers): they have no `bp.conf`. The CNAME (step 19) covers a client you miss tonight, but not for ever.",
          commands:
            "bpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) ='\n" +
            `bpsetconfig -h <client> ${LISTS}/new/<client>.txt\n` +
            "bpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) ='\nbptestbpcd -client <client>",
          verification: "Each client's first SERVER line is <new-master>, <old-master> is still on the list, and no other line was lost.",
          team: "BA",
          plannedMinutes: 30,
          isFleet: true,
          fleetAction: "UPDATE_BPCONF",
          predecessors: ["23"],
        },
        {
          key: "28",
          title: "Get host certificates from the new master on every client",
          details:
            "**8.1 and later** (skip on older versions). Every client and media server needs the new master's CA certificate and a host certificate issued by `<new-master>`. " +
            "Depending on the security level, the client needs an authorization token from the master (`nbcertcmd -createToken` there). Fleet step; agentless clients have no certificate.",
          commands:
            "nbcertcmd -getCACertificate -server <new-master>   # on the client\nnbcertcmd -getCertificate -server <new-master>     # add -token if the security level asks for one\nnbcertcmd -ping -server <new-master>",
          verification: "`nbcertcmd -ping` from each client succeeds against <new-master>; `nbcertcmd -listCertDetails` shows a certificate issued by it.",
          team: "BA",
          plannedMinutes: 30,
          isFleet: true,
          fleetAction: "GENERIC",
          predecessors: ["27"],
        },
        {
          key: "29",
          title: "Check every client's connectivity",
          details: "Fleet step: about one minute per client. From the master, test each client; on the client, `bpclntcmd -pn` shows which server it sees — it must be <new-master>, not the CNAME'd old name.",
          commands: "bptestbpcd -client <client>\nbpclntcmd -pn   # on the client",
          verification: "Every client answers and sees <new-master>.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "CHECK_CONNECTIVITY",
          predecessors: ["28"],
        },
        {
          key: "30",
          title: "Restore an old image from tape",
          details: "The old image was written under <old-master>: restoring it (to the new master itself) proves the catalog rename worked. Runs beside the client steps.",
          commands: "bprestore -C <client> -D <new-master> -t 0 -s <old-date> <file>",
          verification: "An image written before the cutover restored from tape.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["25", "26"],
        },
        {
          key: "31",
          title: "Test backup of one client",
          details: "Back up one updated client to tape and to disk storage. The image is unknown to the old catalog: see R4.",
          commands: "bpbackup -i -p <test-policy> -s <schedule> -h <client>\nbpdbjobs -report | head",
          verification: "The test backup succeeded through <new-master>.",
          team: "BA",
          plannedMinutes: 20,
          predecessors: ["25", "29"],
        },
        {
          key: "32",
          title: "Go/No-Go: keep the new server",
          details:
            "The point of no return. Backups and restores work and the clients reach <new-master> → **Go**. No-Go → run the rollback steps. Rollback triggers: the robot can't be configured, the rename or the catalog check fails, a test restore fails, or clients can't reach the new master.",
          verification: "Named decision with a note.",
          team: "PM+BA",
          plannedMinutes: 10,
          kind: "GATE",
          predecessors: ["30", "31"],
        },
      ],
    },
    {
      title: "Clients and resume",
      description: "Still inside the window: policies resume once every client is on the new name.",
      inWindow: true,
      steps: [
        {
          key: "33",
          title: "Re-check every client's policy membership",
          details: "Fleet step: compare each policy's clients with the inventory of step 3; a renamed master must not have dropped or duplicated any client.",
          commands: "bpplclients <policy>\nbppllist <policy> -U",
          verification: "Every client is in the same policies as before the cutover.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "GENERIC",
          predecessors: ["32"],
        },
        {
          key: "34",
          title: "Reactivate the policies that were active, and resume SLP duplications",
          details: `Only the policies recorded in step 15 (\`${ACTIVE_POLICIES_FILE}\`).`,
          commands: REACTIVATE_COMMANDS,
          verification: "bppllist shows exactly the recorded policies active; the SLPs are active.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["33"],
        },
      ],
    },
    {
      title: "After the cutover",
      description: "The next morning and the following weeks.",
      inWindow: false,
      steps: [
        {
          key: "35",
          title: "Watch the first backup night",
          commands: "bperror -U -backstat -hoursago 24\nnbstlutil report",
          verification: "No new failures compared with the old server's nights; no client failed for name resolution or certificates.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["34"],
        },
        {
          key: "36",
          title: "Take a catalog backup on the new server and store the DR file",
          commands: "bpbackup -i -p <catalog-policy> -s <full-schedule>\nnbhostidentity -testpassphrase -infile <dr-package-file>.drpkg   # 8.1 and later",
          verification: "Catalog backup succeeded; DR file (and .drpkg) stored off-box.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["35"],
        },
        {
          key: "37",
          title: "Remove the old master from the clients' lists, fix the stragglers, then retire the CNAME",
          details:
            "After N clean nights, write each client's list without the `SERVER = <old-master>` line (read it, drop that line, write it back). Clients that still contact <old-master> work only thanks to the CNAME: fix each one, then remove the CNAME in a later change.",
          commands: "bpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) =' | grep -v '= <old-master>$' > /tmp/<client>.txt\nbpsetconfig -h <client> /tmp/<client>.txt\nbpgetconfig -M <client> | grep -i <old-master>",
          verification: "No client lists <old-master>; CNAME removal scheduled.",
          team: "NW+BA",
          plannedMinutes: 30,
          predecessors: ["35"],
        },
        {
          key: "38",
          title: "Update the documentation, close the change and export the runbook PDF",
          verification: "Change closed with the runbook PDF attached.",
          team: "PM",
          plannedMinutes: 30,
          predecessors: ["36", "37"],
        },
        {
          key: "39",
          title: "Decommission the old server after N clean backup nights",
          verification: "Old server wiped and removed from inventory.",
          team: "OS",
          plannedMinutes: 60,
          kind: "MILESTONE",
          predecessors: ["38"],
        },
      ],
    },
    {
      title: "Rollback",
      description: "Run only after a No-Go. Must start by window end − 130 min.",
      inWindow: true,
      steps: [
        {
          key: "R1",
          title: "Put the old SERVER lines back on every client, from the new master before it stops",
          details:
            "Fleet step, **first**: the clients accept `bpsetconfig` only from a server on their list, and the new master is on it only while the lists of steps 11 and 27 hold. " +
            "Push each client's saved list from step 11 from the new master, then stop it (R2). **8.1 and later:** the clients keep the certificates the old master issued; nothing to undo.",
          commands: `bpsetconfig -h <client> ${LISTS}/before/<client>.txt   # on <new-master>\nbpgetconfig -M <client> | grep -E '^(SERVER|MEDIA_SERVER) ='`,
          verification: "Each client's first SERVER line is <old-master> again.",
          team: "BA",
          plannedMinutes: 20,
          kind: "ROLLBACK",
          isFleet: true,
          fleetAction: "UPDATE_BPCONF",
        },
        {
          key: "R2",
          title: "Stop NetBackup on the new master and take it off the network",
          commands: "netbackup stop\nbpps -x",
          verification: "bpps -x shows nothing running on <new-master>.",
          team: "BA+NW",
          plannedMinutes: 10,
          kind: "ROLLBACK",
        },
        {
          key: "R3",
          title: "Recable the library and the disk storage to the old server, and meanwhile give it back its name",
          details:
            "Two teams at once. Data-center and storage: recable the robot and drives, re-present the disk storage. Network and OS: remove the CNAME, make `<old-master>` an A record again with its old IP, and power the old server on.",
          commands: "nslookup <old-master>\n/usr/openv/volmgr/bin/sgscan   # on the old server",
          verification: "<old-master> is an A record again, answers on its old IP and sees the robot, the drives and its disk storage.",
          team: "DC+ST+NW+OS",
          plannedMinutes: 60,
          kind: "ROLLBACK",
        },
        {
          key: "R4",
          title: "Start NetBackup on the old master, test the robot and run a test backup",
          details: "Images written on the new master since the cutover (steps 30, 31) are unknown to the old catalog: import them (`bpimport`) or accept the gap, and say which in the note.",
          commands: "netbackup start   # classic: initbprd\nbpps -a\nrobtest\nbpbackup -i -p <test-policy> -s <schedule> -h <client>",
          verification: "Daemons running; every drive mounts a tape; the test backup succeeded.",
          team: "BA",
          plannedMinutes: 30,
          kind: "ROLLBACK",
        },
        {
          key: "R5",
          title: "Reactivate the policies and tell the stakeholders",
          details: `Only the policies recorded in step 15 (\`${ACTIVE_POLICIES_FILE}\` on the old server), and resume the SLPs.`,
          commands: REACTIVATE_COMMANDS,
          team: "BA+PM",
          plannedMinutes: 10,
          kind: "ROLLBACK",
        },
      ],
    },
  ],
} satisfies RunbookDocumentInput;

/**
 * The rename plan for a version family and platform path (lib/templates/netbackup-variants.ts).
 * Before 8.1 there are no host certificates, so step 28 goes (its successor waits for 27 instead).
 * On the recovery path the pre-seed (12) becomes a rehearsed recovery and the copy (18) the
 * recovery itself; a catalog recovers only under the name it was written under, so the new box
 * is installed and recovered as the old master and takes its new name in the vendor-assisted
 * rename (21). The SERVER-list rule is the same on every variant: the rollback (R1) pushes from
 * the new master, which every client accepts since step 11.
 */
export function netbackupRenameHostnameEdits(variant: NetbackupVariant): TemplateEdits {
  const modern = variant.version !== "BEFORE_8_1";
  const cross = variant.path === "CROSS_PLATFORM";
  const original = new Map<string, RunbookStepInput>(netbackupRenameHostnameTemplate.phases.flatMap((p): readonly RunbookStepInput[] => p.steps).map((step) => [step.key, step]));
  const steps: TemplateEdits["steps"] = {};
  if (!modern) {
    steps["6"] = {
      details:
        "The old server stays intact, powered off and not wiped, until sign-off. Every client keeps the old master on its server list until after the final Go, so the rollback can reach them (step 11, R1). " +
        "Gate 32 is the point of no return: it must be planned before the rollback deadline (the plan check shows the margin).\n\n" +
        "Run a catalog backup now and prove it: 7.x and 8.0 write a DR file with each hot catalog backup; copy it off the box. 3.x–6.x offline backups (`bpbackupdb`) write no DR file: note the media ID.",
      commands: CLASSIC_CATALOG_BACKUP_COMMANDS,
      verification: "Rollback steps reviewed; a catalog backup succeeded and its DR file (or media ID) is stored off-box.",
    };
    steps["13"] = {
      commands: "bpbackup -i -p <catalog-policy> -s <full-schedule>   # 7.x, 8.0 (and 6.x): hot catalog backup\nls -l <dr-file-directory>                            # the DR file: copy it off-box",
      details: "On the morning of the window, before it starts: a full hot catalog backup, so that the final catalog backup inside the window (16) is a short incremental one. A recovery needs both. 3.x–6.x offline backups (`bpbackupdb`) are always full: take the final one in step 16 and plan its minutes.",
    };
    steps["16"] = {
      commands:
        "bpbackup -i -p <catalog-policy> -s <incremental-schedule>   # 7.x, 8.0 (and 6.x)\nbpbackupdb                                                  # 3.x–6.x: offline, always full (plan about 45 min)\nls -l <dr-file-directory>",
    };
  }
  if (cross) {
    steps["1"] = {
      title: "Confirm the rename is unavoidable, agree vendor support and confirm the recovery path",
      commands: "uname -srm   # on <old-master> and on <new-master>: a different OS or CPU architecture means this recovery path",
      details:
        (original.get("1")!.details ?? "").replace(COPY_PATH_DETAILS, RECOVERY_PATH_DETAILS) +
        "\n\n**Rename and recovery together:** a catalog recovers only onto a server with the name it was written under. The new box is therefore installed and recovered as `<old-master>`, off the production network, and takes `<new-master>` in the vendor-assisted rename (step 21). Have the vendor confirm this order for your version before planning further.",
      verification: "Decision and the reason the old name can't be kept recorded; support case or PS engagement number in the note; the recovery path and its order confirmed by the vendor.",
    };
    steps["9"] = {
      title: "Install the same NetBackup version fresh on the new server, as the old master for the recovery",
      details:
        "**Don't combine a platform move with an upgrade.** Same version, same install path, installed under the name `<old-master>` (the box's hostname until the rename in step 21). " +
        (modern ? "**Disaster-recovery mode:** when the installer asks whether this is a disaster recovery, answer yes and give it the `.drpkg` of step 6 and the passphrase (check the prompts for your release). " : "") +
        "Stop NetBackup after the install.\n\n" +
        RECOVERY_WARNING,
      commands: "hostname                                  # prints <old-master> until step 21\ncat /usr/openv/netbackup/bin/version\nnetbackup stop\nbpps -x",
      verification: "Version and patch level identical to step 2; installed as <old-master>" + (modern ? " in disaster-recovery mode" : "") + ", off the production network; NetBackup stopped.",
    };
    steps["12"] = {
      title: "Rehearse the catalog recovery on the new server and time it",
      details:
        CATALOG_DISK_DETAILS +
        "\n\nRun a catalog backup to it, recover that backup on the new server with the commands of step 18 and time it: that time is step 18's estimate. Then stop NetBackup.\n\n" +
        RECOVERY_WARNING,
      commands: recoverCommands(variant.version, "<new-master>", { rehearsal: true }),
      verification: "The rehearsal recovery succeeded and its time is in the step note; NetBackup stopped; the box never reached a production client or the robot.",
    };
    steps["13"] = { ...(steps["13"] ?? {}), details: "On this path the catalog moves only through the catalog backups: write this one, and the final one, to the disk storage unit of step 12.\n\n" + (steps["13"]?.details ?? original.get("13")!.details) };
    steps["14"] = {
      details:
        "Go only if the change is approved, last night's backups are complete, no restores are pending, every client's list holds <new-master> (step 11), the full catalog backup (13) succeeded, the rehearsal recovery (12) worked, and the team is present. " +
        "On this path the catalog backups carry the move: without a rehearsed recovery, **No-Go**.",
    };
    steps["16"] = { ...(steps["16"] ?? {}), requiredFields: CATALOG_BACKUP_FIELD };
    steps["18"] = {
      title: "Recover the catalog on the new server from the catalog backups",
      details:
        "Copy the catalog backups (steps 13 and 16), the DR file of the last one and the client lists of step 11 to the new server at the same paths, then run the recovery wizard. " +
        "Plan the minutes from the rehearsal (step 12).\n\n**Vendor-assisted for Windows ↔ UNIX:** have the vendor's engineer on the call if the catalog changes between them.",
      commands: recoverCommands(variant.version, "<new-master>", { extraFiles: [`rsync -a ${LISTS}/ <new-master>:${LISTS}/   # the client lists of step 11: steps 27 and R1 read them on the new master`] }),
      verification: "The recovery wizard reports the catalog recovered; bpimagelist lists last night's images; the client lists are on the new server.",
      plannedMinutes: 85,
    };
    steps["21"] = {
      details:
        "**Vendor-assisted.** `nbemmcmd -renamehost` on a master is done with the vendor's support (the case from step 1 open and the engineer on the call), not as a routine step.\n\n" +
        "On this path the box was recovered as `<old-master>`: the engineer renames the host in EMM (with only PBX and EMM running) and the box takes its new hostname `<new-master>`, in the order the engineer gives for your version, including an MSDP storage server named after the master.",
      commands:
        "hostnamectl set-hostname <new-master>   # Linux, when the engineer says\n" +
        "nbemmcmd -renamehost -machinename <old-master> -machinetype master -newmachinename <new-master>   # 6.x and later, with the vendor\n" +
        "nbemmcmd -listhosts -verbose\n" +
        "bpsturep -label <storage-unit> -host <new-master>\n" +
        "bpstulist -U",
    };
    steps["24"] = {
      details:
        "The recovered configuration still holds the old platform's device paths: delete the stale robot and drive entries, then add them with the new box's paths, the same robot number and type, then restart `ltid`.",
    };
  }
  const description =
    netbackupRenameHostnameTemplate.description +
    ` ${VERSION_FAMILY_TEXT[variant.version]}` +
    (cross ? ", different OS or CPU architecture: a fresh install of the same version and a catalog recovery instead of the copy." : ", same OS and CPU architecture.");
  return {
    description: variant.version === "V10" ? primaryServerWording(description) : description,
    steps,
    remove: modern ? [] : ["28"],
    eachStep: variant.version === "BEFORE_8_1" ? withoutModernSecurity : variant.version === "V10" ? forNetbackupTen : undefined,
    eachText: variant.version === "V10" ? primaryServerWording : undefined,
  };
}
