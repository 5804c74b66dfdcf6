import type { RunbookDocumentInput } from "./runbook-document";

/**
 * "NetBackup media server move": a media server and its tape library go to new hardware while
 * the master stays where it is, keeping the media server's name. From shared/domain: know which
 * databases each role owns (the master keeps the catalog and EMM; the media server owns its
 * device configuration and, in 3.x/4.x, its media database), and "the library is the hard part".
 *
 * `<source-host>` (the media server's name) and `<target-host>` (the new box, until it takes the
 * name) are filled with the project's hosts at project creation by lib/templates/placeholders.ts.
 */
export const netbackupMediaServerMoveTemplate = {
  format: "runsheet.runbook",
  version: 1,
  name: "NetBackup media server move (tape library), keep hostname",
  description:
    "Move a NetBackup media server and its tape library to new hardware under the same name; the master server stays. " +
    "The master keeps the catalog; the media server's device configuration (and, in old versions, its media database) moves.",
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
            "bpmedialist -mlist -h <source-host>   # 6.x+",
          verification: "Robots, drives, storage units and (old versions) the volume database host recorded in the note.",
          team: "BA",
          plannedMinutes: 60,
        },
        {
          key: "2",
          title: "Record the versions on the master and the media server",
          details: "A media server may not run a newer version than its master. Install the same version on the new box.",
          commands: "cat /usr/openv/netbackup/bin/version   # on both servers",
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
          title: "Build the OS and patch it",
          verification: "OS patched; /usr/openv filesystem mounted.",
          team: "OS",
          plannedMinutes: 180,
          predecessors: ["5"],
        },
        {
          key: "7",
          title: "Zone the SAN or cable SCSI for the drives and robot; install tape drivers",
          commands: "cfgadm -al\n/usr/openv/volmgr/bin/sgscan",
          verification: "The drives and robot are visible to the OS (st.conf / sg).",
          team: "ST",
          plannedMinutes: 120,
          predecessors: ["6"],
        },
        {
          key: "8",
          title: "Install the NetBackup media server software, same version, pointing at the master",
          details: "In `bp.conf` the first `SERVER =` line is the master; this media server follows.",
          commands: "cat /usr/openv/netbackup/bin/version\nbpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'",
          verification: "Version identical to step 2; the master is the first SERVER line.",
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
          title: "Stop new jobs on this media server's storage units and let running jobs drain",
          commands: "bpsturep -label <storage-unit> -cj 0\nbpdbjobs -summary",
          verification: "No active job uses the media server's storage units.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["10"],
        },
        {
          key: "12",
          title: "Take a catalog backup on the master",
          commands: "bpbackupdb                                   # 3.x/4.x\nbpbackup -i -p <catalog-policy> -s <schedule>  # 6.x+ hot catalog backup",
          verification: "The backup succeeded; the DR file is saved off-box.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["11"],
        },
        {
          key: "13",
          title: "Stop NetBackup on the old media server",
          commands: "/usr/openv/netbackup/bin/bp.kill_all  # classic\nnetbackup stop                         # 8.x+\nbpps -x",
          verification: "bpps -x shows nothing running.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["12"],
        },
        {
          key: "14",
          title: "Copy the device configuration and (3.x/4.x) the media database",
          commands:
            "cd /usr/openv && tar cf - volmgr/database netbackup/db/media | ssh <target-host> 'cd /usr/openv && tar xpf -'",
          verification: "File counts and sizes match on both servers.",
          team: "OS+BA",
          plannedMinutes: 30,
          predecessors: ["13"],
        },
        {
          key: "15",
          title: "Move the hostname and IP to the new media server",
          details: "Take the old server off the network first. Update `/etc/hosts`, `/etc/nodename`, and the DNS A and PTR records.",
          commands: "bpclntcmd -self\nbpclntcmd -hn <source-host>",
          verification: "On the new box and on the master, the media server's name resolves to the new box.",
          team: "NW+OS",
          plannedMinutes: 30,
          predecessors: ["14"],
        },
        {
          key: "16",
          title: "Recable the tape library (robot and drives) to the new media server",
          verification: "Cabling/zoning done; the OS sees the robot and drives.",
          team: "DC+ST",
          plannedMinutes: 60,
          predecessors: ["13"],
        },
        {
          key: "17",
          title: "Reconfigure the robot and drives as new devices",
          details: "Delete the stale entries first, then add the robot and drives, then restart `ltid`. On 6.x+ the device configuration lives in EMM on the master.",
          commands: "tpconfig -d\ntpautoconf -a\n# or: tpconfig -add -robot … / tpconfig -add -drive …\n/usr/openv/volmgr/bin/stopltid && /usr/openv/volmgr/bin/ltid\nvmoprcmd -d",
          verification: "tpconfig -d lists the robot and every drive; vmoprcmd -d shows every drive UP.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["15", "16"],
        },
        {
          key: "18",
          title: "Test the robot",
          details: "Mount and unmount a tape in each drive, then run a robot inventory.",
          commands: "robtest\nvmupdate   # or vmcheckxxx",
          verification: "The inventory matches the media database.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["17"],
        },
        {
          key: "19",
          title: "Start NetBackup on the new media server",
          commands: "initbprd        # classic\nnetbackup start # 8.x+\nbpps -a\nbptestbpcd -client <source-host>   # from the master",
          verification: "bpps -a shows the daemons; the master reaches the media server.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["18"],
        },
        {
          key: "20",
          title: "Check the connectivity from the media server to its clients",
          details: "Fleet step: about one minute per client that backs up through this media server.",
          commands: "bptestbpcd -client <client>   # on the media server\nbpclntcmd -pn                 # on the client",
          verification: "Every client answers the media server.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "CHECK_CONNECTIVITY",
          predecessors: ["19"],
        },
        {
          key: "21",
          title: "Re-enable the storage units and test backup and restore, including an old image from tape",
          commands: "bpsturep -label <storage-unit> -cj <jobs>\nbpstulist -U",
          verification: "A test backup through each storage unit succeeded; a restore of an old image from tape succeeded.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["20"],
        },
        {
          key: "22",
          title: "Go/No-Go: keep the new media server",
          details: "Backups and restores work → **Go**. No-Go → run the rollback steps. Rollback triggers: the robot can't be configured, the inventory doesn't match, or a test restore fails.",
          verification: "Named decision with a note.",
          team: "PM+BA",
          plannedMinutes: 10,
          kind: "GATE",
          predecessors: ["21"],
        },
      ],
    },
    {
      title: "After the cutover",
      description: "The next morning and the following weeks.",
      inWindow: false,
      steps: [
        {
          key: "23",
          title: "Watch the first backup night",
          commands: "bperror -U -backstat -hoursago 24",
          verification: "No new failures on this media server's storage units.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["22"],
        },
        {
          key: "24",
          title: "Update the documentation and close the change",
          verification: "Change closed with the runbook PDF attached.",
          team: "PM",
          plannedMinutes: 30,
          predecessors: ["23"],
        },
        {
          key: "25",
          title: "Decommission the old media server after N clean backup nights",
          verification: "Old server wiped and removed from inventory.",
          team: "OS",
          plannedMinutes: 60,
          kind: "MILESTONE",
          predecessors: ["24"],
        },
      ],
    },
    {
      title: "Rollback",
      description: "Run only after a No-Go. Must start by window end − 135 min.",
      inWindow: true,
      steps: [
        { key: "R1", title: "Stop NetBackup on the new media server and take it off the network", commands: "netbackup stop\nbpps -x", team: "BA+NW", plannedMinutes: 15, kind: "ROLLBACK" },
        { key: "R2", title: "Restore the old media server's network identity and power it on", verification: "Old server answers on its name and IP.", team: "NW+OS", plannedMinutes: 20, kind: "ROLLBACK" },
        { key: "R3", title: "Recable the library to the old media server and run robtest", commands: "robtest", verification: "Every drive mounts and unmounts a tape.", team: "DC+BA", plannedMinutes: 60, kind: "ROLLBACK" },
        { key: "R4", title: "Start NetBackup on the old media server and run a test backup", commands: "netbackup start\nbpps -a", verification: "Test backup succeeded.", team: "BA", plannedMinutes: 30, kind: "ROLLBACK" },
        { key: "R5", title: "Re-enable the storage units and tell the stakeholders", commands: "bpsturep -label <storage-unit> -cj <jobs>", team: "BA+PM", plannedMinutes: 10, kind: "ROLLBACK" },
      ],
    },
  ],
} satisfies RunbookDocumentInput;
