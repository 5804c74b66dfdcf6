import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/platform/graph";
import { BUILT_IN_TEMPLATES } from "@/lib/templates/built-in";
import { checkRunbook } from "@/lib/templates/check";
import { DEFAULT_NETBACKUP_VARIANT, NETBACKUP_VARIANTS, type NetbackupVariant } from "@/lib/templates/ids";
import { tailorNetbackupTemplate } from "@/lib/templates/netbackup-variants";
import { fillHostPlaceholders, resolvableProjectPlaceholders } from "@/lib/templates/placeholders";
import { runbookDocumentSchema, type RunbookDocument } from "@/lib/templates/runbook-document";
import { DANGLING_REFERENCE, remapStepReferences, tailorDocument } from "@/lib/templates/tailor";

const NETBACKUP_TEMPLATES = ["netbackup-keep-hostname", "netbackup-rename-hostname", "netbackup-media-server-move"] as const;
const stepsOf = (doc: RunbookDocument) => doc.phases.flatMap((p) => p.steps);
const prose = (s: RunbookDocument["phases"][number]["steps"][number]) => [s.title, s.details, s.verification].join("\n");
const everything = (s: RunbookDocument["phases"][number]["steps"][number]) => [s.title, s.details, s.commands, s.verification].join("\n");
const tailor = (id: (typeof NETBACKUP_TEMPLATES)[number], variant: NetbackupVariant) => runbookDocumentSchema.parse(tailorNetbackupTemplate(id, variant));

const matrix = NETBACKUP_TEMPLATES.flatMap((id) => NETBACKUP_VARIANTS.map((variant) => [id, variant.version, variant.path, variant] as const));

