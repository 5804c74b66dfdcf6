import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { auditContent, canonicalPrefix, canonicalTail, GENESIS_HASH, hashAuditEvent, snapshot, verifyChain, type AuditContent } from "@/lib/audit/chain";

type ChainedEvent = AuditContent & { seq: number; prevHash: string; hash: string };

function buildChain(contents: AuditContent[], firstSeq = 1): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  let prev = GENESIS_HASH;
  contents.forEach((content, i) => {
    const hash = hashAuditEvent(prev, content);
    out.push({ ...content, seq: firstSeq + i, prevHash: prev, hash });
    prev = hash;
  });
  return out;
}

const content = (i: number, overrides: Partial<AuditContent> = {}): AuditContent => ({
  at: new Date(Date.UTC(2026, 10, 28, 13, i)),
  actorId: i % 2 === 0 ? "user-1" : null,
  actorName: i % 2 === 0 ? "Alice" : "system",
  projectId: "proj-1",
  runId: i > 2 ? "run-1" : null,
  action: `action.${i}`,
  entityType: "step",
  entityId: `step-${i}`,
  before: snapshot(i === 0 ? null : { status: "PENDING" }),
  after: snapshot({ status: "DONE", i }),
  ...overrides,
});

const fresh = () => buildChain([0, 1, 2, 3, 4, 5].map((i) => content(i)));

describe("hashAuditEvent", () => {
  it("is a deterministic 64-char hex SHA-256", () => {
    const h = hashAuditEvent(GENESIS_HASH, content(1));
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAuditEvent(GENESIS_HASH, content(1))).toBe(h);
  });

  it("depends on the previous hash and on every content field", () => {
    const base = content(1);
    const h = hashAuditEvent(GENESIS_HASH, base);
    expect(hashAuditEvent("f".repeat(64), base)).not.toBe(h);
    const variants: Partial<AuditContent>[] = [
      { at: new Date(base.at.getTime() + 1) },
      { actorId: "user-2" },
      { actorName: "Bob" },
      { projectId: null },
      { runId: "run-2" },
      { action: "other" },
      { entityType: "run" },
      { entityId: "other" },
      { before: '"x"' },
      { after: '"y"' },
    ];
    for (const v of variants) expect(hashAuditEvent(GENESIS_HASH, { ...base, ...v }), JSON.stringify(v)).not.toBe(h);
  });

  it("null and the string 'null' hash differently (no ambiguous encoding)", () => {
    expect(hashAuditEvent(GENESIS_HASH, content(1, { actorId: null }))).not.toBe(hashAuditEvent(GENESIS_HASH, content(1, { actorId: "null" })));
  });

  it("hashes JSON.stringify of the fields in their fixed order, as every stored chain was hashed: prefix and tail are that text", () => {
    const awkward = content(1, { actorName: 'Zoë "the \\ night shift" 🦉', entityId: "line1\nline2\u0001\u2028", after: snapshot({ note: "tar cf - /usr/openv | ssh new 'tar xf -'" }) });
    for (const prev of [GENESIS_HASH, "a".repeat(64), hashAuditEvent(GENESIS_HASH, content(2))]) {
      const whole = JSON.stringify([prev, awkward.at.toISOString(), awkward.actorId, awkward.actorName, awkward.projectId, awkward.runId, awkward.action, awkward.entityType, awkward.entityId, awkward.before, awkward.after]);
      expect(canonicalPrefix(prev) + canonicalTail(awkward)).toBe(whole);
      expect(hashAuditEvent(prev, awkward)).toBe(createHash("sha256").update(whole).digest("hex"));
    }
  });

  it("stores text fields well-formed (a lone surrogate becomes U+FFFD, as the databases would store it), so the stored row hashes as it was hashed", () => {
    const stored = auditContent({ actor: { id: "u-1", name: "Ola \ud800" }, projectId: "p-\udc00", runId: null, action: "step.done", entityType: "step_run", entityId: "sr-1\ud83d", before: null, after: { note: "\ud800" } });
    expect(stored).toMatchObject({ actorName: "Ola \ufffd", projectId: "p-\ufffd", entityId: "sr-1\ufffd", after: '{"note":"\\ud800"}' });
    // A well-formed pair is kept.
    expect(auditContent({ actor: null, projectId: null, action: "a", entityType: "t", entityId: "🦉", before: null, after: null }).entityId).toBe("🦉");
  });

  it("moving text between adjacent fields changes the hash", () => {
    const a = hashAuditEvent(GENESIS_HASH, content(1, { entityType: "ab", entityId: "c" }));
    const b = hashAuditEvent(GENESIS_HASH, content(1, { entityType: "a", entityId: "bc" }));
    expect(a).not.toBe(b);
  });
});

describe("verifyChain", () => {
  it("accepts an intact chain; head is the last hash", () => {
    const chain = fresh();
    expect(verifyChain(chain)).toEqual({ ok: true, count: 6, head: chain[5].hash });
  });

  it("an empty chain is ok with the genesis head", () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it("accepts any iterable, e.g. a generator", () => {
    const chain = fresh();
    function* gen() {
      yield* chain;
    }
    expect(verifyChain(gen())).toMatchObject({ ok: true, count: 6 });
  });

  it("detects changed content at the changed event", () => {
    const chain = fresh();
    chain[3] = { ...chain[3], after: snapshot({ status: "SKIPPED" }) };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 4, reason: "content does not match its hash" });
  });

  it("detects a changed timestamp", () => {
    const chain = fresh();
    chain[1] = { ...chain[1], at: new Date(chain[1].at.getTime() + 1000) };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  it("detects a rewritten event whose own hash was recomputed (breaks the next link)", () => {
    const chain = fresh();
    const forged = { ...chain[2], actorName: "Mallory" };
    forged.hash = hashAuditEvent(forged.prevHash, forged);
    chain[2] = forged;
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 4, reason: "link to the previous event does not match" });
  });

  it("detects a changed prevHash link", () => {
    const chain = fresh();
    chain[4] = { ...chain[4], prevHash: "a".repeat(64) };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 5, reason: "link to the previous event does not match" });
  });

  it("detects a first event that does not link to genesis", () => {
    const chain = fresh();
    chain[0] = { ...chain[0], prevHash: "1".repeat(64) };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAtSeq: 1 });
  });

  it("detects a deleted middle event at the event after the gap", () => {
    const chain = fresh();
    chain.splice(2, 1); // removes seq 3
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 4, reason: "link to the previous event does not match" });
  });

  it("detects a deleted first event", () => {
    const chain = fresh().slice(1);
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  it("detects two swapped events", () => {
    const chain = fresh();
    [chain[2], chain[3]] = [chain[3], chain[2]];
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 4, reason: "link to the previous event does not match" });
  });

  it("a truncated tail is still a valid (shorter) chain; its head differs", () => {
    const chain = fresh();
    const verdict = verifyChain(chain.slice(0, 4));
    expect(verdict).toEqual({ ok: true, count: 4, head: chain[3].hash });
  });

  it("changing the stored hash itself is detected", () => {
    const chain = fresh();
    chain[5] = { ...chain[5], hash: "b".repeat(64) };
    expect(verifyChain(chain)).toEqual({ ok: false, brokenAtSeq: 6, reason: "content does not match its hash" });
  });
});

describe("snapshot", () => {
  it("serialises undefined and null as 'null', dates as ISO strings", () => {
    expect(snapshot(undefined)).toBe("null");
    expect(snapshot(null)).toBe("null");
    expect(snapshot({ at: new Date("2026-11-28T12:00:00Z") })).toBe('{"at":"2026-11-28T12:00:00.000Z"}');
  });
});
