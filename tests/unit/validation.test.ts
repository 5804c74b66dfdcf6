import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { fieldErrorsOf, hostname, timezone } from "@/lib/platform/validation";
import { gateDecisionInput, stepActionInput } from "@/lib/runs/schemas";
import { updatePhaseInput, updateStepInput, createStepInput } from "@/lib/plan/schemas";
import { createProjectInput, updateProjectInput } from "@/lib/projects/schemas";
import { MAX_STEP_MINUTES } from "@/lib/plan/model";

/** Parse expecting failure; return { field: [messages] }. */
function errorsOf(schema: z.ZodType, input: unknown): Record<string, string[]> {
  const result = schema.safeParse(input);
  expect(result.success, `expected ${JSON.stringify(input).slice(0, 200)} to be rejected`).toBe(false);
  return fieldErrorsOf(result.error!);
}

const validProject = {
  name: "Rehost nbu-master-01",
  sourceHost: "nbu-master-01.example.com",
  targetHost: "nbu-master-02",
  hostnameStrategy: "KEEP",
  timezone: "Europe/Berlin",
  windowStart: "2026-11-28T08:00:00Z",
  windowEnd: "2026-11-28T20:00:00Z",
};

describe("createProjectInput", () => {
  it("accepts a valid project and fills defaults", () => {
    const parsed = createProjectInput.parse(validProject);
    expect(parsed).toEqual({
      ...validProject,
      description: "",
      product: "NetBackup",
      mediaServers: [],
      template: "netbackup-keep-hostname",
      windowStart: new Date("2026-11-28T08:00:00Z"),
      windowEnd: new Date("2026-11-28T20:00:00Z"),
    });
  });

  it("trims the name", () => {
    expect(createProjectInput.parse({ ...validProject, name: "  Move  " }).name).toBe("Move");
  });

  it.each(["", "   "])("rejects an empty name %j", (name) => {
    expect(errorsOf(createProjectInput, { ...validProject, name })).toEqual({ name: ["Name is required."] });
  });

  it("rejects a 10,000-character name", () => {
    expect(errorsOf(createProjectInput, { ...validProject, name: "x".repeat(10_000) })).toEqual({
      name: ["Name must be at most 120 characters."],
    });
  });

  it("accepts a name of exactly 120 characters", () => {
    expect(createProjectInput.safeParse({ ...validProject, name: "x".repeat(120) }).success).toBe(true);
  });

  it("rejects a window that ends before it starts, or at the same instant", () => {
    expect(errorsOf(createProjectInput, { ...validProject, windowEnd: "2026-11-28T07:00:00Z" })).toEqual({
      windowEnd: ["The window must end after it starts."],
    });
    expect(errorsOf(createProjectInput, { ...validProject, windowEnd: validProject.windowStart })).toEqual({
      windowEnd: ["The window must end after it starts."],
    });
  });

  it("accepts exactly 14 days and rejects a window one minute longer", () => {
    expect(createProjectInput.safeParse({ ...validProject, windowEnd: "2026-12-12T08:00:00Z" }).success).toBe(true);
    expect(errorsOf(createProjectInput, { ...validProject, windowEnd: "2026-12-12T08:01:00Z" })).toEqual({
      windowEnd: ["A downtime window can't be longer than 14 days."],
    });
  });

  it("rejects an unparseable date", () => {
    expect(errorsOf(createProjectInput, { ...validProject, windowStart: "next saturday" })).toEqual({
      windowStart: ["Not a valid date and time (ISO 8601 with a time zone, e.g. 2026-05-02T22:00:00Z)."],
    });
  });

  it.each(["bad host", "-leading.example", "trailing-.example", "under_score", "a..b", "x".repeat(64), "host."])(
    "rejects the host name %j",
    (host) => {
      expect(errorsOf(createProjectInput, { ...validProject, sourceHost: host })).toEqual({ sourceHost: ["Not a valid host name."] });
    },
  );

  it("rejects an empty host name with a single 'required' message", () => {
    expect(errorsOf(createProjectInput, { ...validProject, targetHost: "" })).toEqual({
      targetHost: ["Host name is required."],
    });
  });

  it("accepts IP-like and single-label host names and rejects bad media servers by index", () => {
    expect(hostname.safeParse("10.0.0.1").success).toBe(true);
    expect(hostname.safeParse("a").success).toBe(true);
    expect(errorsOf(createProjectInput, { ...validProject, mediaServers: ["ok-1", "not ok"] })).toEqual({
      "mediaServers.1": ["Not a valid host name."],
    });
  });

  it.each(["Mars/Olympus_Mons", "", "Europe/Berlinn"])("rejects the time zone %j", (tz) => {
    expect(errorsOf(createProjectInput, { ...validProject, timezone: tz })).toEqual({ timezone: ["Unknown time zone."] });
  });

  it("accepts real IANA zones", () => {
    for (const tz of ["UTC", "America/New_York", "Asia/Kolkata"]) expect(timezone.safeParse(tz).success, tz).toBe(true);
  });

  it("rejects unknown keys (strict), e.g. a smuggled status or id", () => {
    const errors = errorsOf(createProjectInput, { ...validProject, status: "LIVE", id: "p1" });
    expect(Object.keys(errors)).toEqual(["_"]);
    expect(errors._.join(" ")).toMatch(/status/);
    expect(errors._.join(" ")).toMatch(/id/);
  });

  it("rejects an unknown template and hostname strategy", () => {
    const errors = errorsOf(createProjectInput, { ...validProject, template: "other", hostnameStrategy: "MOVE" });
    expect(Object.keys(errors).sort()).toEqual(["hostnameStrategy", "template"]);
    expect(errors.hostnameStrategy).toEqual(["Choose keep or rename."]);
  });

  it("reports every missing required field", () => {
    const errors = errorsOf(createProjectInput, {});
    expect(Object.keys(errors).sort()).toEqual(["hostnameStrategy", "name", "sourceHost", "targetHost", "timezone", "windowEnd", "windowStart"]);
  });
});

