import type { NetbackupVariant } from "./ids";
import type { TemplateEdits } from "./tailor";
import type { RunbookDocumentInput } from "./runbook-document";

type RunbookStepInput = RunbookDocumentInput["phases"][number]["steps"][number];
import { CLASSIC_CATALOG_BACKUP_COMMANDS, forNetbackupTen, primaryServerWording, VERSION_FAMILY_TEXT, withoutModernSecurity } from "./netbackup-shared";

/**
 * "NetBackup media server move": a media server and its tape library go to new hardware while
 * the master stays where it is, keeping the media server's name. From shared/domain: know which
 * databases each role owns (the master keeps the catalog and EMM; the media server owns its
 * device configuration and, in 3.x/4.x, its media database), and "the library is the hard part".
 *
 * `<source-host>` (the media server's name) and `<target-host>` (the new box, until it takes the
 * name) are filled with the project's hosts at project creation by lib/templates/placeholders.ts;
 * `<master-server>` stays a prompt (the project doesn't hold the master's name).
 *
 * Written for 8.1–10.x with the classic commands noted: the media server is quiesced with an
 * administrative pause, its disk storage moves beside the tape library, and on 8.1 and later it
 * gets its certificate back under the same name with a reissue token. NetBackup starts before the
 * devices are configured (the device configuration lives in EMM on the master).
 */
