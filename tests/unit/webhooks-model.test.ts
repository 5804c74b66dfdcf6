import { describe, expect, it } from "vitest";
import { checkWebhookUrl, classifyAddress, checkUrlShape } from "@/lib/webhooks/address-policy";
import {
  DEFAULT_RETRY_DELAYS_MS,
  describeEvent,
  endpointWants,
  eventTypeForAction,
  lateByMinutes,
  nextRetryDelayMs,
  parseRetrySchedule,
  presetBody,
  type WebhookEvent,
} from "@/lib/webhooks/model";

describe("webhook address policy", () => {
  it.each([
    ["127.0.0.1", false],
    ["127.8.9.10", false],
    ["::1", false],
    ["[::1]", false],
    ["::ffff:127.0.0.1", false],
    ["::ffff:10.1.2.3", false],
    ["0.0.0.0", false],
    ["::", false],
    ["169.254.169.254", false],
    ["fe80::1", false],
    ["10.0.0.5", false],
    ["172.16.0.1", false],
    ["172.31.255.255", false],
    ["192.168.1.1", false],
    ["100.64.0.1", false],
    ["fc00::1", false],
    ["fd12:3456::1", false],
    ["224.0.0.1", false],
    ["255.255.255.255", false],
    ["ff02::1", false],
    ["93.184.216.34", true],
    ["172.32.0.1", true],
    ["2606:2800:220:1:248:1893:25c8:1946", true],
    ["::ffff:93.184.216.34", true],
  ])("%s → allowed %s", (address, allowed) => {
    expect(classifyAddress(address).ok).toBe(allowed);
  });

  const resolver = (table: Record<string, string[]>) => async (host: string) => {
    if (!(host in table)) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return table[host];
  };
  const dns = resolver({ "hooks.example.test": ["93.184.216.34"], "sneaky.example.test": ["93.184.216.34", "10.0.0.7"], "meta.example.test": ["169.254.169.254"], "v6.example.test": ["::ffff:127.0.0.1"] });

  it("refuses literal private addresses and names resolving to one, unless private networks are allowed", async () => {
    expect(await checkWebhookUrl({ url: "https://hooks.example.test/x", allowPrivateNetwork: false, resolve: dns })).toEqual({ ok: true });
    for (const url of ["http://127.0.0.1:8080/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://169.254.169.254/latest/meta-data", "https://sneaky.example.test/", "https://meta.example.test/", "https://v6.example.test/", "http://localhost:3000/", "http://api.localhost/"]) {
      const verdict = await checkWebhookUrl({ url, allowPrivateNetwork: false, resolve: dns });
      expect(verdict.ok, url).toBe(false);
      expect(await checkWebhookUrl({ url, allowPrivateNetwork: true, resolve: dns }), url).toEqual({ ok: true });
    }
    const refused = await checkWebhookUrl({ url: "https://sneaky.example.test/", allowPrivateNetwork: false, resolve: dns });
    expect(refused).toMatchObject({ ok: false, message: expect.stringContaining("resolves to 10.0.0.7, a private-network address") });
    // A name that doesn't resolve yet is accepted: sending checks again.
    expect(await checkWebhookUrl({ url: "https://not-yet.example.test/", allowPrivateNetwork: false, resolve: dns })).toEqual({ ok: true });
  });

  it("takes http and https only, without credentials in the URL", () => {
    expect(checkUrlShape("ftp://example.com/").ok).toBe(false);
    expect(checkUrlShape("file:///etc/passwd").ok).toBe(false);
    expect(checkUrlShape("https://user:pw@example.com/").ok).toBe(false);
    expect(checkUrlShape("not a url").ok).toBe(false);
    expect(checkUrlShape("https://example.com/hook").ok).toBe(true);
  });
});