describe("updateProjectInput", () => {
  it("still checks the window when both ends are given", () => {
    expect(errorsOf(updateProjectInput, { windowStart: "2026-11-28T08:00:00Z", windowEnd: "2026-11-01T08:00:00Z" })).toEqual({
      windowEnd: ["The window must end after it starts."],
    });
  });

  it("accepts a status change and rejects an unknown status", () => {
    expect(updateProjectInput.parse({ status: "LIVE" }).status).toBe("LIVE");
    expect(Object.keys(errorsOf(updateProjectInput, { status: "DONE" }))).toEqual(["status"]);
  });
});

/*
 * Regression: zod's .partial() keeps defaults, which once reset every omitted field on a PATCH:
 * the update schemas are `.partial()` of objects whose fields have `.default(...)`. In zod 4 the
 * default still fires for a missing key, so a PATCH that changes one field comes back with every
 * defaulted field reset. lib/plan/service.ts updateStep then sees `predecessorIds: []` (!== undefined) and
 * deletes the step's dependencies, clears its assignee, details, commands, etc.
 */
describe("partial update schemas leave omitted fields out", () => {
  it("updateProjectInput({ status }) yields only { status }", () => {
    expect(updateProjectInput.parse({ status: "LIVE" })).toEqual({ status: "LIVE" });
  });
  it("updateStepInput({ title }) yields only { title }", () => {
    expect(updateStepInput.parse({ title: "Renamed" })).toEqual({ title: "Renamed" });
  });
  it("updatePhaseInput({ title }) yields only { title }", () => {
    expect(updatePhaseInput.parse({ title: "Renamed" })).toEqual({ title: "Renamed" });
  });
});

const validStep = { phaseId: "phase-1", title: "Stop NetBackup", plannedMinutes: 10, kind: "TASK" };