export const netbackupMediaServerMoveTemplate = {
  format: "runsheet.runbook",
  version: 1,
  name: "NetBackup media server move (tape library), keep hostname",
  description:
    "Move a NetBackup media server and its tape library to new hardware under the same name; the master server stays. " +
    "The master keeps the catalog; the media server's device configuration (and, in old versions, its media database), its disk storage and (8.1 and later) its host certificate move. " +
    "Same OS and CPU architecture for the copied files; otherwise a fresh install of the same version.",
  phases: [
    {
      title: "Planning and inventory",
      description: "Days before the window.",
      inWindow: false,
      steps: [
        {
          key: "1",
          title: "Establish what the media server owns",
          details:
            "The master owns the catalog (images, policies, configuration, jobs; EMM/NBDB on 6.x+). The media server owns its device configuration and, on 3.x/4.x, its own media database. " +
            "List its robots, drives and storage units, and which policies write to them.",
          commands:
            "nbemmcmd -listhosts -verbose          # on the master, 6.x+\n" +
            "tpconfig -d                           # on the media server\n" +
            "bpstulist -U | grep -i <source-host>\n" +
            "vmquery -a                            # 3.x/4.x media database on the media server\n" +
            "bpmedialist -mlist -h <source-host>   # 6.x+\n" +
            "nbdevquery -liststs -U | grep -i <source-host>   # disk storage servers on this media server (MSDP, AdvancedDisk, cloud)\n" +
            "nbdevquery -listdp -U\n" +
            "tpconfig -dsh                         # storage servers with stored credentials",
          verification: "Robots, drives, storage units, disk storage servers with their credentials and (old versions) the volume database host recorded in the note.",
          team: "BA",
          plannedMinutes: 60,
        },
        {
          key: "2",
          title: "Record the versions on the master and the media server",
          details:
            "A media server may not run a newer version than its master. Install the same version on the new box. " +
            "If the new box has a different OS or CPU architecture, don't copy any NetBackup files to it: install fresh and reconfigure the devices and disk storage.",
          commands: "cat /usr/openv/netbackup/bin/version   # on both servers\nuname -srm                             # on <source-host> and <target-host>",
          verification: "Both versions recorded; the media server's is not newer than the master's.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["1"],
        },
        {
          key: "3",
          title: "Measure the device and media data to move",
          commands: "du -sk /usr/openv/volmgr/database /usr/openv/netbackup/db/media 2>/dev/null",
          verification: "Size recorded; the copy fits the window with a margin.",
          team: "BA+OS",
          plannedMinutes: 30,
          predecessors: ["1"],
        },
        {
          key: "4",
          title: "Agree the downtime window and get the change approved",
          details: "Backups through this media server's storage units stop during the window; other media servers keep working.",
          verification: "Change record approved; window entered in the project.",
          team: "PM",
          plannedMinutes: 60,
          predecessors: ["2", "3"],
        },
        {
          key: "5",
          title: "Write the rollback plan",
          details: "The old media server stays intact, powered off and not wiped, until sign-off.",
          verification: "Rollback steps reviewed and their total fits before the rollback deadline.",
          team: "PM+BA",
          plannedMinutes: 30,
          predecessors: ["4"],
        },
      ],
    },
    {
      title: "Prepare the new media server",
      description: "The week before the window.",
      inWindow: false,
      steps: [
        {
          key: "6",
          title: "Build the OS, patch it and create the service accounts",
          details: "**8.1 and later:** create the NetBackup service accounts with the same UID and GID as on the old media server before installing.",
          commands: "id nbwebsvc; getent group nbwebgrp   # 8.1 and later: compare with the old media server\ndf -h /usr/openv",
          verification: "OS patched; /usr/openv filesystem mounted; service accounts match.",
          team: "OS",
          plannedMinutes: 180,
          predecessors: ["5"],
        },
        {
          key: "7",
          title: "Zone the SAN or cable SCSI for the drives and robot; install tape drivers; prepare the disk storage",
          details: "Keep the same robot number and robot type. On Linux, use persistent device names (`/dev/tape/by-id`). Prepare the zoning of the disk storage LUNs (MSDP, AdvancedDisk) for the cutover.",
          commands: "cfgadm -al                          # Solaris\nls -l /dev/tape/by-id               # Linux: persistent names\n/usr/openv/volmgr/bin/sgscan",
          verification: "The drives and robot are visible to the OS (st.conf / sg) under persistent names.",
          team: "ST",
          plannedMinutes: 120,
          predecessors: ["6"],
        },
        {
          key: "8",
          title: "Install the NetBackup media server software, same version, pointing at the master",
          details:
            "In `bp.conf` the first `SERVER =` line is the master; this media server follows. Stop NetBackup after the install until the cutover. " +
            "**8.1 and later:** don't request a certificate under the temporary name; the box gets `<source-host>`'s certificate with a reissue token at the cutover (step 17).",
          commands: "cat /usr/openv/netbackup/bin/version\nbpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'\nnetbackup stop",
          verification: "Version identical to step 2; the master is the first SERVER line; NetBackup stopped.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["6"],
        },
        {
          key: "9",
          title: "Plan the IP/DNS swap and open the firewall ports",
          details: "The new box takes the media server's name at cutover. Ports between master, media server and clients: bpcd 13782, vnetd 13724, PBX 1556.",
          verification: "DNS change prepared; firewall rules for 13782, 13724 and 1556 in place.",
          team: "NW",
          plannedMinutes: 45,
          predecessors: ["5"],
        },
      ],
    },
    {
      title: "Cutover window",
      description: "Inside the fixed downtime window.",
      inWindow: true,
      steps: [
        {
          key: "10",
          title: "Go/No-Go: start the cutover",
          details: "Go only if the change is approved, last night's backups through this media server are complete, no restores from its tapes are pending and the team is present.",
          verification: "Named decision with a note.",
          team: "PM",
          plannedMinutes: 15,
          kind: "GATE",
          // Nothing has changed yet at this gate: a No-Go ends the run; there is nothing to roll back.
          noGoOutcome: "ABORT",
          predecessors: ["7", "8", "9"],
        },
        {
          key: "11",
          title: "Set the media server to administrative pause, suspend its SLP duplications and let its jobs drain",
          details:
            "An administrative pause stops the master from sending new jobs to this media server while running jobs finish; other media servers keep working. " +
            "Storage lifecycle duplications that read from or write to its storage keep running otherwise: suspend those SLPs and note them for step 23.",
          commands:
            "nbemmcmd -updatehost -machinename <source-host> -machinestateop set_admin_pause -machinetype media -masterserver <master-server>   # on the master\n" +
            "nbstlutil inactive -lifecycle <slp>   # each SLP using this media server's storage\n" +
            "bpdbjobs -summary",
          verification: "nbemmcmd -listhosts -verbose shows the media server paused; no active job uses it; the suspended SLPs are listed in the note.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["10"],
        },
        {
          key: "12",
          title: "Take a catalog backup on the master",
          details: "**8.1 and later:** copy the DR file and the `.drpkg` off the box.",
          commands: "bpbackupdb                                   # 3.x/4.x\nbpbackup -i -p <catalog-policy> -s <schedule>  # 6.x and later: hot catalog backup",
          verification: "The backup succeeded; the DR file (and .drpkg) is saved off-box.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["11"],
        },
        {
          key: "13",
          title: "Stop NetBackup on the old media server",
          commands: "/usr/openv/netbackup/bin/bp.kill_all  # classic\nnetbackup stop                         # 8.x and later\nbpps -x",
          verification: "bpps -x shows nothing running.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["12"],
        },
        {
          key: "14",
          title: "Copy the device configuration and (3.x/4.x) the media database",
          details: "Same OS and CPU architecture only; otherwise skip this step and configure the devices fresh (step 19).",
          commands:
            "cd /usr/openv && tar cf - volmgr/database volmgr/vm.conf netbackup/db/media | ssh <target-host> 'cd /usr/openv && tar xpf -'\n" +
            "ls -l /usr/openv/volmgr/database   # on both servers",
          verification: "File counts and sizes match on both servers.",
          team: "OS+BA",
          plannedMinutes: 30,
          predecessors: ["13"],
        },
        {
          key: "15",
          title: "Move the hostname and IP to the new media server",
          details: "Take the old server off the network first. Update `/etc/hosts`, the hostname (`/etc/nodename` on Solaris only; `hostnamectl` on Linux), and the DNS A and PTR records.",
          commands: "hostnamectl set-hostname <source-host>   # Linux\nbpclntcmd -self\nbpclntcmd -hn <source-host>",
          verification: "On the new box and on the master, the media server's name resolves to the new box.",
          team: "NW+OS",
          plannedMinutes: 30,
          predecessors: ["14"],
        },
        {
          key: "16",
          title: "Recable the tape library and move the disk storage to the new media server",
          details: "Runs while the configuration is copied and the name moves. Same robot number and type; the disk storage LUNs (MSDP, AdvancedDisk) mounted at the same mount points.",
          commands: "ls -l /dev/tape/by-id   # Linux\n/usr/openv/volmgr/bin/sgscan\ndf -h <disk-storage-mount-point>",
          verification: "Cabling/zoning done; the OS sees the robot and drives; the disk storage is mounted at its old paths.",
          team: "DC+ST",
          plannedMinutes: 60,
          predecessors: ["13"],
        },
        {
          key: "17",
          title: "Get the media server's certificate back with a reissue token",
          details:
            "**8.1 and later** (skip on older versions). The new hardware has the old name but not its certificate. On the master, reset the host ID attributes of `<source-host>` (web UI, Security → Hosts) and create a reissue token for it; " +
            "on the new media server, fetch the CA certificate and the host certificate with that token. The reissue revokes the old box's certificate: the rollback needs a reissue too (R3).",
          commands:
            "bpnbat -login -logintype WEB                                              # on the master\n" +
            "nbcertcmd -createToken -name <token-name> -reissue -host <source-host>      # on the master\n" +
            "nbcertcmd -getCACertificate -server <master-server>                       # on the new media server\n" +
            "nbcertcmd -getCertificate -server <master-server> -token                  # paste the reissue token\n" +
            "nbcertcmd -listCertDetails",
          verification: "nbcertcmd -listCertDetails on the new media server shows a certificate for <source-host> issued by the master.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["15"],
        },
        {
          key: "18",
          title: "Start NetBackup on the new media server",
          details: "The media server is still paused, so the master sends it no jobs. On 6.x and later its device configuration lives in EMM on the master.",
          commands: "initbprd        # classic\nnetbackup start # 8.x and later\nbpps -a\nbptestbpcd -client <source-host>   # from the master",
          verification: "bpps -a shows the daemons; the master reaches the media server.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["16", "17"],
        },
        {
          key: "19",
          title: "Reconfigure the robot and drives as new devices",
          details: "Delete the stale entries first, then add the robot and drives with the same robot number and type, then restart `ltid`.",
          commands: "tpconfig -d\ntpautoconf -a\n# or: tpconfig -add -robot … / tpconfig -add -drive …\n/usr/openv/volmgr/bin/stopltid && /usr/openv/volmgr/bin/ltid\nvmoprcmd -d",
          verification: "tpconfig -d lists the robot and every drive; vmoprcmd -d shows every drive UP.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["18"],
        },
        {
          key: "20",
          title: "Test the robot",
          details: "Mount and unmount a tape in each drive, then run a robot inventory.",
          commands: "robtest\nvmupdate   # or vmcheckxxx",
          verification: "The inventory matches the media database.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["19"],
        },
        {
          key: "21",
          title: "Bring the disk storage back up",
          details: "Runs beside the device work. Check that every disk volume of this media server is UP; re-enter a storage server's credentials if they didn't come across.",
          commands:
            "nbdevquery -listdv -stype PureDisk -U       # MSDP volumes: UP\nnbdevquery -listdv -stype AdvancedDisk -U   # AdvancedDisk volumes: UP\n" +
            "tpconfig -dsh                               # credentials present; re-add a missing one with tpconfig -add -storage_server …",
          verification: "Every disk volume of the media server is UP and its storage servers have credentials.",
          team: "BA",
          plannedMinutes: 20,
          predecessors: ["18"],
        },
        {
          key: "22",
          title: "Check the connectivity from the media server to its clients",
          details: "Fleet step: about one minute per client that backs up through this media server. Leave agentless clients out (VMs backed up through the hypervisor, NDMP filers): they have no bpcd.",
          commands: "bptestbpcd -client <client>   # on the media server\nbpclntcmd -pn                 # on the client",
          verification: "Every client answers the media server.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "CHECK_CONNECTIVITY",
          predecessors: ["18"],
        },
        {
          key: "23",
          title: "Release the administrative pause, resume the SLPs and test backup and restore, including an old image from tape",
          commands:
            "nbemmcmd -updatehost -machinename <source-host> -machinestateop clr_admin_pause -machinetype media -masterserver <master-server>   # on the master\n" +
            "nbstlutil active -lifecycle <slp>   # each SLP suspended in step 11\nbpstulist -U",
          verification: "A test backup through each storage unit (tape and disk) succeeded; a restore of an old image from tape succeeded.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["20", "21", "22"],
        },
        {
          key: "24",
          title: "Go/No-Go: keep the new media server",
          details:
            "The point of no return. Backups and restores work → **Go**. No-Go → run the rollback steps. Rollback triggers: the robot can't be configured, the inventory doesn't match, the disk storage doesn't come up, or a test restore fails.",
          verification: "Named decision with a note.",
          team: "PM+BA",
          plannedMinutes: 10,
          kind: "GATE",
          predecessors: ["23"],
        },
      ],
    },
    {
      title: "After the cutover",
      description: "The next morning and the following weeks.",
      inWindow: false,
      steps: [
        {
          key: "25",
          title: "Watch the first backup night",
          commands: "bperror -U -backstat -hoursago 24\nnbstlutil report",
          verification: "No new failures on this media server's storage units; SLP backlog back to normal.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["24"],
        },
        {
          key: "26",
          title: "Update the documentation and close the change",
          verification: "Change closed with the runbook PDF attached.",
          team: "PM",
          plannedMinutes: 30,
          predecessors: ["25"],
        },
        {
          key: "27",
          title: "Decommission the old media server after N clean backup nights",
          verification: "Old server wiped and removed from inventory.",
          team: "OS",
          plannedMinutes: 60,
          kind: "MILESTONE",
          predecessors: ["26"],
        },
      ],
    },
    {
      title: "Rollback",
      description: "Run only after a No-Go. Must start by window end − 125 min.",
      inWindow: true,
      steps: [
        {
          key: "R1",
          title: "Pause the new media server, stop NetBackup on it and take it off the network",
          commands:
            "nbemmcmd -updatehost -machinename <source-host> -machinestateop set_admin_pause -machinetype media -masterserver <master-server>   # on the master\nnetbackup stop\nbpps -x",
          team: "BA+NW",
          plannedMinutes: 10,
          kind: "ROLLBACK",
        },
        {
          key: "R2",
          title: "Recable the library and the disk storage to the old media server, and meanwhile restore its name and IP",
          details: "Two teams at once: data-center and storage recable and re-present the disk storage; network and OS restore the old server's identity and power it on.",
          commands: "bpclntcmd -self   # on the old media server\n/usr/openv/volmgr/bin/sgscan",
          verification: "Old server answers on its name and IP and sees the robot, the drives and its disk storage.",
          team: "DC+ST+NW+OS",
          plannedMinutes: 60,
          kind: "ROLLBACK",
        },
        {
          key: "R3",
          title: "Get the old media server's certificate back with a reissue token",
          details: "**8.1 and later** (skip on older versions): step 17's reissue revoked the old box's certificate.",
          commands:
            "nbcertcmd -createToken -name <token-name> -reissue -host <source-host>   # on the master\nnbcertcmd -getCertificate -server <master-server> -token               # on the old media server",
          verification: "nbcertcmd -listCertDetails on the old media server shows a valid certificate.",
          team: "BA",
          plannedMinutes: 15,
          kind: "ROLLBACK",
        },
        {
          key: "R4",
          title: "Start NetBackup on the old media server, test the robot and run a test backup",
          details: "Images written through the new media server since the cutover stay in the master's catalog; their tapes are readable by the old server.",
          commands: "netbackup start   # classic: initbprd\nbpps -a\nrobtest",
          verification: "Every drive mounts a tape; the test backup succeeded.",
          team: "BA",
          plannedMinutes: 30,
          kind: "ROLLBACK",
        },
        {
          key: "R5",
          title: "Release the pause, resume the SLPs and tell the stakeholders",
          commands:
            "nbemmcmd -updatehost -machinename <source-host> -machinestateop clr_admin_pause -machinetype media -masterserver <master-server>   # on the master\nnbstlutil active -lifecycle <slp>",
          team: "BA+PM",
          plannedMinutes: 10,
          kind: "ROLLBACK",
        },
      ],
    },
  ],
} satisfies RunbookDocumentInput;

