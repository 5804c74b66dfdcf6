/**
 * A step can ask for values at sign-off ("media ID of the catalog backup", "image count"): Done is
 * refused until they are valid, and the values go on the record (board, CSV, JSON, audit).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "@/lib/platform/errors";
import { checkFieldValues } from "@/lib/plan/model";
import { createStepInput, phaseInput } from "@/lib/plan/schemas";
import { caught, createProject, createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let team: Awaited<ReturnType<typeof createTeam>>;

beforeAll(async () => {
  db = await openTestDatabase("required-fields");
  team = await createTeam(db.lib);
});
afterAll(async () => db?.close());

describe("checkFieldValues", () => {
  const fields = [
    { key: "media-id", label: "Media ID", type: "text" as const },
    { key: "images", label: "Image count", type: "number" as const },
    { key: "result", label: "Result", type: "choice" as const, options: ["OK", "Not OK"] },
  ];
  it("accepts trimmed text, a number with thousands separators, and one of the choices", () => {
    expect(checkFieldValues(fields, { "media-id": " A00417 ", images: "1,204,331", result: "OK" })).toEqual({ ok: true, values: { "media-id": "A00417", images: "1,204,331", result: "OK" } });
  });
  it("names every missing or invalid value by its field", () => {
    expect(checkFieldValues(fields, { images: "lots", result: "Maybe" })).toEqual({
      ok: false,
      errors: { "fields.media-id": ["Media ID is required."], "fields.images": ["Image count must be a number."], "fields.result": ["Choose one of: OK, Not OK."] },
    });
  });
});

describe("signing off a step that asks for values", () => {
  it("is refused without them (nothing changes), recorded with them, and the values reach the exports", async () => {
    const lib = db.lib;
    const project = await createProject(lib, team.admin, { name: "Values at sign-off", template: "empty" });
    const phase = await lib.plan.addPhase({ actor: team.admin, projectId: project.id, input: phaseInput.parse({ title: "P" }) });
    const step = await lib.plan.addStep({
      actor: team.admin,
      projectId: project.id,
      input: createStepInput.parse({
        phaseId: phase.id,
        title: "Take the catalog backup",
        kind: "TASK",
        plannedMinutes: 30,
        requiredFields: [
          { label: "Media ID", type: "text" },
          { label: "Image count", type: "number" },
        ],
      }),
    });
    expect(JSON.parse((await lib.prisma.step.findUniqueOrThrow({ where: { id: step.id } })).requiredFields)).toEqual([
      { key: "media-id", label: "Media ID", type: "text" },
      { key: "image-count", label: "Image count", type: "number" },
    ]);
    await lib.plan.addStep({ actor: team.admin, projectId: project.id, input: createStepInput.parse({ phaseId: phase.id, title: "Keeps the run open", kind: "TASK", plannedMinutes: 5 }) });
    const run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "" } });
    const done = (fields: Record<string, string>) => lib.runs.performStepAction({ actor: team.operator, runId: run.id, stepId: step.id, input: { action: "done", note: "", reason: "", fields } });
    const row = () => lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: run.id, stepId: step.id } } });

    const events = await lib.prisma.auditEvent.count();
    const missing = await caught(() => done({ "media-id": "A00417" }));
    expect(missing).toBeInstanceOf(ValidationError);
    expect(missing.fieldErrors).toEqual({ "fields.image-count": ["Image count is required."] });
    expect(await row()).toMatchObject({ status: "PENDING", version: 1, fieldValues: "{}" });
    expect(await lib.prisma.auditEvent.count()).toBe(events);

    await done({ "media-id": "A00417", "image-count": "1204331" });
    expect(await row()).toMatchObject({ status: "DONE", fieldValues: JSON.stringify({ "media-id": "A00417", "image-count": "1204331" }) });
    const board = await lib.runQueries.getRunBoard({ runId: run.id });
    expect(board.steps.find((s) => s.id === step.id)!.fieldValues).toEqual({ "media-id": "A00417", "image-count": "1204331" });
    const event = await lib.prisma.auditEvent.findFirstOrThrow({ where: { runId: run.id, action: "step.done" } });
    expect(JSON.parse(event.after).values).toEqual({ "media-id": "A00417", "image-count": "1204331" });

    const { buildRunJson } = await import("@/lib/exports/run-json");
    const { json } = await buildRunJson({ runId: run.id, exportedBy: "test" });
    const exported = JSON.stringify(json);
    expect(exported).toContain('"recorded":[{"label":"Media ID","value":"A00417"},{"label":"Image count","value":"1204331"}]');
    const { buildRunCsv } = await import("@/lib/exports/run-csv");
    expect((await buildRunCsv({ runId: run.id })).csv).toContain("Media ID: A00417; Image count: 1204331");
  });
});
