import type { NetbackupVariant } from "./ids";
import type { RunbookDocumentInput } from "./runbook-document";
import type { TemplateEdits } from "./tailor";
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

/**
 * "NetBackup master/media server rehost, keep hostname", from shared/domain/netbackup-rehost.md.
 * Written for NetBackup 8.1–10.x with the classic (3.x–7.x) commands noted; steps or lines that
 * apply to one version family say so ("8.1 and later:").
 *
 * Built to pass its own plan check (lib/plan/check.ts) in an 8 h window: /usr/openv is pre-seeded
 * before the window (11) so the window only copies what changed (16); the library is recabled
 * (18) while that copy runs; NetBackup starts before the devices are configured (on 6.x+ the
 * device configuration lives in EMM), so the catalog and disk checks (22) run beside the device
 * work (20, 21); and the rollback recables the library while the old server's identity is
 * restored (R2). The last gate (24) is then planned before the rollback deadline.
 *
 * Step numbers are relied on by tests and the demo (12 and 24 are the gates, 16 the copy, 18 the
 * recabling, 11 the rehearsal): keep them when editing.
 */
export const netbackupKeepHostnameTemplate = {
  format: "runsheet.runbook",
  version: 1,
  name: "NetBackup master/media server rehost, keep hostname",
  description:
    "Move a combined NetBackup master/media server with a tape library (and any disk storage) to new hardware, keeping its hostname. " +
    "For the same OS and CPU architecture: /usr/openv is pre-seeded before the window, so about 6 hours of downtime. " +
    "NetBackup 8.1–10.x, with the classic commands noted.",
  phases: [
    {
      title: "Planning and inventory",
      description: "Days before the window.",
      inWindow: false,
      steps: [
        {
          key: "1",
          title: "Decide the hostname strategy and the copy path",
          details:
            "Keep the current hostname unless there is no way around it. Renaming means changing the `SERVER` lines in every client's `bp.conf`, new host certificates (8.1 and later) and renaming the host in the catalog and media database, which the vendor may only support through professional services.\n\n" +
            COPY_PATH_DETAILS,
          commands: "uname -srm   # on <source-host> and on <target-host>: OS and CPU architecture must match for the copy path",
          verification: "Decision recorded in the project (hostname strategy field); the copy path (same OS and CPU architecture) or the recovery path chosen and noted.",
          team: "PM+BA",
          plannedMinutes: 60,
        },
        {
          key: "2",
          title: "Record the version and patch level on the old server",
          details: "The new server gets exactly this version. Upgrade before or after the move, never during it.",
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
            "Save each output off-box; they are the reference for every check during the cutover.\n\n" +
            "**Catalog locations:** the images catalog and the NetBackup database are often moved out of `/usr/openv` (a symlink, or `nbdb_move` for NBDB). " +
            "tar and rsync copy a symlink, not what it points to: list every symlink and its target here, so that steps 11 and 16 copy the targets too.\n\n" +
            "**Disk storage (8.x–10.x):** MSDP, AdvancedDisk and cloud storage servers, their disk pools and their credentials move with the master.",
          commands:
            "bppllist -allpolicies -U\nbpplclients -allunique -noheader\nbpstulist -U\ntpconfig -d\nnbstl -L                  # storage lifecycle policies (6.5 and later)\n" +
            "vmquery -a                # 3.x/4.x\nbpmedialist -mlist        # 6.x and later\n" +
            SYMLINK_INVENTORY +
            "\n" +
            DISK_STORAGE_INVENTORY,
          verification: "Outputs attached to the step, including every symlinked catalog location and every disk storage server with its credentials' owner.",
          team: "BA",
          plannedMinutes: 120,
          predecessors: ["2"],
        },
        {
          key: "4",
          title: "Measure the catalog and the copy throughput",
          details: "Measure through the symlinks (`du -L`): the targets found in step 3 are copied too.",
          commands: "du -skL /usr/openv/netbackup/db /usr/openv/volmgr/database /usr/openv/db\n# plus each symlink target from step 3\n# timed test copy of 10 GB to <target-host>",
          verification: "Estimated time of the full copy (step 11) and of the final pass (step 16) recorded; the final pass fits step 16's minutes.",
          team: "BA+OS",
          plannedMinutes: 60,
          predecessors: ["2"],
        },
        {
          key: "5",
          title: "Agree the downtime window and get the change approved",
          verification: "Change record approved; window entered in the project.",
          team: "PM",
          plannedMinutes: 60,
          predecessors: ["3", "4"],
        },
        {
          key: "6",
          title: "Write the rollback plan and prove the catalog backup can be recovered",
          details:
            "The old server stays intact, powered off and not wiped, until sign-off. Gate 24 is the point of no return: it must be planned before the rollback deadline (the plan check shows the margin).\n\n" +
            "**8.1 and later:** catalog backups fail unless a disaster-recovery (DR) package passphrase is set. Each catalog backup writes a DR file and a `.drpkg` package; a recovery needs both and the passphrase. " +
            "Set the passphrase (web UI: Security → Global security → Disaster recovery), run a catalog backup, test the passphrase against its package, and copy the DR file and the `.drpkg` off the box. " +
            "Keep the passphrase in the team's password safe, not on the server.",
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
            "Size `/usr/openv` (and each relocated catalog location from step 3, at the same path) for catalog growth, not just for today's catalog.\n\n" +
            "**8.1 and later:** the web service account (`nbwebsvc` in group `nbwebgrp`; on 10.x also the NetBackup service user) must exist with the **same UID and GID** as on the old server before NetBackup is installed or started: the copied files keep their numeric owners.",
          commands: "id nbwebsvc; getent group nbwebgrp   # 8.1 and later: on both servers, the same UID and GID\ndf -h /usr/openv",
          verification: "OS patched; /usr/openv and the catalog locations sized and mounted; 8.1 and later: the service accounts match the old server's UID and GID.",
          team: "OS",
          plannedMinutes: 240,
          predecessors: ["6"],
        },
        {
          key: "8",
          title: "Zone the SAN or cable SCSI for the drives and robot; install tape drivers; prepare the disk storage",
          details:
            "Keep the same robot number and robot type as on the old server. On Linux, use persistent device names (`/dev/tape/by-id`, or udev rules) so a reboot doesn't reorder the drives. " +
            "Prepare the zoning for the disk storage LUNs (MSDP, AdvancedDisk) so they can be presented to the new server in step 18 at the same mount points.",
          commands: "cfgadm -al                          # Solaris\nls -l /dev/tape/by-id               # Linux: persistent names\n/usr/openv/volmgr/bin/sgscan",
          verification: "The drives and robot are visible to the OS (st.conf / sg) under persistent names; the disk storage zoning is prepared.",
          team: "ST",
          plannedMinutes: 120,
          predecessors: ["7"],
        },
        {
          key: "9",
          title: "Install the same NetBackup version as the old server",
          details:
            "**Don't combine a platform move with an upgrade.** Install exactly the version of step 2, in the same install path (`/usr/openv`). " +
            "Stop NetBackup after the install: the new box must not talk to the production clients or the robot before the cutover.",
          commands: "cat /usr/openv/netbackup/bin/version\nnetbackup stop   # 8.x and later; classic: /usr/openv/netbackup/bin/bp.kill_all\nbpps -x",
          verification: "Version and patch level identical to step 2; NetBackup stopped on the new server.",
          team: "BA",
          plannedMinutes: 90,
          predecessors: ["7"],
        },
        {
          key: "10",
          title: "Plan the IP/DNS swap and open the firewall ports",
          details: "The new box takes the old name at cutover. Ports: bpcd 13782, vnetd 13724, PBX 1556; 8.1 and later also the web service on 443 for the certificate requests of clients and media servers.",
          verification: "DNS change prepared; firewall rules for 13782, 13724, 1556 (and 443 on 8.1 and later) in place.",
          team: "NW",
          plannedMinutes: 60,
          predecessors: ["6"],
        },
        {
          key: "11",
          title: "Rehearse the data copy and pre-seed /usr/openv on the new server",
          details:
            "Copy everything once now, while the old server still runs, and time it. The day before the window, run the same commands again: that second pass copies only what changed, and its duration is the estimate for step 16.\n\n" +
            REHEARSAL_WARNING,
          commands: PRESEED_COMMANDS,
          verification: "Full copy time and the day-before pass time recorded in the step note; NetBackup never started on the new server.",
          team: "BA+OS",
          plannedMinutes: 180,
          predecessors: ["9"],
        },
      ],
    },
    {
      title: "Cutover window (Saturday)",
      description: "Inside the fixed downtime window.",
      inWindow: true,
      steps: [
        {
          key: "12",
          title: "Go/No-Go: start the cutover",
          details: "Go only if the change is approved, last night's backups are complete, no restores are pending, the pre-seed of step 11 was refreshed within the last day and the team is present.",
          verification: "Named decision with a note.",
          team: "PM",
          plannedMinutes: 15,
          kind: "GATE",
          // Nothing has changed yet at this gate: a No-Go ends the run; there is nothing to roll back.
          noGoOutcome: "ABORT",
          predecessors: ["8", "10", "11"],
        },
        {
          key: "13",
          title: "Deactivate the active policies, suspend SLP duplications and let the running jobs drain",
          details:
            `Record which policies are active **before** deactivating anything, into \`${ACTIVE_POLICIES_FILE}\`: step 26 (and the rollback) reactivates exactly those, not the policies that were inactive on purpose. ` +
            "The file lives under /usr/openv, so it travels with the copy and stays on the old server for a rollback; attach it to this step's note too.\n\n" +
            "Storage lifecycle policies (6.5 and later) keep duplicating while policies are inactive: suspend them as well.",
          commands: DEACTIVATE_COMMANDS,
          verification: "The list of active policies is attached; bpdbjobs -summary shows no active jobs; nbstlutil report shows no duplication in progress.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["12"],
        },
        {
          key: "14",
          title: "Take the final catalog backup and note the media ID",
          details:
            "There is no way back without it: this step must pass. **8.1 and later:** the backup writes the DR file and a `.drpkg` package; copy both off the box right away.",
          commands:
            "bpbackupdb                                        # 3.x/4.x\nbpbackup -i -p <catalog-policy> -s <schedule>     # 6.x and later: hot catalog backup\n" +
            "ls -l <dr-file-directory>                         # the DR file and (8.1 and later) its .drpkg: copy both off-box",
          verification: "The backup succeeded; the DR file (and the .drpkg on 8.1 and later) is saved off-box; media ID in the note.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["13"],
        },
        {
          key: "15",
          title: "Stop NetBackup on the old server",
          commands: "/usr/openv/netbackup/bin/bp.kill_all   # classic\nnetbackup stop                          # 8.x and later\nbpps -x",
          verification: "bpps -x shows nothing running.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["14"],
        },
        {
          key: "16",
          title: "Copy /usr/openv to the new server",
          details:
            "The final pass over the pre-seed of step 11: with NetBackup stopped, it copies only what changed since, and makes the database files consistent. " +
            "Copy each symlinked catalog location from step 3 the same way. Time it against the day-before pass; without a pre-seed a full tar copy takes far longer (about 150 min in the seed thread): change this step's minutes and the plan check shows whether the window still holds.\n\n" +
            "Same OS and CPU architecture only: on any other path this step is the catalog recovery instead (see step 1).",
          commands:
            "rsync -aH --numeric-ids --delete /usr/openv/ <target-host>:/usr/openv/\n" +
            "rsync -aH --numeric-ids --delete <catalog-location>/ <target-host>:<catalog-location>/   # each symlink target from step 3\n" +
            "# without a pre-seed: cd /usr/openv && tar cf - . | ssh <target-host> 'cd /usr/openv && tar xpf -'\n" +
            "du -sk /usr/openv; find /usr/openv | wc -l   # on both servers",
          verification: "File counts and sizes match on both servers (du -sk, find | wc -l), for /usr/openv and each catalog location.",
          team: "OS+BA",
          plannedMinutes: 75,
          predecessors: ["15"],
        },
        {
          key: "17",
          title: "Move the hostname and IP to the new server",
          details:
            "Take the old server off the network first. Update `/etc/hosts`, the hostname (`/etc/nodename` on Solaris only; `hostnamectl` on Linux), and the DNS A and PTR records.",
          commands: "hostnamectl set-hostname <source-host>   # Linux\nbpclntcmd -self\nbpclntcmd -hn <source-host>",
          verification: "bpclntcmd -self and -hn on the new server resolve to itself.",
          team: "NW+OS",
          plannedMinutes: 30,
          predecessors: ["16"],
        },
        {
          key: "18",
          title: "Recable the tape library and move the disk storage to the new server",
          details:
            "This runs while the copy (16) runs: the old server is already stopped. Keep the same robot number and robot type. " +
            "Present the MSDP / AdvancedDisk LUNs to the new server and mount them at the **same mount points** as before (update fstab); the MSDP storage path must not change.",
          commands: "ls -l /dev/tape/by-id   # Linux\n/usr/openv/volmgr/bin/sgscan\ndf -h <disk-storage-mount-point>",
          verification: "Cabling/zoning done; the OS sees the robot and drives; the disk storage is mounted at its old paths.",
          team: "DC+ST",
          plannedMinutes: 60,
          predecessors: ["15"],
        },
        {
          key: "19",
          title: "Start NetBackup on the new server",
          details:
            "The policies are inactive and the SLPs suspended, so nothing is scheduled. On 6.x and later the device configuration lives in EMM, which must run before the devices are reconfigured (step 20). " +
            "**8.1 and later:** check the web service account first; the web service doesn't start without it.",
          commands: "id nbwebsvc                   # 8.1 and later: same UID and GID as on the old server\ninitbprd                      # classic\nnetbackup start               # 8.x and later\nbpps -a",
          verification: "bpps -a shows the daemons; bpclntcmd -self shows the kept name.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["17", "18"],
        },
        {
          key: "20",
          title: "Reconfigure the robot and drives as new devices",
          details: "Delete the stale entries first, then add the robot and drives with the same robot number and type, then restart `ltid`. Classic (3.x/4.x): the device configuration is local and can be done before the start.",
          commands: "tpconfig -d\ntpautoconf -a\n# or: tpconfig -add -robot … / tpconfig -add -drive …\n/usr/openv/volmgr/bin/stopltid && /usr/openv/volmgr/bin/ltid\nvmoprcmd -d",
          verification: "tpconfig -d lists the robot and every drive; vmoprcmd -d shows every drive UP.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["19"],
        },
        {
          key: "21",
          title: "Test the robot",
          details: "Mount and unmount a tape in each drive, then run a robot inventory.",
          commands: "robtest\nvmupdate   # or vmcheckxxx",
          verification: "The inventory matches the media database.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["20"],
        },
        {
          key: "22",
          title: "Verify the catalog and the disk storage",
          details: "Runs beside the device work (20, 21).",
          commands: CATALOG_VERIFY_COMMANDS + "\n" + DISK_STORAGE_VERIFY,
          verification: "Images, policies and media are all present; the consistency check is clean; every disk volume is UP and the storage server credentials are in place.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["19"],
        },
        {
          key: "23",
          title: "Test backup and restore, including an old image from tape",
          details: "Back up one client to tape and to disk storage; restore a recent image and an old one from tape. The test images are unknown to the old server's catalog: see R4.",
          verification: "A test backup of one client succeeded; a restore of a recent and of an old image from tape succeeded.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["21", "22"],
        },
        {
          key: "24",
          title: "Go/No-Go: keep the new server",
          details:
            "The point of no return. Backups and restores work → **Go**. No-Go → run the rollback steps. Rollback triggers: the robot can't be configured, the catalog check fails, the disk storage doesn't come up, or a test restore fails.",
          verification: "Named decision with a note.",
          team: "PM+BA",
          plannedMinutes: 10,
          kind: "GATE",
          predecessors: ["23"],
        },
      ],
    },
    {
      title: "Clients and resume",
      description: "Still inside the window: clients reconnect and policies resume.",
      inWindow: true,
      steps: [
        {
          key: "25",
          title: "Check every client's connectivity",
          details:
            "Fleet step: about one minute per client. From the master, test each client; on the client, `bpclntcmd -pn` shows which server it sees. " +
            "Leave agentless clients out (VMs backed up through the hypervisor, NDMP filers): they have no bpcd. " +
            "**8.1 and later:** the host identity came across with the copy, so the clients' certificates stay valid; `nbcertcmd -ping` on a client proves it.",
          commands: "bptestbpcd -client <client>\nbpclntcmd -pn                          # on the client\nnbcertcmd -ping -server <source-host>  # on the client, 8.1 and later",
          verification: "Every client answers and sees the master.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "CHECK_CONNECTIVITY",
          predecessors: ["24"],
        },
        {
          key: "26",
          title: "Reactivate the policies that were active, and resume SLP duplications",
          details: `Only the policies recorded in step 13 (\`${ACTIVE_POLICIES_FILE}\`): a policy that was inactive before the window stays inactive.`,
          commands: REACTIVATE_COMMANDS,
          verification: "bppllist shows exactly the recorded policies active; nbstlutil shows the SLPs active.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["25"],
        },
      ],
    },
    {
      title: "After the cutover",
      description: "The next morning and the following weeks.",
      inWindow: false,
      steps: [
        {
          key: "27",
          title: "Watch the first backup night",
          commands: "bperror -U -backstat -hoursago 24\nnbstlutil report",
          verification: "No new failures compared with the old server's nights; SLP backlog back to normal.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["26"],
        },
        {
          key: "28",
          title: "Take a catalog backup on the new server and store the DR file",
          details: "**8.1 and later:** test the passphrase against the new `.drpkg` and store it off-box with the DR file.",
          commands: "bpbackup -i -p <catalog-policy> -s <schedule>\nnbhostidentity -testpassphrase -infile <dr-package-file>.drpkg   # 8.1 and later",
          verification: "Catalog backup succeeded; DR file (and .drpkg) stored off-box.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["27"],
        },
        {
          key: "29",
          title: "Update the documentation, close the change and export the runbook PDF",
          verification: "Change closed with the runbook PDF attached.",
          team: "PM",
          plannedMinutes: 30,
          predecessors: ["28"],
        },
        {
          key: "30",
          title: "Decommission the old server after N clean backup nights",
          verification: "Old server wiped and removed from inventory.",
          team: "OS",
          plannedMinutes: 60,
          kind: "MILESTONE",
          predecessors: ["29"],
        },
      ],
    },
    {
      title: "Rollback",
      description: "Run only after a No-Go. Must start by window end − 115 min.",
      inWindow: true,
      steps: [
        {
          key: "R1",
          title: "Stop NetBackup on the new server and take it off the network",
          commands: "netbackup stop\nbpps -x",
          verification: "bpps -x shows nothing running; the new server no longer answers on the old name.",
          team: "BA+NW",
          plannedMinutes: 10,
          kind: "ROLLBACK",
        },
        {
          key: "R2",
          title: "Recable the library and the disk storage to the old server, and meanwhile restore its name and IP",
          details:
            "Two teams at once. Data-center and storage: recable the robot and drives and re-present the disk storage LUNs to the old server. " +
            "Network and OS: restore the old server's DNS A and PTR records and `/etc/hosts` (`/etc/nodename` on Solaris only), then power it on: it was kept intact.",
          commands: "bpclntcmd -self   # on the old server\n/usr/openv/volmgr/bin/sgscan",
          verification: "The old server answers on its name and IP and sees the robot, the drives and its disk storage.",
          team: "DC+ST+NW+OS",
          plannedMinutes: 60,
          kind: "ROLLBACK",
        },
        {
          key: "R3",
          title: "Start NetBackup on the old server and test the robot",
          commands: "netbackup start   # classic: initbprd\nbpps -a\nrobtest\nvmoprcmd -d",
          verification: "The daemons run; every drive mounts and unmounts a tape.",
          team: "BA",
          plannedMinutes: 20,
          kind: "ROLLBACK",
        },
        {
          key: "R4",
          title: "Run a test backup on the old server",
          details:
            "Images written on the new server since the cutover (the test backup of step 23) are unknown to the old catalog. Import them (`bpimport`) or accept the gap, and say which in the note.",
          commands: "bpbackup -i -p <test-policy> -s <schedule> -h <client>\nbpimport -create_db_info -id <media-id>   # only to keep an image written on the new server",
          verification: "Test backup succeeded; the note says what happened to the images written on the new server.",
          team: "BA",
          plannedMinutes: 15,
          kind: "ROLLBACK",
        },
        {
          key: "R5",
          title: "Reactivate the policies and tell the stakeholders",
          details: `Only the policies recorded in step 13 (\`${ACTIVE_POLICIES_FILE}\` on the old server), and resume the SLPs.`,
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
 * The keep-hostname plan for a version family and platform path (lib/templates/netbackup-variants.ts).
 * The recovery path keeps every step number: the pre-seed (11) becomes a rehearsed recovery on the
 * freshly installed box, and the copy (16) becomes the catalog recovery from the final backup.
 */
export function netbackupKeepHostnameEdits(variant: NetbackupVariant): TemplateEdits {
  const modern = variant.version !== "BEFORE_8_1";
  const cross = variant.path === "CROSS_PLATFORM";
  const steps: TemplateEdits["steps"] = {};
  if (!modern) {
    steps["6"] = {
      details:
        "The old server stays intact, powered off and not wiped, until sign-off. Gate 24 is the point of no return: it must be planned before the rollback deadline (the plan check shows the margin).\n\n" +
        "Run a catalog backup now and prove it: 7.x and 8.0 write a DR file with each hot catalog backup; copy it off the box, because a recovery starts from it. 3.x–6.x offline backups (`bpbackupdb`) write no DR file: note the media ID." +
        (cross ? "\n\n" + CATALOG_DISK_DETAILS : ""),
      commands: CLASSIC_CATALOG_BACKUP_COMMANDS,
      verification: "Rollback steps reviewed; a catalog backup succeeded and its DR file (or media ID) is stored off-box.",
    };
    steps["14"] = {
      details: "There is no way back without it: this step must pass.",
      commands: CLASSIC_CATALOG_BACKUP_COMMANDS,
      verification: "The backup succeeded; the DR file (or, 3.x–6.x, the media ID) is saved off-box and in the note.",
    };
    steps["28"] = { commands: "bpbackup -i -p <catalog-policy> -s <schedule>\nls -l <dr-file-directory>", verification: "Catalog backup succeeded; DR file stored off-box." };
  }
  if (cross) {
    steps["1"] = {
      title: "Decide the hostname strategy and confirm the recovery path",
      commands: "uname -srm   # on <source-host> and on <target-host>: a different OS or CPU architecture means this recovery path",
      details: "Keep the current hostname unless there is no way around it: the fresh install and the recovery both need the old name.\n\n" + RECOVERY_PATH_DETAILS, verification: "Decision recorded in the project; the recovery path chosen; Windows ↔ UNIX: the vendor's answer in the note." };
    steps["4"] = {
      title: "Measure the catalog and the recovery time",
      details: "Measure through the symlinks (`du -L`). The rehearsal recovery of step 11 gives the real time for step 16.",
      commands: "du -skL /usr/openv/netbackup/db /usr/openv/volmgr/database /usr/openv/db\n# plus each symlink target from step 3",
      verification: "Catalog size recorded; the recovery time of the rehearsal (step 11) fits step 16's minutes.",
    };
    steps["6"] = {
      ...(steps["6"] ?? {}),
      details:
        (steps["6"]?.details ?? netbackupKeepHostnameTemplate.phases[0].steps[5].details) +
        (modern ? "\n\n" + CATALOG_DISK_DETAILS : "") +
        "\n\nOn this path the catalog backup is how the catalog moves: without one that recovers, there is no move.",
    };
    steps["9"] = {
      title: "Install the same NetBackup version fresh on the new server, under the old name",
      details:
        "**Don't combine a platform move with an upgrade.** Install exactly the version of step 2, in the same install path, with the hostname `<source-host>`: a catalog recovers only onto a server with its name. " +
        (modern
          ? "**Disaster-recovery mode:** when the installer asks whether this is a disaster recovery, answer yes and give it the DR package (`.drpkg`) of step 6 and the passphrase: it restores the master's host identity and certificate authority, so the clients' certificates stay valid (check the prompts for your release). "
          : "") +
        "Stop NetBackup after the install.\n\n" +
        RECOVERY_WARNING,
      commands: "hostname                                  # must print <source-host>\ncat /usr/openv/netbackup/bin/version\nnetbackup stop\nbpps -x",
      verification: "Version and patch level identical to step 2; installed under <source-host>" + (modern ? " in disaster-recovery mode" : "") + "; the box is off the production network; NetBackup stopped.",
    };
    steps["11"] = {
      title: "Rehearse the catalog recovery on the new server and time it",
      details:
        "Recover the catalog backup of step 6 on the new server with the commands of step 16, and time it: that time is step 16's estimate. The rehearsal also proves the backup" + (modern ? " and the DR package passphrase" : "") + ". Then stop NetBackup.\n\n" +
        RECOVERY_WARNING,
      commands: recoverCommands(variant.version, "<target-host>", { rehearsal: true }),
      verification: "The rehearsal recovery succeeded and its time is in the step note; NetBackup stopped; the box never reached a production client or the robot.",
    };
    steps["12"] = {
      details:
        "Go only if the change is approved, last night's backups are complete, no restores are pending, the catalog backup of step 6 recovered cleanly in the rehearsal (step 11), and the team is present. " +
        "On this path the catalog backup carries the move: without a rehearsed recovery, **No-Go**.",
    };
    steps["14"] = {
      ...(steps["14"] ?? {}),
      details:
        (steps["14"]?.details ?? "There is no way back without it: this step must pass. **8.1 and later:** the backup writes the DR file and a `.drpkg` package; copy both off the box right away.") +
        " On this path it is also the only way forward: the catalog moves through this backup (step 16). Write it to the disk storage unit of step 6.",
      requiredFields: CATALOG_BACKUP_FIELD,
    };
    steps["16"] = {
      title: "Recover the catalog on the new server from the final catalog backup",
      details:
        "Copy the final catalog backup (step 14) and its DR file to the new server at the same paths, then run the recovery wizard. The new server still has no production network: it only reads local files. " +
        "Plan the minutes from the rehearsal (step 11): a large images catalog takes longer; change the minutes and the plan check shows whether the window still holds.\n\n" +
        "**Vendor-assisted for Windows ↔ UNIX:** have the vendor's engineer on the call if the catalog changes between them.",
      commands: recoverCommands(variant.version, "<target-host>"),
      verification: "The recovery wizard reports the catalog recovered; bpimagelist on the new server lists last night's images; NetBackup stopped again.",
      plannedMinutes: 90,
    };
    steps["20"] = {
      details:
        "The recovered configuration still holds the old platform's device paths (e.g. `/dev/rmt/…` on Solaris): delete the stale robot and drive entries, then add them with the new box's paths and the same robot number and type, then restart `ltid`.",
    };
    steps["25"] = {
      details:
        "Fleet step: about one minute per client. From the master, test each client; on the client, `bpclntcmd -pn` shows which server it sees. " +
        "Leave agentless clients out (VMs backed up through the hypervisor, NDMP filers): they have no bpcd." +
        (modern ? " **8.1 and later:** the disaster-recovery install brought back the master's host identity, so the clients' certificates stay valid; `nbcertcmd -ping` on a client proves it." : ""),
    };
  }
  const description =
    netbackupKeepHostnameTemplate.description.replace(
      "For the same OS and CPU architecture: /usr/openv is pre-seeded before the window, so about 6 hours of downtime. ",
      cross ? "For a different OS or CPU architecture: the same version is installed fresh and the catalog is recovered from a catalog backup. " : "For the same OS and CPU architecture: /usr/openv is pre-seeded before the window, so about 6 hours of downtime. ",
    ).replace("NetBackup 8.1–10.x, with the classic commands noted.", `${VERSION_FAMILY_TEXT[variant.version]}.`);
  return {
    description: variant.version === "V10" ? primaryServerWording(description) : description,
    steps,
    eachStep: variant.version === "BEFORE_8_1" ? withoutModernSecurity : variant.version === "V10" ? forNetbackupTen : undefined,
    eachText: variant.version === "V10" ? primaryServerWording : undefined,
  };
}