describe("createStepInput", () => {
  it("accepts a valid step and fills defaults", () => {
    expect(createStepInput.parse(validStep)).toEqual({
      ...validStep,
      details: "",
      commands: "",
      verification: "",
      team: "",
      assigneeId: null,
      isFleet: false,
      fleetAction: null,
      predecessorIds: [],
      predecessorLags: {},
      notBefore: "",
      noGoOutcome: "ROLLBACK",
      gateApprovers: [],
      fourEyes: false,
      requiredFields: [],
    });
  });

  it("a fleet action must be one of the known ones", () => {
    const parsed = createStepInput.safeParse({ ...validStep, isFleet: true, fleetAction: "REBOOT" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ["fleetAction"], message: "Choose what each client needs." });
  });

  it("takes planned minutes only as a number: no coercion of strings, booleans, null or arrays", () => {
    for (const plannedMinutes of ["45", true, null, []]) {
      expect(errorsOf(createStepInput, { ...validStep, plannedMinutes })).toEqual({ plannedMinutes: ["Planned minutes must be a number."] });
    }
  });

  it("accepts 0 and 1440 minutes", () => {
    expect(createStepInput.safeParse({ ...validStep, plannedMinutes: 0 }).success).toBe(true);
    expect(createStepInput.safeParse({ ...validStep, plannedMinutes: MAX_STEP_MINUTES }).success).toBe(true);
    expect(MAX_STEP_MINUTES).toBe(1440);
  });

  it("rejects negative minutes", () => {
    expect(errorsOf(createStepInput, { ...validStep, plannedMinutes: -1 })).toEqual({ plannedMinutes: ["Planned minutes can't be negative."] });
  });

  it("rejects 1441 minutes", () => {
    expect(errorsOf(createStepInput, { ...validStep, plannedMinutes: 1441 })).toEqual({
      plannedMinutes: ["A step can't be planned for more than 1440 minutes (24 h); split it."],
    });
  });

  it("rejects non-integer minutes", () => {
    expect(errorsOf(createStepInput, { ...validStep, plannedMinutes: 12.5 })).toEqual({ plannedMinutes: ["Planned minutes must be a whole number."] });
  });

  it("rejects non-numeric minutes", () => {
    expect(Object.keys(errorsOf(createStepInput, { ...validStep, plannedMinutes: "ten" }))).toEqual(["plannedMinutes"]);
  });

  it.each(["", "   "])("rejects an empty title %j", (title) => {
    expect(errorsOf(createStepInput, { ...validStep, title })).toEqual({ title: ["Title is required."] });
  });

  it("rejects a 10,000-character title", () => {
    expect(errorsOf(createStepInput, { ...validStep, title: "t".repeat(10_000) })).toEqual({ title: ["Title must be at most 200 characters."] });
  });

  it("rejects an unknown kind", () => {
    expect(Object.keys(errorsOf(createStepInput, { ...validStep, kind: "CHECKPOINT" }))).toEqual(["kind"]);
  });

  it("rejects extra keys (strict)", () => {
    const errors = errorsOf(createStepInput, { ...validStep, projectId: "other-project" });
    expect(Object.keys(errors)).toEqual(["_"]);
    expect(errors._.join(" ")).toMatch(/projectId/);
  });

  it("rejects more than 50 predecessors and blank predecessor ids", () => {
    const many = Array.from({ length: 51 }, (_, i) => `s${i}`);
    expect(errorsOf(createStepInput, { ...validStep, predecessorIds: many })).toEqual({ predecessorIds: ["Too many predecessors."] });
    expect(errorsOf(createStepInput, { ...validStep, predecessorIds: ["ok", " "] })).toEqual({ "predecessorIds.1": ["Required."] });
  });
});

describe("stepActionInput", () => {
  it("accepts every action and defaults note, reason and exception reason", () => {
    for (const action of ["start", "done", "skip", "fail"]) {
      expect(stepActionInput.parse({ action })).toEqual({ action, note: "", reason: "", exceptionReason: "", fields: {} });
    }
  });

  it("trims the reason", () => {
    expect(stepActionInput.parse({ action: "skip", reason: "  not needed  " }).reason).toBe("not needed");
  });

  it("rejects an unknown action", () => {
    expect(Object.keys(errorsOf(stepActionInput, { action: "undo" }))).toEqual(["action"]);
  });

  it("rejects a non-positive or fractional expectedVersion", () => {
    expect(Object.keys(errorsOf(stepActionInput, { action: "done", expectedVersion: 0 }))).toEqual(["expectedVersion"]);
    expect(Object.keys(errorsOf(stepActionInput, { action: "done", expectedVersion: 1.5 }))).toEqual(["expectedVersion"]);
    expect(stepActionInput.parse({ action: "done", expectedVersion: 3 }).expectedVersion).toBe(3);
  });

  it("bounds the idempotency key length", () => {
    expect(Object.keys(errorsOf(stepActionInput, { action: "done", idempotencyKey: "short" }))).toEqual(["idempotencyKey"]);
    expect(Object.keys(errorsOf(stepActionInput, { action: "done", idempotencyKey: "k".repeat(101) }))).toEqual(["idempotencyKey"]);
    expect(stepActionInput.safeParse({ action: "done", idempotencyKey: "k".repeat(8) }).success).toBe(true);
  });

  it("parses occurredAt as a date and rejects garbage", () => {
    expect(stepActionInput.parse({ action: "done", occurredAt: "2026-11-28T10:00:00Z" }).occurredAt).toEqual(new Date("2026-11-28T10:00:00Z"));
    expect(errorsOf(stepActionInput, { action: "done", occurredAt: "yesterday" })).toEqual({ occurredAt: ["Not a valid date and time (ISO 8601 with a time zone, e.g. 2026-05-02T22:00:00Z)."] });
    expect(errorsOf(stepActionInput, { action: "done", occurredAt: 1_764_000_000_000 })).toEqual({ occurredAt: ["Not a valid date and time."] });
  });

  it("rejects a 2001-character note and extra keys such as status", () => {
    expect(errorsOf(stepActionInput, { action: "done", note: "n".repeat(2001) })).toEqual({ note: ["Note must be at most 2000 characters."] });
    expect(Object.keys(errorsOf(stepActionInput, { action: "done", status: "DONE" }))).toEqual(["_"]);
  });
});