/**
 * The media server move for a version family and platform path (lib/templates/netbackup-variants.ts).
 * Before 8.1 there is no host certificate to reissue: step 17 and R3 go. On a different OS or CPU
 * architecture nothing is copied from the old box: the copy (14) becomes deleting its old device
 * entries in EMM, and the devices and disk storage are configured fresh on the new platform.
 */
export function netbackupMediaServerMoveEdits(variant: NetbackupVariant): TemplateEdits {
  const modern = variant.version !== "BEFORE_8_1";
  const cross = variant.path === "CROSS_PLATFORM";
  const steps: TemplateEdits["steps"] = {};
  if (!modern) {
    steps["6"] = { title: "Build the OS and patch it", details: "", commands: "df -h /usr/openv", verification: "OS patched; /usr/openv filesystem mounted." };
    steps["12"] = { commands: CLASSIC_CATALOG_BACKUP_COMMANDS, verification: "The backup succeeded; the DR file (or, 3.x–6.x, the media ID) is saved off-box." };
  }
  if (cross) {
    steps["3"] = {
      title: "Record the device configuration to rebuild",
      details: "Nothing is copied to a new OS or CPU architecture: keep the robot numbers and types, the drive names and the storage units to configure them again the same way.",
      commands: "tpconfig -d                           # on <source-host>\ntpconfig -dsh\nvmoprcmd -d\nbpstulist -U | grep -i <source-host>",
      verification: "Outputs attached: every robot, drive, storage unit and disk storage server of the media server.",
    };
    steps["8"] = {
      title: "Install the NetBackup media server software fresh on the new platform, same version, pointing at the master",
      details:
        ((netbackupMediaServerMoveTemplate.phases[1].steps as readonly RunbookStepInput[]).find((step) => step.key === "8")?.details ?? "") +
        "\n\n**Different OS or CPU architecture:** nothing is copied from the old box; the devices and disk storage are configured fresh at the cutover (steps 19, 21).",
    };
    steps["14"] = {
      title: "Delete the old media server's devices from EMM",
      details:
        "On this path the old platform's device paths are useless: delete the media server's robots and drives from the device database on the master, and add them again for the new box in step 19." +
        (modern ? "" : " 3.x/4.x, where the media server holds its own media database: its files don't carry across platforms; move its volume records to another server with `bpmedia -movedb` before the window (verify for your release)."),
      commands: "tpconfig -d                                                                          # save the output first (step 3)\nnbemmcmd -deletealldevices -machinename <source-host> -machinetype media   # on the master, 6.x and later\ntpconfig -d",
      verification: "tpconfig -d no longer lists devices on <source-host>; the saved configuration from step 3 is attached.",
      team: "BA",
      plannedMinutes: 15,
    };
    steps["19"] = {
      details: "Add the robot and drives with the new box's device paths (`/dev/tape/by-id` on Linux), the same robot number and type as recorded in step 3, then restart `ltid`.",
    };
    steps["21"] = {
      details:
        "Runs beside the device work. Re-enter each storage server's credentials (`tpconfig -add -storage_server …`) and check that every disk volume is UP.\n\n" +
        "**Check with the vendor:** a deduplication pool (MSDP) written on one OS or CPU architecture (Windows ↔ UNIX included) may not be readable on another. If it isn't, keep the old box reading it, or duplicate its images elsewhere before the move (verify for your release).",
    };
  }
  const description =
    netbackupMediaServerMoveTemplate.description.replace(
      " Same OS and CPU architecture for the copied files; otherwise a fresh install of the same version.",
      cross ? " Different OS or CPU architecture: a fresh install of the same version, and the devices and disk storage configured anew." : " Same OS and CPU architecture: the device configuration is copied.",
    ) + ` ${VERSION_FAMILY_TEXT[variant.version]}.`;
  return {
    description: variant.version === "V10" ? primaryServerWording(description) : description,
    steps,
    remove: modern ? [] : ["17", "R3"],
    eachStep: variant.version === "BEFORE_8_1" ? withoutModernSecurity : variant.version === "V10" ? forNetbackupTen : undefined,
    eachText: variant.version === "V10" ? primaryServerWording : undefined,
  };
}