describe("tailorNetbackupTemplate", () => {
  it.each(NETBACKUP_TEMPLATES)("%s: 8.1–9.x on the same platform is exactly the built-in document", (id) => {
    expect(tailorNetbackupTemplate(id, DEFAULT_NETBACKUP_VARIANT)).toEqual(BUILT_IN_TEMPLATES[id]);
    expect(tailorNetbackupTemplate(id, { version: "V8_1_TO_9", path: "SAME_PLATFORM" })).toEqual(BUILT_IN_TEMPLATES[id]);
  });

  it("leaves the generic template alone whatever the variant", () => {
    expect(tailorNetbackupTemplate("generic-server-migration", { version: "BEFORE_8_1", path: "CROSS_PLATFORM" })).toEqual(BUILT_IN_TEMPLATES["generic-server-migration"]);
  });

  describe.each(matrix)("%s, %s, %s", (id, version, path, variant) => {
    const doc = tailor(id, variant);
    const steps = stepsOf(doc);
    const forward = steps.filter((s) => s.kind !== "ROLLBACK");
    const rollback = steps.filter((s) => s.kind === "ROLLBACK");
    const commands = steps.map((s) => s.commands).join("\n");

    it("numbers forward steps 1..n and rollback steps R1..Rn in plan order; predecessors point backwards, without a cycle", () => {
      expect(forward.map((s) => s.key)).toEqual(forward.map((_, i) => String(i + 1)));
      expect(rollback.map((s) => s.key)).toEqual(rollback.map((_, i) => `R${i + 1}`));
      const position = new Map(steps.map((s, i) => [s.key, i]));
      for (const s of steps) for (const p of s.predecessors) expect(position.get(p), `${s.key} ← ${p}`).toBeLessThan(position.get(s.key)!);
      expect(findCycle(new Map(steps.map((s) => [s.key, s.predecessors])))).toBeNull();
      for (const r of rollback) expect(r.predecessors).toEqual([]);
    });

    it("every step has a team, real minutes and a check or commands; two gates, rollback steps, fleet steps", () => {
      expect(steps.filter((s) => !s.team || !(s.plannedMinutes > 0)).map((s) => s.key)).toEqual([]);
      expect(forward.filter((s) => !s.verification && !s.commands).map((s) => s.key)).toEqual([]);
      expect(steps.filter((s) => s.kind === "GATE")).toHaveLength(2);
      expect(rollback.length).toBeGreaterThanOrEqual(4);
      expect(steps.some((s) => s.isFleet)).toBe(true);
    });

    it("passes its own plan check in the default 8 h window, every gate before the rollback deadline", () => {
      const result = checkRunbook(doc, { resolvedPlaceholders: resolvableProjectPlaceholders({ sourceHost: "nbu-master1", targetHost: "nbu-master2" }) });
      expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
      expect(result.criticalPathMinutes).toBeLessThanOrEqual(480);
      expect(result.lastGateFinishMinute).not.toBeNull();
      expect(result.lastGateFinishMinute!).toBeLessThanOrEqual(result.rollbackDeadlineMinute!);
      expect(doc.phases.at(-1)!.description).toContain(`− ${result.rollbackMinutes} min`);
    });

    it("every project placeholder resolves, and no command names a literal host", () => {
      const filled = fillHostPlaceholders(doc, { sourceHost: "nbu-master1", targetHost: "nbu-master2" });
      expect(stepsOf(filled).map(everything).join("\n")).not.toMatch(/<(source-host|target-host|old-master|new-master)>|\{\{/);
      const unresolved = checkRunbook(doc, { resolvedPlaceholders: new Set() }).findings.filter((f) => f.code === "unfilled_placeholder");
      expect(unresolved.length).toBeGreaterThan(0);
      expect(commands).not.toMatch(/ssh new(-tmp)?\b|nbu-|\bnew-box\b|\bold-server\b/);
      expect(commands).not.toMatch(/-cj 0/);
    });

    it("refers to no step the variant dropped", () => {
      expect(steps.map(everything).join("\n")).not.toContain(DANGLING_REFERENCE);
    });

    it.skipIf(version === DEFAULT_NETBACKUP_VARIANT.version && path === DEFAULT_NETBACKUP_VARIANT.path)("says which version family it is for", () => {
      expect(doc.description).toMatch(version === "V10" ? /NetBackup 10\.x/ : version === "BEFORE_8_1" ? /before 8\.1/ : /8\.1–(9|10)\.x/);
    });

    if (version === "BEFORE_8_1") {
      it("has no certificate, DR package passphrase, reissue token or web service account step or command", () => {
        expect(commands).not.toMatch(/nbcertcmd|nbhostidentity|\.drpkg|nbwebsvc|nbwebgrp|-reissue/);
        expect(steps.map(everything).join("\n")).not.toMatch(/8\.1 and later|passphrase|reissue token|host certificate|service accounts/i);
        // The era's catalog backup: the hot catalog backup (7.x, 8.0), bpbackupdb only for 3.x–6.x.
        const catalog = steps.find((s) => /catalog backup/i.test(s.title) && s.commands.includes("bpbackupdb"));
        expect(catalog?.commands).toMatch(/bpbackup -i -p <catalog-policy> .*# 7\.x, 8\.0/);
        expect(catalog?.commands).toMatch(/bpbackupdb .*# 3\.x–6\.x/);
      });
    } else {
      it("keeps the 8.1+ security steps: the DR package passphrase and nbcertcmd", () => {
        expect(commands).toMatch(/nbcertcmd/);
        if (id !== "netbackup-media-server-move") expect(commands).toMatch(/nbhostidentity -testpassphrase/);
      });
    }

    if (version === "V10") {
      it("calls the master a primary server in the prose, and checks the service user", () => {
        expect(steps.map(prose).join("\n").replace(/<[a-z-]+>/g, "")).not.toMatch(/\bmasters?\b/i);
        expect(doc.name).toBe(BUILT_IN_TEMPLATES[id].name); // the template's identity stays
        if (/master/.test(BUILT_IN_TEMPLATES[id].description ?? "")) expect(doc.description).toMatch(/primary/);
        expect(commands).toMatch(/id <service-user> .*10\.x.*verify for your release/);
        expect(commands).not.toMatch(/^bpbackupdb|# classic$/m);
      });
    }

    if (path === "CROSS_PLATFORM") {
      it("never copies /usr/openv: a fresh install of the same version and a catalog recovery (or, for a media server, fresh devices)", () => {
        expect(commands).not.toMatch(/tar cf|tar xpf|rsync[^\n]*\/usr\/openv\/ /);
        expect(steps.map(everything).join("\n")).toMatch(/Windows ↔ UNIX/);
        if (id === "netbackup-media-server-move") {
          expect(commands).toMatch(/nbemmcmd -deletealldevices -machinename <source-host> -machinetype media/);
          return;
        }
        const recovery = forward.find((s) => /^Recover the catalog on the new server/.test(s.title))!;
        expect(recovery.commands).toMatch(/bprecover -wizard/);
        expect(recovery.details).toMatch(/\*\*Vendor-assisted for Windows ↔ UNIX/);
        const install = forward.find((s) => /^Install the same NetBackup version fresh/.test(s.title))!;
        expect(install.details).toMatch(version === "BEFORE_8_1" ? /^(?![\s\S]*isaster-recovery mode)/ : /\*\*Disaster-recovery mode:\*\*/);
        // The catalog backup carries the move: the first gate checks that its recovery was rehearsed, and the final one records its ID.
        const firstGate = forward.find((s) => s.kind === "GATE")!;
        expect(firstGate.details).toMatch(/rehears/);
        expect(forward.some((s) => s.requiredFields.some((f) => f.key === "catalog-backup"))).toBe(true);
        // Files the plan keeps beside the catalog (the active policies) cross over before the reactivation reads them.
        expect(recovery.commands).toMatch(/scp \/usr\/openv\/netbackup\/active-policies-before-cutover\.txt/);
      });
    } else {
      it("copies /usr/openv, pre-seeded before the window", () => {
        if (id !== "netbackup-media-server-move") expect(commands).toMatch(/rsync -aH --numeric-ids --delete \/usr\/openv\//);
        else expect(commands).toMatch(/tar cf - volmgr\/database/);
      });
    }

    if (id === "netbackup-rename-hostname") {
      it("the rollback pushes the old SERVER lines from a server every client still accepts, before it stops", () => {
        const staging = forward.find((s) => s.key === "11")!;
        expect(staging.details).toMatch(/pushed \*\*from the old (master|primary server)\*\*/);
        expect(staging.commands).toMatch(/bpsetconfig -h <client> \S+\/staged\/<client>\.txt/);
        const push = rollback.findIndex((s) => s.fleetAction === "UPDATE_BPCONF");
        const stop = rollback.findIndex((s) => /^Stop NetBackup on the new (master|primary server)/.test(s.title));
        expect(push).toBe(0);
        expect(stop).toBeGreaterThan(push);
        expect(rollback[push].commands).toMatch(/bpsetconfig -h <client> .*\/before\/<client>\.txt\s+# on <new-master>/);
        if (path === "CROSS_PLATFORM") expect(commands).toMatch(/rsync -a \/usr\/openv\/netbackup\/cutover\/ <new-master>:/);
      });
    }
  });

  it("a dropped step's successors wait for its predecessors instead", () => {
    const rename = tailor("netbackup-rename-hostname", { version: "BEFORE_8_1", path: "SAME_PLATFORM" });
    const byTitle = (doc: RunbookDocument, title: RegExp) => stepsOf(doc).find((s) => title.test(s.title))!;
    expect(stepsOf(rename).some((s) => /host certificates/.test(s.title))).toBe(false);
    expect(byTitle(rename, /^Check every client's connectivity/).predecessors).toEqual([byTitle(rename, /^Update bp.conf on every client/).key]);
    const media = tailor("netbackup-media-server-move", { version: "BEFORE_8_1", path: "SAME_PLATFORM" });
    expect(stepsOf(media).some((s) => /reissue/.test(s.title))).toBe(false);
    const start = byTitle(media, /^Start NetBackup on the new media server/);
    expect(start.predecessors.sort()).toEqual([byTitle(media, /^Recable the tape library/).key, byTitle(media, /^Move the hostname/).key].sort());
    expect(media.phases.at(-1)!.description).toContain("− 110 min");
  });
});

describe("tailorDocument", () => {
  const doc = {
    format: "runsheet.runbook" as const,
    version: 1 as const,
    name: "T",
    phases: [
      {
        title: "P",
        steps: [
          { key: "1", title: "One", plannedMinutes: 5, team: "BA" },
          { key: "2", title: "Two", plannedMinutes: 5, team: "BA", predecessors: ["1"] },
          { key: "3", title: "Three", details: "After step 2 and step 4 (4), see R2; ports 13782 (8.1 and later).", commands: "echo # see step 4", plannedMinutes: 5, team: "BA", predecessors: ["2"] },
          { key: "4", title: "Four", details: "Steps 1, 3 and 4.", plannedMinutes: 5, team: "BA", predecessors: ["3"] },
        ],
      },
      { title: "Rollback", description: "Must start by window end − 15 min.", steps: [{ key: "R1", title: "A", plannedMinutes: 5, team: "BA", kind: "ROLLBACK" as const }, { key: "R2", title: "B", plannedMinutes: 10, team: "BA", kind: "ROLLBACK" as const }] },
    ],
  };

  it("drops steps, renumbers, and rewrites predecessors, step references and the rollback minutes", () => {
    const out = runbookDocumentSchema.parse(tailorDocument(doc, { remove: ["2", "R1"] }));
    expect(stepsOf(out).map((s) => [s.key, s.title, s.predecessors])).toEqual([
      ["1", "One", []],
      ["2", "Three", ["1"]],
      ["3", "Four", ["2"]],
      ["R1", "B", []],
    ]);
    expect(stepsOf(out)[1].details).toBe(`After step ${DANGLING_REFERENCE} and step 3 (3), see R1; ports 13782 (8.1 and later).`);
    expect(stepsOf(out)[1].commands).toBe("echo # see step 3");
    expect(stepsOf(out)[2].details).toBe("Steps 1, 2 and 3.");
    expect(out.phases[1].description).toBe("Must start by window end − 10 min.");
  });

  it("refuses an edit that names no step", () => {
    expect(() => tailorDocument(doc, { remove: ["9"] })).toThrow(/unknown step "9"/);
  });

  it("leaves prose alone when no number changes", () => {
    expect(remapStepReferences("step 3 (4)", new Map([["3", "3"], ["4", "4"]]))).toBe("step 3 (4)");
  });
});