describe("gateDecisionInput", () => {
  it("requires a note", () => {
    expect(errorsOf(gateDecisionInput, { decision: "GO", note: "  " })).toEqual({ note: ["A note is required."] });
    expect(gateDecisionInput.parse({ decision: "NO_GO", note: "Backups incomplete" })).toEqual({ decision: "NO_GO", note: "Backups incomplete" });
  });
});

describe("fieldErrorsOf", () => {
  it("keys messages by dotted field path and collects several per field", () => {
    const result = createProjectInput.safeParse({
      ...validProject,
      name: "",
      mediaServers: ["ok", "bad host", "also bad"],
      windowEnd: "2026-11-27T00:00:00Z",
    });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({
      name: ["Name is required."],
      "mediaServers.1": ["Not a valid host name."],
      "mediaServers.2": ["Not a valid host name."],
      windowEnd: ["The window must end after it starts."],
    });
  });

  it("groups several messages for the same field", () => {
    const result = createStepInput.safeParse({ ...validStep, phaseId: "  ", title: "" });
    expect(result.success).toBe(false);
    expect(fieldErrorsOf(result.error!)).toEqual({ phaseId: ["Required."], title: ["Title is required."] });
    const host = createProjectInput.safeParse({ ...validProject, sourceHost: "" });
    expect(host.success).toBe(false);
    // An empty host name says "required" once, not also "not a valid host name".
    expect(fieldErrorsOf(host.error!).sourceHost).toEqual(["Host name is required."]);
  });

  it("puts root-level issues under '_'", () => {
    const result = stepActionInput.safeParse("not an object");
    expect(result.success).toBe(false);
    expect(Object.keys(fieldErrorsOf(result.error!))).toEqual(["_"]);
  });
});

describe("shared building blocks (issue 12 item 9)", () => {
  it("dates: real calendar days between 2000-01-01 and 2100-12-31, with a zone", async () => {
    const { dateTimeProblem } = await import("@/lib/platform/validation");
    expect(dateTimeProblem("2028-02-29T00:00:00Z")).toBeNull();
    expect(dateTimeProblem("2000-01-01T00:00:00.000Z")).toBeNull();
    expect(dateTimeProblem("2100-12-31T23:59:59.999Z")).toBeNull();
    expect(dateTimeProblem("2027-02-29T00:00:00Z")).toBe("2027-02 has no day 29.");
    expect(dateTimeProblem("2030-04-31T00:00:00Z")).toBe("2030-04 has no day 31.");
    expect(dateTimeProblem("1999-12-31T23:59:59Z")).toBe("Dates must be between 2000-01-01 and 2100-12-31.");
    expect(dateTimeProblem("2101-01-01T00:00:00Z")).toBe("Dates must be between 2000-01-01 and 2100-12-31.");
    expect(dateTimeProblem("2030-01-01T00:00:00+24:00")).toBe("Not a valid time zone offset.");
    expect(dateTimeProblem("2030-01-01")).not.toBeNull();
  });

  it("text: control characters refused (tab and line breaks only where lines are allowed), bidirectional controls everywhere", async () => {
    const { unsafeCharacterProblem } = await import("@/lib/platform/validation");
    expect(unsafeCharacterProblem("Stop NetBackup — ✓ ñ 日本")).toBeNull();
    expect(unsafeCharacterProblem("a\tb")).toContain("U+0009");
    expect(unsafeCharacterProblem("a\tb\r\nc", { multiline: true })).toBeNull();
    expect(unsafeCharacterProblem("a\u0000b", { multiline: true })).toBe("contains a NUL character (U+0000); remove it.");
    expect(unsafeCharacterProblem("a\u007fb", { multiline: true })).toContain("U+007F");
    expect(unsafeCharacterProblem("a\u009bb", { multiline: true })).toContain("U+009B");
    for (const bidi of ["\u202a", "\u202e", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c"]) {
      expect(unsafeCharacterProblem(`x${bidi}y`, { multiline: true })).toContain("bidirectional control character");
    }
  });
});