describe("webhook events", () => {
  it("maps the audit actions listeners care about and skips the rest", () => {
    expect(eventTypeForAction("step.done")).toBe("step.completed");
    expect(eventTypeForAction("run.start")).toBe("run.started");
    expect(eventTypeForAction("gate.no_go")).toBe("gate.rejected");
    expect(eventTypeForAction("run.stakeholder_update")).toBe("run.stakeholder_update");
    expect(eventTypeForAction("step.update")).toBeNull();
    expect(eventTypeForAction("auth.sign_in")).toBeNull();
    expect(eventTypeForAction("toString")).toBeNull();
    expect(endpointWants(["*"], "step.completed")).toBe(true);
    expect(endpointWants(["run.started"], "step.completed")).toBe(false);
    expect(endpointWants(["run.started"], "webhook.test")).toBe(true);
  });

  const event: WebhookEvent = {
    type: "step.completed",
    timestamp: "2026-12-05T23:40:00.000Z",
    data: {
      project: { id: "p1", name: "NBU <move> & co" },
      run: { id: "r1", name: "Cutover", kind: "LIVE" },
      step: { number: "14", title: "Restore catalog", status: "DONE", by: "Olivia", startedAt: "2026-12-05T23:00:00.000Z", completedAt: "2026-12-05T23:40:00.000Z", lateByMinutes: 10 },
      forecast: { finishAt: "2026-12-06T00:05:00.000Z", onTrack: true, verdict: "on_track", windowEnd: "2026-12-06T04:00:00.000Z" },
      actor: "Olivia",
      auditSeq: 42,
      note: "",
      timezone: "Europe/Berlin",
    },
  };

  it("says what happened in the project's clock", () => {
    expect(describeEvent(event)).toBe("Step 14 done by Olivia, 10 min late; forecast 01:05, on track");
    expect(lateByMinutes({ plannedMinutes: 30, startedAt: "2026-12-05T23:00:00.000Z", finishedAt: "2026-12-05T23:40:20.000Z" })).toBe(10);
    expect(lateByMinutes({ plannedMinutes: 30, startedAt: "2026-12-05T23:00:00.000Z", finishedAt: "2026-12-05T23:10:00.000Z" })).toBe(0);
  });

  it("formats Slack and Teams messages, and the standard payload as data", () => {
    const slack = presetBody("SLACK", event) as { text: string };
    expect(slack.text).toBe("*NBU &lt;move&gt; &amp; co*\nStep 14 done by Olivia, 10 min late; forecast 01:05, on track");
    const teams = presetBody("TEAMS", event) as { type: string; attachments: { contentType: string; content: { type: string; body: { text: string }[] } }[] };
    expect(teams.type).toBe("message");
    expect(teams.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(teams.attachments[0].content.type).toBe("AdaptiveCard");
    expect(teams.attachments[0].content.body.map((b) => b.text)).toContain("Step 14 done by Olivia, 10 min late; forecast 01:05, on track");
    const standard = presetBody("STANDARD", event) as { type: string; data: Record<string, unknown> };
    expect(standard.type).toBe("step.completed");
    expect(standard.data).toMatchObject({ auditSeq: 42, step: { number: "14", lateByMinutes: 10 }, forecast: { onTrack: true } });
    expect(standard.data).not.toHaveProperty("timezone");
    const update = presetBody("SLACK", { ...event, type: "run.stakeholder_update", data: { ...event.data, step: null, subject: "Status 01:00", text: "All good, restore at 60 %." } }) as { text: string };
    expect(update.text).toBe("*NBU &lt;move&gt; &amp; co: Status 01:00*\nAll good, restore at 60 %.");
  });
});

describe("webhook retry schedule", () => {
  it("follows the Standard Webhooks schedule, about a day in all, then gives up", () => {
    const total = DEFAULT_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(24 * 3_600_000);
    expect(nextRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, () => 0.5)).toBe(5_000);
    expect(nextRetryDelayMs(2, DEFAULT_RETRY_DELAYS_MS, () => 0.5)).toBe(300_000);
    expect(nextRetryDelayMs(7, DEFAULT_RETRY_DELAYS_MS, () => 0.5)).toBe(36_000_000);
    expect(nextRetryDelayMs(8, DEFAULT_RETRY_DELAYS_MS, () => 0.5)).toBeNull();
    // ±10 % jitter
    expect(nextRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, () => 0)).toBe(4_500);
    expect(nextRetryDelayMs(1, DEFAULT_RETRY_DELAYS_MS, () => 1)).toBe(5_500);
  });

  it("can be compressed for tests, and refuses a malformed override", () => {
    expect(parseRetrySchedule("50,100,200")).toEqual([50, 100, 200]);
    expect(parseRetrySchedule(undefined)).toEqual([...DEFAULT_RETRY_DELAYS_MS]);
    expect(() => parseRetrySchedule("50,soon")).toThrow(/milliseconds/);
  });
});

describe("webhook URLs in the audit log", () => {
  it("masks long path segments and drops the query, so a Slack or Teams URL's credential is never recorded", async () => {
    const { urlForRecord } = await import("@/lib/webhooks/model");
    expect(urlForRecord("https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx")).toBe("https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abc…");
    expect(urlForRecord("https://receiver.example.com/runsheet?token=secret")).toBe("https://receiver.example.com/runsheet?…");
    expect(urlForRecord("https://receiver.example.com/hooks/nbu")).toBe("https://receiver.example.com/hooks/nbu");
  });
});
