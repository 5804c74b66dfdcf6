/**
 * lib/stakeholders/model.ts: a stakeholder update rendered from fixed facts in the project's zone
 * (Berlin, winter: CET), unknown placeholders refused by name, and the schedule's arithmetic with
 * a fixed clock.
 */
import { describe, expect, it } from "vitest";
import {
  DEFAULT_BODY_TEMPLATE,
  DEFAULT_SUBJECT_TEMPLATE,
  firstDueAt,
  nextDueAfter,
  renderStakeholderSubject,
  renderStakeholderUpdate,
  retryDelayMinutes,
  UnknownPlaceholderError,
  unknownPlaceholders,
  type StakeholderFacts,
} from "@/lib/stakeholders/model";
import { stakeholderSettingsInput } from "@/lib/stakeholders/schemas";

const MIN = 60_000;
// Sat 5 Dec 22:00 – Sun 6 Dec 06:00 CET.
const WINDOW_START = Date.parse("2026-12-05T21:00:00Z");
const WINDOW_END = Date.parse("2026-12-06T05:00:00Z");
const NOW = Date.parse("2026-12-06T02:00:00Z"); // 03:00 CET

function facts(overrides: Partial<StakeholderFacts> = {}): StakeholderFacts {
  return {
    now: NOW,
    timeZone: "Europe/Berlin",
    project: { name: "NBU move" },
    run: { name: "Live cutover 1", kind: "LIVE", status: "ACTIVE", mode: "FORWARD" },
    windowStart: WINDOW_START,
    windowEnd: WINDOW_END,
    progress: { done: 142, total: 300 },
    forecast: { finishAt: WINDOW_END - 80 * MIN, slackMinutes: 80, verdict: "on_track" },
    nextGate: { number: "14", title: "Go/No-Go: catalog restored", plannedStart: Date.parse("2026-12-06T02:40:00Z"), held: false },
    issues: { failed: [], late: [], blockers: [] },
    rollbackDeadline: { deadline: Date.parse("2026-12-06T03:55:00Z"), minutesLeft: 115, level: "ok" },
    link: "https://runsheet.example.test/projects/p1/runs/r1",
    ...overrides,
  };
}

const render = (template: string, f: StakeholderFacts = facts()) => renderStakeholderUpdate({ template, facts: f });

