import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/platform/graph";
import { runbookDocumentSchema, type RunbookDocument } from "@/lib/templates/runbook-document";
import { fieldErrorsOf } from "@/lib/platform/validation";
import { createProjectInput } from "@/lib/projects/schemas";
import { BUILT_IN_TEMPLATES } from "@/lib/templates/built-in";
import { readRunbookFile } from "@/lib/templates/document-file";
import { planToRunbookDocument } from "@/lib/templates/from-project";
import { BUILT_IN_TEMPLATE_IDS, isTemplateRef } from "@/lib/templates/ids";
import { fillHostPlaceholders } from "@/lib/templates/placeholders";
import { summarizeRunbook } from "@/lib/templates/summary";
import { checkRunbook, DEFAULT_WINDOW_MINUTES } from "@/lib/templates/check";
import { resolvableProjectPlaceholders } from "@/lib/templates/placeholders";

const parsedTemplates = Object.entries(BUILT_IN_TEMPLATES).map(([id, doc]) => [id, runbookDocumentSchema.parse(doc)] as const);
const stepsOf = (doc: RunbookDocument) => doc.phases.flatMap((p) => p.steps);
const rename = runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["netbackup-rename-hostname"]);

describe("built-in templates", () => {
  it("the registry lists every built-in id, in order", () => {
    expect(Object.keys(BUILT_IN_TEMPLATES)).toEqual([...BUILT_IN_TEMPLATE_IDS]);
  });

  describe.each(parsedTemplates)("%s", (id, doc) => {
    const steps = stepsOf(doc);
    const forward = steps.filter((s) => s.kind !== "ROLLBACK");
    const rollback = steps.filter((s) => s.kind === "ROLLBACK");

    it("parses with runbookDocumentSchema", () => {
      const result = runbookDocumentSchema.safeParse(BUILT_IN_TEMPLATES[id as keyof typeof BUILT_IN_TEMPLATES]);
      expect(result.success ? {} : fieldErrorsOf(result.error)).toEqual({});
    });

    it("numbers forward steps 1..n and rollback steps R1..Rn in plan order, so keys match the run page", () => {
      expect(forward.map((s) => s.key)).toEqual(forward.map((_, i) => String(i + 1)));
      expect(rollback.map((s) => s.key)).toEqual(rollback.map((_, i) => `R${i + 1}`));
    });

    it("every step has a team, real minutes and a check or commands", () => {
      expect(steps.filter((s) => !s.team || !(s.plannedMinutes > 0)).map((s) => s.key)).toEqual([]);
      expect(forward.filter((s) => !s.verification && !s.commands).map((s) => s.key)).toEqual([]);
    });

    it("has two go/no-go gates, a milestone, rollback steps and fleet steps with an action", () => {
      expect(steps.filter((s) => s.kind === "GATE")).toHaveLength(2);
      expect(steps.filter((s) => s.kind === "MILESTONE").length).toBeGreaterThanOrEqual(1);
      expect(rollback.length).toBeGreaterThanOrEqual(4);
      expect(steps.some((s) => s.isFleet)).toBe(true);
      for (const s of steps.filter((x) => x.isFleet)) expect(s.fleetAction, s.key).not.toBeNull();
    });

    it("predecessors only point backwards and form no cycle; rollback steps stand apart", () => {
      const position = new Map(steps.map((s, i) => [s.key, i]));
      for (const s of steps) for (const p of s.predecessors) expect(position.get(p), `${s.key} ← ${p}`).toBeLessThan(position.get(s.key)!);
      expect(findCycle(new Map(steps.map((s) => [s.key, s.predecessors])))).toBeNull();
      for (const r of rollback) expect(r.predecessors).toEqual([]);
    });

    it("states its rollback minutes in the rollback phase's description", () => {
      const total = rollback.reduce((t, s) => t + s.plannedMinutes, 0);
      expect(doc.phases.at(-1)!.description).toContain(`− ${total} min`);
    });

    it("passes its own plan check in the default 8 h window: no error, every gate before the rollback deadline", () => {
      const result = checkRunbook(doc, { resolvedPlaceholders: resolvableProjectPlaceholders({ sourceHost: "nbu-master1", targetHost: "nbu-master2" }) });
      expect(DEFAULT_WINDOW_MINUTES).toBe(480);
      expect(result.findings.filter((f) => f.severity !== "info")).toEqual([]);
      expect(result.criticalPathMinutes).toBeLessThanOrEqual(480);
      expect(result.lastGateFinishMinute).not.toBeNull();
      expect(result.lastGateFinishMinute!).toBeLessThanOrEqual(result.rollbackDeadlineMinute!);
      expect(result.lastGateFinishMinute! + result.rollbackMinutes).toBeLessThanOrEqual(480);
    });

    it("every project placeholder in its commands resolves with a typical project's hosts", () => {
      const filled = fillHostPlaceholders(doc, { sourceHost: "nbu-master1", targetHost: "nbu-master2" });
      const text = stepsOf(filled).map((s) => [s.title, s.details, s.commands, s.verification].join("\n")).join("\n");
      expect(text).not.toMatch(/<(source-host|target-host|old-master|new-master)>|\{\{/);
      // With no hosts the check does flag them: the test above can fail.
      const unresolved = checkRunbook(doc, { resolvedPlaceholders: new Set() }).findings.filter((f) => f.code === "unfilled_placeholder");
      if (stepsOf(doc).some((s) => /<(source-host|target-host|old-master|new-master)>/.test(s.commands))) expect(unresolved.length).toBeGreaterThan(0);
    });

    it("has no command that isn't ready to paste: no literal 'ssh new', no bpsturep -cj 0 to quiesce", () => {
      const commands = steps.map((s) => s.commands).join("\n");
      expect(commands).not.toMatch(/ssh new(-tmp)?\b/);
      expect(commands).not.toMatch(/-cj 0/);
    });
  });

  describe("rename hostname", () => {
    const steps = stepsOf(rename);
    const text = (s: (typeof steps)[number]) => [s.title, s.details, s.commands, s.verification].join("\n");

    it("updates bp.conf on every client as a fleet step", () => {
      const bpconf = steps.find((s) => s.title === "Update bp.conf on every client");
      expect(bpconf).toMatchObject({ isFleet: true, fleetAction: "UPDATE_BPCONF", kind: "TASK" });
      expect(bpconf!.commands).toMatch(/bpgetconfig -M <client>/);
      expect(bpconf!.commands).toMatch(/bpsetconfig -h <client>/);
      expect(bpconf!.details).toMatch(/HKLM\\SOFTWARE\\Veritas\\NetBackup\\CurrentVersion\\Config\\Server/);
      expect(bpconf!.details).toMatch(/CLIENT_NAME/);
    });

    it("renames the host in EMM, with the old-version alternative", () => {
      expect(steps.some((s) => s.commands.includes("nbemmcmd -renamehost -machinename <old-master> -machinetype master -newmachinename <new-master>"))).toBe(true);
      expect(steps.some((s) => s.commands.includes("bpmedia -movedb"))).toBe(true);
      expect(steps.some((s) => /bpsturep -label <storage-unit> -host <new-master>/.test(s.commands))).toBe(true);
    });

    it("lists every place the old name is stored before the copy, and adds the CNAME", () => {
      const list = steps.find((s) => s.commands.includes("nbemmcmd -listhosts -verbose"))!;
      const copy = steps.find((s) => s.title === "Copy /usr/openv to the new server")!;
      expect(Number(list.key)).toBeLessThan(Number(copy.key));
      expect(steps.filter((s) => /CNAME/.test(text(s))).length).toBeGreaterThanOrEqual(2);
    });

    it("checks every client's connectivity and re-checks policy membership as fleet steps", () => {
      expect(steps.filter((s) => s.isFleet).map((s) => [s.fleetAction, s.kind])).toEqual([
        ["GENERIC", "TASK"], // 11: add the new master to every list, from the old master
        ["UPDATE_BPCONF", "TASK"],
        ["GENERIC", "TASK"], // 28: host certificates from the new master (8.1 and later)
        ["CHECK_CONNECTIVITY", "TASK"],
        ["GENERIC", "TASK"],
        ["UPDATE_BPCONF", "ROLLBACK"],
      ]);
      expect(steps.find((s) => s.title === "Re-check every client's policy membership")!.commands).toMatch(/bpplclients <policy>/);
    });

    it("the rollback pushes the old SERVER lines from the new master before it stops it", () => {
      const rollbackSteps = steps.filter((s) => s.kind === "ROLLBACK");
      const push = rollbackSteps.findIndex((s) => s.fleetAction === "UPDATE_BPCONF");
      const stop = rollbackSteps.findIndex((s) => /^Stop NetBackup on the new master/.test(s.title));
      expect(push).toBeGreaterThanOrEqual(0);
      expect(stop).toBeGreaterThan(push);
      expect(rollbackSteps[push].commands).toMatch(/bpsetconfig -h <client> .*\/before\/<client>\.txt\s+# on <new-master>/);
    });

    it("every client accepts the new master before it pushes, and keeps the old master until the final Go", () => {
      const key = (s: { key: string }) => Number(s.key);
      const staging = steps.find((s) => s.key === "11")!;
      const update = steps.find((s) => s.title === "Update bp.conf on every client")!;
      const finalGate = steps.filter((s) => s.kind === "GATE").at(-1)!;
      const removal = steps.find((s) => /^Remove the old master from the clients' lists/.test(s.title))!;
      // 11 (pushed by the old master) appends the new master, keeping every line the client had.
      expect(staging.commands).toMatch(/\{ cat \S+\/before\/<client>\.txt; echo 'SERVER = <new-master>'; \} > \S+\/staged\/<client>\.txt/);
      expect(staging.commands).toMatch(/bpsetconfig -h <client> \S+\/staged\/<client>\.txt/);
      // The window's list has the new master first and still holds the old one (the "before" lines).
      expect(staging.commands).toMatch(/\{ echo 'SERVER = <new-master>'; cat \S+\/before\/<client>\.txt; \} > \S+\/new\/<client>\.txt/);
      expect(update.commands).toMatch(/bpsetconfig -h <client> \S+\/new\/<client>\.txt/);
      expect(key(staging)).toBeLessThan(key(update));
      // The old master leaves the lists only after the last gate.
      expect(key(removal)).toBeGreaterThan(key(finalGate));
      expect(removal.commands).toMatch(/grep -v '= <old-master>\$'/);
    });

    it("marks the master rename as vendor-assisted, with a warning", () => {
      const renameStep = steps.find((s) => /^Rename the master/.test(s.title))!;
      expect(renameStep.details).toMatch(/\*\*Vendor-assisted\.\*\*/);
      expect(renameStep.commands).toMatch(/nbemmcmd -renamehost .* # 6\.x and later, with the vendor/);
    });

    it("renames after the copy and updates clients after NetBackup is back", () => {
      const key = (title: RegExp) => Number(steps.find((s) => title.test(s.title))!.key);
      expect(key(/^Rename the master/)).toBeGreaterThan(key(/^Copy \/usr\/openv/));
      expect(key(/^Update bp.conf/)).toBeGreaterThan(key(/^Start NetBackup$/));
    });
  });
});

describe("summarizeRunbook", () => {
  const keep = summarizeRunbook(runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["netbackup-keep-hostname"]));

  it("counts phases, steps, gates and fleet steps, and sums the minutes", () => {
    expect(keep).toMatchObject({ phaseCount: 6, stepCount: 35, forwardStepCount: 30, rollbackStepCount: 5, gateCount: 2, fleetStepCount: 1, rollbackMinutes: 10 + 60 + 20 + 15 + 10 });
    expect(keep.phases.map((p) => [p.title, p.stepCount])).toEqual([
      ["Planning and inventory", 6],
      ["Prepare the new server", 5],
      ["Cutover window (Saturday)", 13],
      ["Clients and resume", 2],
      ["After the cutover", 4],
      ["Rollback", 5],
    ]);
    expect(keep.plannedMinutes).toBe(keep.phases.reduce((t, p) => t + p.plannedMinutes, 0));
    expect(keep.windowMinutes).toBe(15 + 30 + 45 + 10 + 75 + 30 + 60 + 10 + 45 + 30 + 30 + 45 + 10 + 10 + 10);
  });

  it("the critical path runs the copy, not the parallel recabling or the catalog check", () => {
    // 12→13→14→15→16(75)→17→19→20→21→23→24→25→26; 18 (60) runs beside 16+17, 22 beside 20+21.
    expect(keep.criticalPathMinutes).toBe(15 + 30 + 45 + 10 + 75 + 30 + 10 + 45 + 30 + 45 + 10 + 10 + 10);
    expect(keep.criticalPathMinutes).toBeLessThan(keep.windowMinutes);
  });
});

describe("planToRunbookDocument (save project as template)", () => {
  const step = (id: string, kind: "TASK" | "GATE" | "ROLLBACK", predecessorIds: string[] = [], extra = {}) => ({
    id,
    title: `Step ${id}`,
    details: "",
    commands: "",
    verification: "",
    team: "BA",
    plannedMinutes: 10,
    kind,
    isFleet: false,
    fleetAction: null,
    predecessorIds,
    noGoOutcome: "ROLLBACK" as const,
    gateApprovers: [],
    fourEyes: false,
    requiredFields: [],
    ...extra,
  });

  it("keys steps by their numbers and maps predecessors to them", () => {
    const doc = planToRunbookDocument({
      name: "Saved",
      description: "From a project",
      phases: [
        { title: "One", description: "", inWindow: false, steps: [step("a", "TASK"), step("b", "GATE", ["a"])] },
        { title: "Rollback", description: "", inWindow: true, steps: [step("r", "ROLLBACK"), step("c", "TASK", ["b", "a"], { isFleet: true, fleetAction: "UPDATE_BPCONF" })] },
      ],
    });
    const parsed = runbookDocumentSchema.parse(doc);
    expect(parsed.phases.flatMap((p) => p.steps.map((s) => [s.key, s.predecessors]))).toEqual([
      ["1", []],
      ["2", ["1"]],
      ["R1", []],
      ["3", ["2", "1"]],
    ]);
    expect(parsed.phases[1].steps[1]).toMatchObject({ isFleet: true, fleetAction: "UPDATE_BPCONF" });
    expect(parsed.phases[0]).toMatchObject({ title: "One", inWindow: false });
  });

  it("round-trips a built-in template through a project's shape", () => {
    const original = runbookDocumentSchema.parse(BUILT_IN_TEMPLATES["netbackup-rename-hostname"]);
    const asProject = {
      name: original.name,
      description: original.description,
      phases: original.phases.map((p) => ({ ...p, steps: p.steps.map((s) => ({ ...s, id: `id-${s.key}`, predecessorIds: s.predecessors.map((k) => `id-${k}`) })) })),
    };
    expect(runbookDocumentSchema.parse(planToRunbookDocument(asProject))).toEqual(original);
  });
});

describe("fillHostPlaceholders", () => {
  it("puts the project's hosts into commands and checks, and leaves other prompts", () => {
    const filled = fillHostPlaceholders(rename, { sourceHost: "nbu-master1", targetHost: "nbu-master2" });
    const all = stepsOf(filled).map((s) => s.commands + s.verification + s.details).join("\n");
    expect(all).toContain("nbemmcmd -renamehost -machinename nbu-master1 -machinetype master -newmachinename nbu-master2");
    expect(all).not.toMatch(/<old-master>|<new-master>/);
    expect(all).toContain("<client>");
    expect(runbookDocumentSchema.safeParse(filled).success).toBe(true);
  });
});

describe("readRunbookFile", () => {
  const doc = BUILT_IN_TEMPLATES["generic-server-migration"];

  it("reads a runbook document, with or without a BOM", () => {
    const result = readRunbookFile("\uFEFF" + JSON.stringify(doc));
    expect(result).toMatchObject({ ok: true, kind: "runbook" });
  });

  /** A minimal export that satisfies lib/exports/run-export-schema.ts: every plan step has a state. */
  function runExport(plan: unknown) {
    const keys = runbookDocumentSchema.parse(plan).phases.flatMap((p) => p.steps.map((st) => [st.key, st] as const));
    const at = "2026-11-28T08:00:00.000Z";
    return {
      format: "runsheet.run-export",
      version: 1,
      exportedAt: at,
      exportedBy: "Alex Admin",
      project: { id: "p1", name: "Old move", description: "", product: "NetBackup", sourceHost: "nbu-a", targetHost: "nbu-b", hostnameStrategy: "KEEP", mediaServers: [], timezone: "Europe/Berlin", windowStart: at, windowEnd: at, status: "COMPLETED", fleetClients: [] },
      plan,
      run: {
        id: "r1",
        name: "Live cutover",
        kind: "LIVE",
        status: "COMPLETED",
        mode: "FORWARD",
        final: true,
        windowStart: at,
        windowEnd: at,
        startedAt: at,
        endedAt: at,
        startedBy: "Alex Admin",
        summary: { steps: keys.length, done: 0, skipped: 0, failed: 0, inProgress: 0, pending: keys.length, plannedMinutesForward: 0, plannedMinutesOfFinished: 0, actualMinutesOfFinished: 0 },
        steps: Object.fromEntries(
          keys.map(([key, st]) => [
            key,
            { number: key, title: st.title, phase: "", kind: st.kind, tracked: true, status: "PENDING", statusLabel: "Pending", assignee: null, plannedMinutes: st.plannedMinutes, actualMinutes: null, varianceMinutes: null, startedAt: null, startedBy: null, finishedAt: null, signedOffBy: null, signedOffAt: null, note: "", reason: "", gateDecision: null, decidedBy: null },
          ]),
        ),
      },
      audit: { head: null, runHead: null, algorithm: "sha256", verification: "", events: [] },
    };
  }

  it("reads the plan of a run export (lib/exports/run-export-schema.ts) and its project fields", () => {
    const result = readRunbookFile(JSON.stringify(runExport(doc)));
    expect(result).toMatchObject({ ok: true, kind: "run-export", project: { name: "Old move", sourceHost: "nbu-a", targetHost: "nbu-b" } });
    if (result.ok) expect(result.document.name).toBe(doc.name);
  });

  it("names the problems of a bad file", () => {
    expect(readRunbookFile("{nope")).toMatchObject({ ok: false, errors: [expect.stringMatching(/not valid JSON/)] });
    expect(readRunbookFile(JSON.stringify({ format: "other" }))).toMatchObject({ ok: false, errors: [expect.stringMatching(/not a Runsheet file/)] });
    expect(readRunbookFile(JSON.stringify({ ...runExport(doc), version: 2 }))).toMatchObject({ ok: false, errors: [expect.stringMatching(/^version:/)] });
    const badPlan = { ...runExport(doc), plan: { ...doc, phases: [] } };
    expect(readRunbookFile(JSON.stringify(badPlan))).toMatchObject({ ok: false, errors: expect.arrayContaining([expect.stringMatching(/^plan\.phases:/)]) });
  });
});

describe("template references in createProjectInput", () => {
  const base = {
    name: "Move",
    sourceHost: "nbu-old",
    targetHost: "nbu-new",
    hostnameStrategy: "RENAME",
    timezone: "Europe/Berlin",
    windowStart: "2026-11-28T08:00:00Z",
    windowEnd: "2026-11-28T17:00:00Z",
  };

  it("accepts every built-in, empty, a saved template id, and an import with a document", () => {
    for (const template of [...BUILT_IN_TEMPLATE_IDS, "empty", "cmwvedjl80000ue7d8bz9mfsx"]) expect(createProjectInput.safeParse({ ...base, template }).success, template).toBe(true);
    expect(createProjectInput.safeParse({ ...base, template: "import", document: doc0() }).success).toBe(true);
    expect(isTemplateRef("netbackup-rename-hostname")).toBe(true);
  });

  it("rejects an import without a document, and a document without import", () => {
    expect(fieldErrorsOf(createProjectInput.safeParse({ ...base, template: "import" }).error!)).toEqual({ document: ["Choose the file to import."] });
    expect(fieldErrorsOf(createProjectInput.safeParse({ ...base, template: "empty", document: doc0() }).error!)).toEqual({ document: ['A document is only accepted with template "import".'] });
    expect(Object.keys(fieldErrorsOf(createProjectInput.safeParse({ ...base, template: "../etc" }).error!))).toEqual(["template"]);
  });

  function doc0() {
    return BUILT_IN_TEMPLATES["netbackup-media-server-move"];
  }
});
