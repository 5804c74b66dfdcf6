import type { RunbookDocumentInput } from "./runbook-document";

/**
 * "NetBackup master/media server rehost, rename hostname", from the "Variant: rename hostname"
 * section of shared/domain/netbackup-rehost.md. It is the keep-hostname plan plus everything a
 * rename drags in: a CNAME for the old name (the seed thread's escape hatch), a list of every
 * place the old name is stored, the catalog/EMM rename, and three fleet steps (bp.conf on every
 * client, connectivity, policy membership).
 *
 * `<old-master>` and `<new-master>` are filled with the project's source and target host when a
 * project is created from this template (lib/templates/placeholders.ts); other `<…>` stay as
 * prompts for the operator. Where a step lists two commands, the first is the classic (3.x/4.x)
 * one and the second the modern (6.x+) one.
 */
export const netbackupRenameHostnameTemplate = {
  format: "runsheet.runbook",
  version: 1,
  name: "NetBackup master/media server rehost, rename hostname",
  description:
    "Move a combined NetBackup master/media server with a tape library to new hardware under a NEW hostname. " +
    "Adds a DNS CNAME for the old name, the catalog/EMM host rename and a bp.conf update on every client. " +
    "Only when keeping the name is impossible: admins who did it call it a nightmare.",
  phases: [
    {
      title: "Planning and inventory",
      description: "Days before the window. The rename is the risky part: find every place the old name lives.",
      inWindow: false,
      steps: [
        {
          key: "1",
          title: "Confirm the rename is unavoidable and agree vendor support",
          details:
            "Admins who moved dozens of servers advise keeping the hostname: \"it is a nightmare to change it\". One rename \"got changed right back, and everything else got CNAME'd\". " +
            "The vendor may support a master rename only through professional services: get that agreed in writing before you plan further.",
          verification: "Decision and the reason the old name can't be kept recorded in the project; support case or PS engagement number in the note.",
          team: "PM+BA",
          plannedMinutes: 60,
        },
        {
          key: "2",
          title: "Record the version and patch level on the old server",
          details: "The version decides the rename method: `nbemmcmd -renamehost` on 6.x and later, `bpmedia -movedb` plus storage-unit edits on older versions.",
          commands: "cat /usr/openv/netbackup/bin/version",
          verification: "Version string attached to the step note.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["1"],
        },
        {
          key: "3",
          title: "Inventory the configuration",
          details: "Save each output off-box; they are the reference for every check during the cutover, and step 31 compares policy membership against them.",
          commands:
            "bppllist -allpolicies -U\nbpplclients -allunique -noheader\nbpstulist -U\ntpconfig -d\nvmquery -a        # 3.x/4.x\nbpmedialist -mlist # 6.x+",
          verification: "Outputs attached to the step.",
          team: "BA",
          plannedMinutes: 120,
          predecessors: ["2"],
        },
        {
          key: "4",
          title: "List every place the old name is stored",
          details:
            "Before the copy, find every reference to `<old-master>`: the EMM host list (6.x+), storage units, the master's and media servers' server lists, " +
            "the media database (which server owns each volume), policies, and every client's `bp.conf` or registry. Each hit needs a step below that changes it.",
          commands:
            "nbemmcmd -listhosts -verbose                 # 6.x+ EMM: every host and its role\n" +
            "bpstulist -U                                 # storage units and their host\n" +
            "bpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'\n" +
            "grep -i <old-master> /usr/openv/netbackup/bp.conf /usr/openv/volmgr/vm.conf\n" +
            "vmquery -a | grep -i <old-master>            # 3.x/4.x media database\n" +
            "bpmedialist -mlist -h <old-master>           # 6.x+ media assigned to the old name\n" +
            "bppllist -allpolicies -U | grep -i <old-master>\n" +
            "bpplclients -allunique -noheader            # every client whose bp.conf must change",
          verification: "The list is attached, and every occurrence of the old name is covered by a step of this plan.",
          team: "BA",
          plannedMinutes: 90,
          predecessors: ["3"],
        },
        {
          key: "5",
          title: "Measure the catalog and the copy throughput",
          commands: "du -sk /usr/openv/netbackup/db /usr/openv/volmgr/database /usr/openv/db\n# timed test copy of 10 GB to the new server",
          verification: "Estimated copy time fits the window, with a margin.",
          team: "BA+OS",
          plannedMinutes: 60,
          predecessors: ["2"],
        },
        {
          key: "6",
          title: "Agree the downtime window, get the change approved and tell the client owners",
          details: "Every client's `bp.conf` (or registry) changes in the window, so client owners must know and must not revert it.",
          verification: "Change record approved; window entered in the project; client owners notified.",
          team: "PM",
          plannedMinutes: 60,
          predecessors: ["4", "5"],
        },
        {
          key: "7",
          title: "Write the rollback plan",
          details:
            "The old server stays intact, powered off and not wiped, until sign-off. Keep each client's current `SERVER` lines (step 12 saves them) so the rollback can put them back.",
          verification: "Rollback steps reviewed and their total fits before the rollback deadline.",
          team: "PM+BA",
          plannedMinutes: 30,
          predecessors: ["6"],
        },
      ],
    },
    {
      title: "Prepare the new server",
      description: "The week before the window.",
      inWindow: false,
      steps: [
        {
          key: "8",
          title: "Build the OS, patch it and lay out the disks",
          details: "Size `/usr/openv` for catalog growth, not just for today's catalog.",
          verification: "OS patched; /usr/openv filesystem sized and mounted.",
          team: "OS",
          plannedMinutes: 240,
          predecessors: ["7"],
        },
        {
          key: "9",
          title: "Zone the SAN or cable SCSI for the drives and robot; install tape drivers",
          commands: "cfgadm -al\n/usr/openv/volmgr/bin/sgscan",
          verification: "The drives and robot are visible to the OS (st.conf / sg).",
          team: "ST",
          plannedMinutes: 120,
          predecessors: ["8"],
        },
        {
          key: "10",
          title: "Install the same NetBackup version as the old server, under the new name",
          details: "**Don't combine a platform move with an upgrade.** Upgrade in a separate change afterwards.",
          commands: "cat /usr/openv/netbackup/bin/version\nbpclntcmd -self",
          verification: "Version and patch level identical to step 2; `bpclntcmd -self` shows <new-master>.",
          team: "BA",
          plannedMinutes: 90,
          predecessors: ["8"],
        },
        {
          key: "11",
          title: "Prepare DNS for the new name and the CNAME for the old one; open the firewall ports",
          details:
            "A and PTR records for `<new-master>` now. At cutover the old name becomes a CNAME pointing at `<new-master>`: clients you miss still reach the master. " +
            "Ports: bpcd 13782, vnetd 13724, PBX 1556. Lower the TTL of the old record a day ahead so the CNAME takes effect quickly.",
          commands: "nslookup <new-master>\nnslookup <old-master>",
          verification: "<new-master> resolves forwards and backwards; the CNAME change is prepared; firewall rules for 13782, 13724 and 1556 are in place.",
          team: "NW",
          plannedMinutes: 60,
          predecessors: ["7"],
        },
        {
          key: "12",
          title: "Save every client's server list and prepare the new SERVER lines",
          details:
            "Save each client's current configuration (the rollback needs it), then write the file that step 27 pushes: the master first, media servers after it. " +
            "For master `nbu-master2` and media server `nbu-media1`:\n\n```\nSERVER = nbu-master2\nSERVER = nbu-media1\n```\n\n`CLIENT_NAME` is not in the file: it stays as it is on each client.",
          commands: "mkdir -p /var/tmp/bpconf-before\nbpgetconfig -M <client> > /var/tmp/bpconf-before/<client>.txt\nprintf 'SERVER = <new-master>\\nSERVER = <media-server>\\n' > /var/tmp/new-server-lines.txt",
          verification: "One saved configuration per client from step 4's list; the new SERVER lines reviewed by a second admin.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["4", "10"],
        },
        {
          key: "13",
          title: "Rehearse the data copy under the new name and time it",
          commands: "cd /usr/openv && tar cf - . | ssh <new-master> 'cd /usr/openv && tar xpf -'",
          verification: "Actual copy time recorded in the step note.",
          team: "BA+OS",
          plannedMinutes: 180,
          predecessors: ["10"],
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
          details: "Go only if the change is approved, last night's backups are complete, no restores are pending, the client list is complete and the team is present.",
          verification: "Named decision with a note.",
          team: "PM",
          plannedMinutes: 15,
          kind: "GATE",
          // Nothing has changed yet at this gate: a No-Go ends the run; there is nothing to roll back.
          noGoOutcome: "ABORT",
          predecessors: ["9", "11", "12", "13"],
        },
        {
          key: "15",
          title: "Deactivate the policies and let the running jobs drain",
          commands: "bpplinfo <policy> -modify -inactive\nbpdbjobs -summary",
          verification: "bpdbjobs -summary shows no active jobs.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["14"],
        },
        {
          key: "16",
          title: "Take the final catalog backup and note the media ID",
          details: "There is no way back without it: this step must pass.",
          commands: "bpbackupdb                                   # 3.x/4.x\nbpbackup -i -p <catalog-policy> -s <schedule>  # 6.x+ hot catalog backup",
          verification: "The backup succeeded; the DR file is saved off-box; media ID in the note.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["15"],
        },
        {
          key: "17",
          title: "Stop NetBackup on the old server",
          commands: "/usr/openv/netbackup/bin/bp.kill_all  # classic\nnetbackup stop                         # 8.x+\nbpps -x",
          verification: "bpps -x shows nothing running.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["16"],
        },
        {
          key: "18",
          title: "Copy /usr/openv to the new server",
          commands: "cd /usr/openv && tar cf - . | ssh <new-master> 'cd /usr/openv && tar xpf -'\ndu -sk /usr/openv\nfind /usr/openv | wc -l",
          verification: "File counts and sizes match on both servers (du -sk, find | wc -l).",
          team: "OS+BA",
          plannedMinutes: 150,
          predecessors: ["17"],
        },
        {
          key: "19",
          title: "Take the old server off the network and point the old name at the new server (CNAME)",
          details: "Replace the A record of `<old-master>` with a CNAME to `<new-master>`; keep the PTR of the new address on `<new-master>`. Flush name caches on the new server.",
          commands: "nslookup <old-master>   # must answer: canonical name = <new-master>\nbpclntcmd -hn <old-master>\nbpclntcmd -self",
          verification: "<old-master> resolves to the new server's address via the CNAME; `bpclntcmd -self` on the new server shows <new-master>.",
          team: "NW+OS",
          plannedMinutes: 20,
          predecessors: ["18"],
        },
        {
          key: "20",
          title: "Recable the tape library (robot and drives) to the new server",
          verification: "Cabling/zoning done; the OS sees the robot and drives.",
          team: "DC+ST",
          plannedMinutes: 60,
          predecessors: ["17"],
        },
        {
          key: "21",
          title: "Rename the master in the catalog and the media database",
          details:
            "**6.x and later:** rename the host in EMM with only PBX and EMM running; check the technote for your exact version first, some releases need the vendor's help. " +
            "**Older versions:** move the volumes' media-database records to the new server with `bpmedia -movedb`, then point each storage unit at the new host.",
          commands:
            "nbemmcmd -renamehost -machinename <old-master> -machinetype master -newmachinename <new-master>   # 6.x+\n" +
            "nbemmcmd -listhosts -verbose\n" +
            "bpmedia -movedb -allvolumes -oldserver <old-master> -newserver <new-master>   # 3.x/4.x\n" +
            "bpsturep -label <storage-unit> -host <new-master>\n" +
            "bpstulist -U",
          verification: "`nbemmcmd -listhosts -verbose` lists <new-master> and no longer <old-master>; `bpstulist -U` shows every storage unit on <new-master>.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["18", "19"],
        },
        {
          key: "22",
          title: "Update the master's own server lists (bp.conf, vm.conf)",
          details: "On the new master: the first `SERVER =` line is `<new-master>`, followed by the media servers; `EMMSERVER = <new-master>` on 6.x+. Same in `vm.conf`.",
          commands: "vi /usr/openv/netbackup/bp.conf\nvi /usr/openv/volmgr/vm.conf\nbpgetconfig | grep -Ei '^(SERVER|MEDIA_SERVER|EMMSERVER)'",
          verification: "`bpgetconfig` on the new master lists <new-master> first and no longer mentions <old-master>.",
          team: "BA",
          plannedMinutes: 15,
          predecessors: ["21"],
        },
        {
          key: "23",
          title: "Reconfigure the robot and drives as new devices",
          details: "Delete the stale entries first, then add the robot and drives, then restart `ltid`.",
          commands: "tpconfig -d\ntpautoconf -a\n# or: tpconfig -add -robot … / tpconfig -add -drive …\n/usr/openv/volmgr/bin/stopltid && /usr/openv/volmgr/bin/ltid",
          verification: "tpconfig -d lists the robot and every drive on <new-master>.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["20", "22"],
        },
        {
          key: "24",
          title: "Test the robot",
          details: "Mount and unmount a tape in each drive, then run a robot inventory.",
          commands: "robtest\nvmupdate   # or vmcheckxxx",
          verification: "The inventory matches the media database.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["23"],
        },
        {
          key: "25",
          title: "Start NetBackup",
          commands: "initbprd        # classic\nnetbackup start # 8.x+\nbpps -a",
          verification: "bpps -a shows the daemons.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["24"],
        },
        {
          key: "26",
          title: "Verify the catalog under the new name",
          commands: "bpimagelist -hoursago 48\nbppllist\nbpmedialist\nnbemmcmd -listhosts -verbose\nbpdbm -consistency  # classic\nnbcc                # 6.x+",
          verification: "Images, policies and media are all present and owned by <new-master>; the consistency check is clean.",
          team: "BA",
          plannedMinutes: 30,
          predecessors: ["25"],
        },
        {
          key: "27",
          title: "Update bp.conf on every client",
          details:
            "Fleet step: replace the old name on the `SERVER` lines of every client, master first. `CLIENT_NAME = <client>` stays as it is.\n\n" +
            "- **UNIX:** `/usr/openv/netbackup/bp.conf`. The first `SERVER =` line is the master; media servers follow as further `SERVER =` lines (or `MEDIA_SERVER =`).\n" +
            "- **Windows:** the registry value `HKLM\\SOFTWARE\\Veritas\\NetBackup\\CurrentVersion\\Config\\Server` (a multi-string, master first).\n" +
            "- **Push from the master:** read the lists with `bpgetconfig -M <client>`, write them with `bpsetconfig -h <client>` and the file from step 12.\n\n" +
            "Mark each client updated as you go; the CNAME (step 19) covers any client you miss tonight, but not for ever.",
          commands: "bpgetconfig -M <client>\nbpsetconfig -h <client> /var/tmp/new-server-lines.txt\nbpgetconfig -M <client> | grep -Ei '^(SERVER|MEDIA_SERVER)'",
          verification: "Each client's first SERVER line is <new-master> and no line names <old-master>.",
          team: "BA",
          plannedMinutes: 30,
          isFleet: true,
          fleetAction: "UPDATE_BPCONF",
          predecessors: ["25"],
        },
        {
          key: "28",
          title: "Check every client's connectivity",
          details: "Fleet step: about one minute per client. From the master, test each client; on the client, `bpclntcmd -pn` shows which server it sees — it must be <new-master>, not the CNAME'd old name.",
          commands: "bptestbpcd -client <client>\nbpclntcmd -pn   # on the client",
          verification: "Every client answers and sees <new-master>.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "CHECK_CONNECTIVITY",
          predecessors: ["27"],
        },
        {
          key: "29",
          title: "Test backup and restore, including an old image from tape",
          details: "The old image was written under <old-master>: restoring it proves the catalog rename worked.",
          verification: "A test backup of one client succeeded; a restore of a recent and of an old image from tape succeeded.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["26", "28"],
        },
        {
          key: "30",
          title: "Go/No-Go: keep the new server",
          details:
            "Backups and restores work and the clients reach <new-master> → **Go**. No-Go → run the rollback steps. Rollback triggers: the robot can't be configured, the rename or the catalog check fails, a test restore fails, or clients can't reach the new master.",
          verification: "Named decision with a note.",
          team: "PM+BA",
          plannedMinutes: 10,
          kind: "GATE",
          predecessors: ["29"],
        },
      ],
    },
    {
      title: "Clients and resume",
      description: "Still inside the window: policies resume once every client is on the new name.",
      inWindow: true,
      steps: [
        {
          key: "31",
          title: "Re-check every client's policy membership",
          details: "Fleet step: compare each policy's clients with the inventory of step 3; a renamed master must not have dropped or duplicated any client.",
          commands: "bpplclients <policy>\nbppllist <policy> -U",
          verification: "Every client is in the same policies as before the cutover.",
          team: "BA",
          plannedMinutes: 10,
          isFleet: true,
          fleetAction: "GENERIC",
          predecessors: ["30"],
        },
        {
          key: "32",
          title: "Reactivate the policies",
          commands: "bpplinfo <policy> -modify -active",
          verification: "bppllist shows every policy active.",
          team: "BA",
          plannedMinutes: 10,
          predecessors: ["31"],
        },
      ],
    },
    {
      title: "After the cutover",
      description: "The next morning and the following weeks.",
      inWindow: false,
      steps: [
        {
          key: "33",
          title: "Watch the first backup night",
          commands: "bperror -U -backstat -hoursago 24",
          verification: "No new failures compared with the old server's nights; no client failed for name resolution.",
          team: "BA",
          plannedMinutes: 60,
          predecessors: ["32"],
        },
        {
          key: "34",
          title: "Take a catalog backup on the new server and store the DR file",
          verification: "Catalog backup succeeded; DR file stored off-box.",
          team: "BA",
          plannedMinutes: 45,
          predecessors: ["33"],
        },
        {
          key: "35",
          title: "Find the stragglers still using the old name, then retire the CNAME",
          details: "Clients that still contact <old-master> work only thanks to the CNAME. Fix each one's bp.conf, then remove the CNAME in a later change.",
          commands: "bpgetconfig -M <client> | grep -i <old-master>",
          verification: "No client lists <old-master>; CNAME removal scheduled.",
          team: "NW+BA",
          plannedMinutes: 30,
          predecessors: ["33"],
        },
        {
          key: "36",
          title: "Update the documentation, close the change and export the runbook PDF",
          verification: "Change closed with the runbook PDF attached.",
          team: "PM",
          plannedMinutes: 30,
          predecessors: ["34", "35"],
        },
        {
          key: "37",
          title: "Decommission the old server after N clean backup nights",
          verification: "Old server wiped and removed from inventory.",
          team: "OS",
          plannedMinutes: 60,
          kind: "MILESTONE",
          predecessors: ["36"],
        },
      ],
    },
    {
      title: "Rollback",
      description: "Run only after a No-Go. Must start by window end − 155 min.",
      inWindow: true,
      steps: [
        { key: "R1", title: "Stop NetBackup on the new server and take it off the network", commands: "netbackup stop\nbpps -x", team: "BA+NW", plannedMinutes: 15, kind: "ROLLBACK" },
        {
          key: "R2",
          title: "Remove the CNAME, restore the old server's name and IP, and power it on",
          commands: "nslookup <old-master>",
          verification: "<old-master> is an A record again and answers on its old IP.",
          team: "NW+OS",
          plannedMinutes: 20,
          kind: "ROLLBACK",
        },
        {
          key: "R3",
          title: "Put the old SERVER lines back on every client",
          details: "Fleet step: push each client's saved configuration from step 12 back.",
          commands: "bpsetconfig -h <client> /var/tmp/bpconf-before/<client>.txt\nbpclntcmd -pn   # on the client",
          verification: "Each client's first SERVER line is <old-master> again.",
          team: "BA",
          plannedMinutes: 20,
          kind: "ROLLBACK",
          isFleet: true,
          fleetAction: "UPDATE_BPCONF",
        },
        { key: "R4", title: "Recable the library to the old server and run robtest", commands: "robtest", verification: "Every drive mounts and unmounts a tape.", team: "DC+BA", plannedMinutes: 60, kind: "ROLLBACK" },
        { key: "R5", title: "Start NetBackup on the old server and run a test backup", commands: "netbackup start\nbpps -a", verification: "Test backup succeeded.", team: "BA", plannedMinutes: 30, kind: "ROLLBACK" },
        { key: "R6", title: "Reactivate the policies and tell the stakeholders", commands: "bpplinfo <policy> -modify -active", team: "BA+PM", plannedMinutes: 10, kind: "ROLLBACK" },
      ],
    },
  ],
} satisfies RunbookDocumentInput;
