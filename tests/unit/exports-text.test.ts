import { describe, expect, it } from "vitest";
import { minutesText, preciseDateTime, varianceText, windowRange, zoneName, zonedIso } from "@/lib/exports/format";
import { summarizeAuditEvent } from "@/lib/exports/audit-summary";
import { NBSP, breakLongWord, commonDomainSuffix, exportFilename, keepIndent, markdownToPlain, monoRow, pdfText, slugify, wrapMonospace } from "@/lib/exports/text";

describe("pdfText", () => {
  it("keeps WinAnsi text and spells out what the standard fonts can't draw", () => {
    expect(pdfText("Größe — “ok” … 5 €")).toBe("Größe — “ok” … 5 €");
    expect(pdfText("a → b − c ✓")).toBe("a -> b - c OK");
    expect(pdfText("Łódź ő")).toBe("Lódz o");
    expect(pdfText("中文\tx\r\ny")).toBe("??    x\ny");
    expect(pdfText(null)).toBe("");
  });
});

describe("wrapMonospace", () => {
  it("breaks at spaces, then after punctuation, and marks continuations", () => {
    const lines = wrapMonospace("tar cf - . | ssh new 'cd /usr/openv && tar xpf -'", 20, 2);
    expect(lines.every((l, i) => l.text.length <= (i === 0 || !l.continued ? 20 : 18))).toBe(true);
    expect(lines[0].continued).toBe(false);
    expect(lines.slice(1).every((l) => l.continued)).toBe(true);
    expect(lines.map((l) => l.text).join(" ")).toBe("tar cf - . | ssh new 'cd /usr/openv && tar xpf -'");
  });

  it("never loses characters of a token longer than the line", () => {
    const token = `/etc/${"x".repeat(70)}/file.lst`;
    const lines = wrapMonospace(token, 30);
    expect(lines.map((l) => l.text).join("")).toBe(token);
    expect(Math.max(...lines.map((l) => l.text.length))).toBeLessThanOrEqual(30);
  });

  it("keeps empty lines and source line breaks", () => {
    expect(wrapMonospace("a\n\nb", 10).map((l) => l.text)).toEqual(["a", "", "b"]);
  });
});

describe("monoRow", () => {
  it("pads columns with no-break spaces and wraps cells inside their column", () => {
    const lines = monoRow(["#12", "long reason text that wraps"], [{ width: 4, align: "right" }, { width: 12 }]);
    expect(lines[0]).toBe(`${NBSP}#12${NBSP}${NBSP}long reason`);
    expect(lines[1].startsWith(NBSP.repeat(6))).toBe(true);
    expect(lines.join(" ").replace(/[\s\u00a0]+/g, " ").trim()).toBe("#12 long reason text that wraps");
  });
});

describe("small helpers", () => {
  it("keeps indentation through the PDF line breaker", () => {
    expect(keepIndent("  if x")).toBe(`${NBSP}${NBSP}if x`);
  });

  it("offers break points only inside long tokens", () => {
    expect(breakLongWord("catalog")).toEqual(["catalog"]);
    expect(breakLongWord("/usr/openv/netbackup/bin/admincmd").join("")).toBe("/usr/openv/netbackup/bin/admincmd");
    expect(breakLongWord("/usr/openv/netbackup/bin/admincmd").length).toBeGreaterThan(1);
  });

  it("finds a host-name suffix shared by every client", () => {
    expect(commonDomainSuffix(["a.prod.example.com", "bb.prod.example.com"])).toBe(".prod.example.com");
    expect(commonDomainSuffix(["a.prod.example.com", "b.test.example.com"])).toBe(".example.com");
    expect(commonDomainSuffix(["a", "b.example.com"])).toBe("");
    expect(commonDomainSuffix(["only.example.com"])).toBe("");
  });

  it("makes safe file names", () => {
    expect(slugify("NetBackup master rehost — nbu-master1")).toBe("netbackup-master-rehost-nbu-master1");
    expect(slugify("Ünïcödé ✓")).toBe("unicode");
    expect(slugify("!!!")).toBe("untitled");
    expect(exportFilename("P", "Live cutover", "pdf")).toBe("runsheet-p-live-cutover.pdf");
  });

  it("reads markdown as plain text", () => {
    expect(markdownToPlain("Keep **this** and `bp.conf`; see [docs](https://x.test).")).toBe("Keep this and bp.conf; see docs (https://x.test).");
  });
});

describe("time formats", () => {
  const at = new Date("2026-11-28T12:05:07.123Z");
  it("writes ISO 8601 with the zone's offset", () => {
    expect(zonedIso(at, "Europe/Berlin")).toBe("2026-11-28T13:05:07+01:00");
    expect(zonedIso(new Date("2026-07-01T12:00:00Z"), "Europe/Berlin")).toBe("2026-07-01T14:00:00+02:00");
    expect(zonedIso(at, "Asia/Kolkata")).toBe("2026-11-28T17:35:07+05:30");
    expect(zonedIso(null, "UTC")).toBe("");
    expect(preciseDateTime(at, "Europe/Berlin")).toBe("2026-11-28 13:05:07");
  });

  it("names the zone and the window", () => {
    expect(zoneName(at, "Europe/Berlin")).toBe("CET");
    expect(zoneName(at, "America/New_York")).toBe("EST");
    expect(windowRange(new Date("2026-11-28T12:00:00Z"), new Date("2026-11-28T21:00:00Z"), "Europe/Berlin")).toBe("Sat 28 Nov 2026, 13:00 – 22:00 CET");
    expect(windowRange(new Date("2026-11-28T21:00:00Z"), new Date("2026-11-29T06:00:00Z"), "Europe/Berlin")).toBe("Sat 28 Nov 2026, 22:00 CET – Sun 29 Nov 2026, 07:00 CET");
  });

  it("formats minutes and variances with ASCII signs", () => {
    expect(minutesText(135)).toBe("2 h 15 min");
    expect(minutesText(-5)).toBe("-5 min");
    expect(varianceText(14.6)).toBe("+15 min");
    expect(varianceText(-0.2)).toBe("on plan");
    expect(varianceText(null)).toBe("—");
  });
});

describe("audit summaries", () => {
  const ctx = { stepNumberByStepRunId: new Map([["sr1", "14"]]) };
  it("names the step by its number and title, with the note or reason", () => {
    expect(summarizeAuditEvent({ action: "step.done", entityType: "step_run", entityId: "sr1", before: "{}", after: JSON.stringify({ stepTitle: "Take the catalog backup", note: "media A00417" }) }, ctx)).toBe(
      "Step 14 “Take the catalog backup” — note: media A00417",
    );
    expect(summarizeAuditEvent({ action: "step.skip", entityType: "step_run", entityId: "sr1", before: "{}", after: JSON.stringify({ stepTitle: "T", reason: "not needed", offline: true }) }, ctx)).toBe(
      "Step 14 “T” — reason: not needed (queued offline)",
    );
    expect(summarizeAuditEvent({ action: "run.start", entityType: "run", entityId: "r", before: "null", after: JSON.stringify({ kind: "LIVE", name: "Live cutover" }) }, ctx)).toBe("Live run “Live cutover” started");
    expect(summarizeAuditEvent({ action: "weird", entityType: "thing", entityId: "abc", before: "not json", after: "not json" }, ctx)).toBe("thing abc");
  });
});
