import { describe, expect, it } from "vitest";
import { findCycle } from "@/lib/platform/graph";
import { RUNBOOK_DOCUMENT_VERSION, runbookDocumentSchema, type RunbookDocumentInput } from "@/lib/templates/runbook-document";
import { fieldErrorsOf } from "@/lib/platform/validation";
import { netbackupKeepHostnameTemplate } from "@/lib/templates/netbackup-keep-hostname";

const parsed = runbookDocumentSchema.parse(netbackupKeepHostnameTemplate);
const allSteps = parsed.phases.flatMap((p) => p.steps);
const forward = allSteps.filter((s) => s.kind !== "ROLLBACK");
const rollback = allSteps.filter((s) => s.kind === "ROLLBACK");

describe("NetBackup keep-hostname template", () => {
  it("parses with the runbook document schema", () => {
    const result = runbookDocumentSchema.safeParse(netbackupKeepHostnameTemplate);
    expect(result.success ? [] : fieldErrorsOf(result.error)).toEqual([]);
    expect(parsed.format).toBe("runsheet.runbook");
    expect(parsed.version).toBe(RUNBOOK_DOCUMENT_VERSION);
  });

  it("has 30 forward steps keyed 1..30 in plan order", () => {
    expect(forward.map((s) => s.key)).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
  });

  it("has 5 rollback steps R1..R5 in order, totalling 115 planned minutes", () => {
    expect(rollback.map((s) => s.key)).toEqual(["R1", "R2", "R3", "R4", "R5"]);
    expect(rollback.reduce((sum, s) => sum + s.plannedMinutes, 0)).toBe(115);
  });

  it("steps 12 and 24 are the only gates", () => {
    expect(allSteps.filter((s) => s.kind === "GATE").map((s) => s.key)).toEqual(["12", "24"]);
  });

  it("every step has a team and positive planned minutes", () => {
    const missing = allSteps.filter((s) => s.team.trim() === "" || !(s.plannedMinutes > 0)).map((s) => s.key);
    expect(missing).toEqual([]);
  });

  it("predecessors form a DAG that only points at earlier forward steps", () => {
    const position = new Map(allSteps.map((s, i) => [s.key, i]));
    for (const step of allSteps) {
      for (const pred of step.predecessors) {
        expect(position.get(pred), `${step.key} ← ${pred}`).toBeLessThan(position.get(step.key)!);
      }
    }
    expect(findCycle(new Map(allSteps.map((s) => [s.key, s.predecessors])))).toBeNull();
    // Rollback steps are ordered by position, not by predecessor edges into the forward plan.
    for (const r of rollback) expect(r.predecessors.every((p) => p.startsWith("R")), r.key).toBe(true);
  });

  it("the copy (16) and the recabling (18) are a real parallel branch", () => {
    const preds = new Map(allSteps.map((s) => [s.key, s.predecessors]));
    const reaches = (from: string, to: string): boolean => (preds.get(from) ?? []).some((p) => p === to || reaches(p, to));
    expect(reaches("18", "16")).toBe(false);
    expect(reaches("16", "18")).toBe(false);
  });

  it("fleet steps carry a fleet action", () => {
    for (const s of allSteps.filter((s) => s.isFleet)) expect(s.fleetAction, s.key).not.toBeNull();
  });
});

describe("runbookDocumentSchema", () => {
  const doc = (steps: RunbookDocumentInput["phases"][number]["steps"], extra: Partial<RunbookDocumentInput> = {}): RunbookDocumentInput => ({
    format: "runsheet.runbook",
    version: 1,
    name: "Test",
    phases: [{ title: "Only", steps }],
    ...extra,
  });

  it("fills defaults for a minimal step", () => {
    const result = runbookDocumentSchema.parse(doc([{ key: "a", title: "A", plannedMinutes: 5 }]));
    expect(result.phases[0]).toMatchObject({ description: "", inWindow: true });
    expect(result.phases[0].steps[0]).toEqual({
      key: "a",
      title: "A",
      plannedMinutes: 5,
      details: "",
      commands: "",
      verification: "",
      team: "",
      kind: "TASK",
      isFleet: false,
      fleetAction: null,
      predecessors: [],
      noGoOutcome: "ROLLBACK",
      gateApprovers: [],
      fourEyes: false,
      requiredFields: [],
    });
  });

  it("rejects duplicate step keys, also across phases", () => {
    const result = runbookDocumentSchema.safeParse({
      ...doc([{ key: "a", title: "A", plannedMinutes: 5 }]),
      phases: [
        { title: "One", steps: [{ key: "a", title: "A", plannedMinutes: 5 }] },
        { title: "Two", steps: [{ key: "b", title: "B", plannedMinutes: 5 }, { key: "a", title: "A again", plannedMinutes: 5 }] },
      ],
    });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({ "phases.1.steps.1.key": ['Duplicate step key "a".'] });
  });

  it("rejects unknown predecessors", () => {
    const result = runbookDocumentSchema.safeParse(
      doc([
        { key: "a", title: "A", plannedMinutes: 5 },
        { key: "b", title: "B", plannedMinutes: 5, predecessors: ["a", "zzz"] },
      ]),
    );
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({ "phases.0.steps.1.predecessors": ['Unknown predecessor "zzz".'] });
  });

  it("accepts a predecessor defined in a later phase (keys are document-wide)", () => {
    const result = runbookDocumentSchema.safeParse({
      ...doc([]),
      phases: [
        { title: "One", steps: [{ key: "a", title: "A", plannedMinutes: 5, predecessors: ["b"] }] },
        { title: "Two", steps: [{ key: "b", title: "B", plannedMinutes: 5 }] },
      ],
    });
    expect(result.success).toBe(true);
  });

  it("rejects a wrong format or version, and unknown keys", () => {
    expect(runbookDocumentSchema.safeParse({ ...doc([]), format: "other" }).success).toBe(false);
    expect(runbookDocumentSchema.safeParse({ ...doc([]), version: 2 }).success).toBe(false);
    expect(runbookDocumentSchema.safeParse({ ...doc([]), extra: true }).success).toBe(false);
    expect(runbookDocumentSchema.safeParse(doc([{ key: "a", title: "A", plannedMinutes: 5, status: "DONE" } as never])).success).toBe(false);
  });

  it("rejects a document with no phases and out-of-range minutes", () => {
    expect(runbookDocumentSchema.safeParse({ ...doc([]), phases: [] }).success).toBe(false);
    expect(runbookDocumentSchema.safeParse(doc([{ key: "a", title: "A", plannedMinutes: 1441 }])).success).toBe(false);
    expect(runbookDocumentSchema.safeParse(doc([{ key: "a", title: "A", plannedMinutes: -1 }])).success).toBe(false);
    expect(runbookDocumentSchema.safeParse(doc([{ key: "a", title: "A", plannedMinutes: 1.5 }])).success).toBe(false);
  });
});