describe("renderStakeholderUpdate", () => {
  it("says progress as steps done of the run's scope, with the percentage", () => {
    expect(render("{{progress}}")).toBe("142 of 300 steps done (47%)");
    expect(render("{{progress}}", facts({ progress: { done: 0, total: 0 } }))).toBe("0 of 0 steps done (0%)");
    expect(render("{{progress}}", facts({ run: { name: "r", kind: "LIVE", status: "ACTIVE", mode: "ROLLBACK" }, progress: { done: 2, total: 5 } }))).toBe("2 of 5 rollback steps done (40%)");
  });

  it("says the forecast on the project's clock, inside or past the window", () => {
    expect(render("{{forecast}}")).toBe("finish 04:40 CET, 1 h 20 min inside the window");
    expect(render("{{forecast}}", facts({ forecast: { finishAt: WINDOW_END + 40 * MIN, slackMinutes: -40, verdict: "overrun" } }))).toBe("finish 06:40 CET, 40 min past the window");
    expect(render("{{forecast}}", facts({ forecast: { finishAt: NOW, slackMinutes: 180, verdict: "finished" } }))).toBe("all window work is done");
    expect(render("{{forecast}}", facts({ run: { name: "r", kind: "LIVE", status: "COMPLETED", mode: "FORWARD" }, forecast: null }))).toBe("the run has ended (completed)");
  });

  it("a zone without daylight saving and another day reads with the day and its own abbreviation", () => {
    const text = render("{{forecast}}", facts({ timeZone: "America/New_York", forecast: { finishAt: Date.parse("2026-12-06T10:00:00Z"), slackMinutes: -300, verdict: "overrun" } }));
    // 10:00 UTC is 05:00 EST on Sun 6 Dec; "now" (02:00 UTC) is still Sat 5 Dec in New York.
    expect(text).toBe("finish Sun 6 Dec, 05:00 EST, 5 h past the window");
  });

  it("names the next gate with its planned time, or says there is none", () => {
    expect(render("{{nextGate}}")).toBe("step 14 “Go/No-Go: catalog restored”, planned 03:40 CET");
    expect(render("{{nextGate}}", facts({ nextGate: { number: "14", title: "Go", plannedStart: null, held: true } }))).toBe("step 14 “Go” (held)");
    expect(render("{{nextGate}}", facts({ nextGate: null }))).toBe("no gate ahead");
  });

  it("lists failed steps, late steps and held gates, one per line, or says none", () => {
    expect(render("{{issues}}")).toBe("none");
    const text = render(
      "{{issues}}",
      facts({
        issues: {
          failed: [{ number: "12", title: "Copy catalog", reason: "disk full" }],
          late: [{ number: "15", title: "Verify images", overMinutes: 25.4 }],
          blockers: [{ number: "16", title: "Go/No-Go", note: "waiting for the CAB" }],
        },
      }),
    );
    expect(text.split("\n")).toEqual([
      "- Failed: step 12 “Copy catalog”: disk full",
      "- Late: step 15 “Verify images”, 25 min over its plan",
      "- Held: gate 16 “Go/No-Go”: waiting for the CAB",
    ]);
  });

  it("fills window, rollback deadline, link and tolerates spaces inside the braces", () => {
    expect(render("{{ window }}")).toBe("Sat 5 Dec 22:00 – Sun 6 Dec 06:00 CET (8 h)");
    expect(render("{{rollbackDeadline}}")).toBe("04:55 CET (1 h 55 min from now)");
    expect(render("{{rollbackDeadline}}", facts({ rollbackDeadline: { deadline: Date.parse("2026-12-06T01:55:00Z"), minutesLeft: -5, level: "passed" } }))).toBe("passed at 02:55 CET");
    expect(render("{{link}}")).toBe("https://runsheet.example.test/projects/p1/runs/r1");
  });

  it("renders the default templates with every placeholder filled", () => {
    const body = render(DEFAULT_BODY_TEMPLATE);
    expect(body).not.toMatch(/\{\{/);
    expect(body).toContain("Progress: 142 of 300 steps done (47%)");
    expect(body).toContain("Forecast: finish 04:40 CET, 1 h 20 min inside the window");
    expect(renderStakeholderSubject({ template: DEFAULT_SUBJECT_TEMPLATE, facts: facts() })).toBe("NBU move · Live cutover 1: 142 of 300 steps done (47%)");
  });

  it("refuses unknown placeholders, naming each", () => {
    expect(unknownPlaceholders("{{progress}} {{eta}} {{ owner }} {{eta}}")).toEqual(["eta", "owner"]);
    expect(() => render("ETA {{eta}}")).toThrow(UnknownPlaceholderError);
    expect(() => render("ETA {{eta}}")).toThrow(/\{\{eta\}\}/);
  });
});

describe("settings input", () => {
  const valid = { recipients: ["cab@example.test"], sendByEmail: true, sendByWebhook: false, intervalMinutes: 30, subjectTemplate: "{{run}}", bodyTemplate: "{{progress}}", enabled: true };

  it("names the unknown placeholder on the template's field", () => {
    const parsed = stakeholderSettingsInput.safeParse({ ...valid, bodyTemplate: "{{progress}} {{eta}}" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["bodyTemplate", expect.stringContaining("{{eta}}")]]);
  });

  it("names the invalid addresses on the recipients field, and lowercases and dedupes the good ones", () => {
    const bad = stakeholderSettingsInput.safeParse({ ...valid, recipients: ["ok@example.test", "not-an-address", "also@"] });
    expect(bad.error!.issues.map((i) => [i.path.join("."), i.message])).toEqual([["recipients", "Not a valid email address: not-an-address, also@."]]);
    const good = stakeholderSettingsInput.parse({ ...valid, recipients: [" CAB@example.test ", "cab@example.test", ""] });
    expect(good.recipients).toEqual(["cab@example.test"]);
  });

  it("keeps the interval between 5 and 240 minutes", () => {
    expect(stakeholderSettingsInput.safeParse({ ...valid, intervalMinutes: 4 }).success).toBe(false);
    expect(stakeholderSettingsInput.safeParse({ ...valid, intervalMinutes: 241 }).success).toBe(false);
    expect(stakeholderSettingsInput.safeParse({ ...valid, intervalMinutes: 5 }).success).toBe(true);
  });
});

describe("the schedule", () => {
  it("starts one interval after it is switched on", () => {
    expect(firstDueAt({ now: NOW, intervalMinutes: 30 })).toBe(NOW + 30 * MIN);
  });

  it("keeps its rhythm when a tick is a little late", () => {
    const due = NOW;
    expect(nextDueAfter({ due, now: due + 20_000, intervalMinutes: 30 })).toBe(due + 30 * MIN);
  });

  it("skips missed slots after a long stop instead of sending a burst", () => {
    const due = NOW;
    expect(nextDueAfter({ due, now: due + 95 * MIN, intervalMinutes: 30 })).toBe(due + 125 * MIN);
  });

  it("retries a refused email after 1, 2, 4, 8, 16 minutes", () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMinutes)).toEqual([1, 2, 4, 8, 16, 16]);
  });
});
