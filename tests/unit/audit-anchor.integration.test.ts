/**
 * The audit trail's anchor (signed checkpoints, lib/audit/checkpoint.ts + checkpointer.ts) and the
 * full check (lib/audit/verify.ts) against a real SQLite file: a clean installation verifies; a
 * deleted tail, an edited-and-rehashed chain, a direct UPDATE of a step run or run, and a
 * tampered or foreign-signed checkpoint file are each reported, in words that name what changed.
 *
 * Destructive tampering (deleting and rewriting events) is done on a copy of the database and of
 * its checkpoint file, verified with the same key, so each case starts from the same clean record.
 */
import fs from "node:fs";
import path from "node:path";
import { generateKeyPairSync } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENESIS_HASH, hashAuditEvent, verifyStoredChain, type StoredAuditRow } from "@/lib/audit/chain";
import { appendCheckpoint, auditAnchorPaths, checkpointSignatureValid, keyFingerprint, loadOrCreateSigningKey, readCheckpoints, readPublicKey, signCheckpoint, type AuditCheckpoint } from "@/lib/audit/checkpoint";
import { verifyAuditTrail, type AuditTrailVerdict } from "@/lib/audit/verify";
import { createProject, createTeam, templateSteps, type PlanStep } from "./helpers/db-fixtures";
import { openTestDatabase, type Lib, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let lib: Lib;
let team: Awaited<ReturnType<typeof createTeam>>;
let checkpointer: typeof import("@/lib/audit/checkpointer");
let step: (key: string) => PlanStep;
let run: { id: string; name: string };
let project: { id: string; name: string };

beforeAll(async () => {
  db = await openTestDatabase("audit-anchor");
  lib = db.lib;
  checkpointer = await import("@/lib/audit/checkpointer");
  // What the server does when it starts: the key exists, the (empty) chain is signed.
  await checkpointer.anchorAuditChainAtStartup();
  team = await createTeam(lib);
  project = await createProject(lib, team.admin, { name: "Anchor" });
  ({ get: step } = await templateSteps(lib, project.id));
  run = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Anchored rehearsal" } });
  const act = (key: string, action: "start" | "done" | "skip" | "fail", actor = team.operator, reason = "") =>
    lib.runs.performStepAction({ actor, runId: run.id, stepId: step(key).id, input: { action, note: `${action} ${key}`, reason } });
  // Every kind of step event the replay has to follow: start, done, fail and restart, undo, a gate's Go.
  await act("1", "start");
  await act("1", "done");
  await act("2", "done", team.operator2);
  await act("3", "start");
  await act("3", "fail", team.operator, "Disk full on the target");
  await act("3", "start", team.operator2);
  await act("3", "done", team.operator2);
  await lib.runs.undoSignOff({ actor: team.admin, runId: run.id, stepId: step("2").id, input: { reason: "Signed off the wrong step" } });
  await act("2", "done");
  for (let k = 4; k <= 11; k++) await act(String(k), "done");
  await lib.runs.decideGate({ actor: team.admin, runId: run.id, stepId: step("12").id, input: { decision: "GO", note: "Go after the checks" } });
  await act("13", "start");
  await checkpointer.flushAuditCheckpoint();
}, 60_000);

afterAll(async () => {
  await db?.close();
});

const paths = () => auditAnchorPaths(db.file);
const head = () => lib.prisma.auditEvent.findFirstOrThrow({ orderBy: { seq: "desc" } });
const kinds = (verdict: AuditTrailVerdict) => verdict.findings.map((f) => f.kind);

/** A consistent copy of the database and its checkpoint file, to tamper with; verified with the installation's key. */
function copyInstallation(label: string) {
  const copy = path.join(path.dirname(db.file), `copy-${label}.db`);
  const raw = db.openRaw();
  raw.exec(`VACUUM INTO '${copy}'`);
  raw.close();
  fs.copyFileSync(paths().checkpoints, `${copy}.audit-checkpoints.jsonl`);
  const handle = new Database(copy);
  return {
    db: handle,
    checkpoints: `${copy}.audit-checkpoints.jsonl`,
    verify: (options: { publicKey?: import("node:crypto").KeyObject } = {}) => verifyAuditTrail({ db: handle, paths: { ...auditAnchorPaths(copy), privateKey: paths().privateKey }, ...options }),
  };
}

describe("a clean installation", () => {
  it("verifies: chain intact, signed up to its head, every step agrees with its events", async () => {
    const verdict = (await lib.audit.verifyAuditTrailNow());
    expect(verdict.findings).toEqual([]);
    expect(verdict.ok).toBe(true);
    const last = await head();
    expect(verdict.head).toEqual({ seq: last.seq, hash: last.hash });
    expect(verdict.anchor.lastSigned).toMatchObject({ seq: last.seq, headHash: last.hash });
    expect(verdict.anchor.unsignedEvents).toBe(0);
    expect(verdict.stepsChecked).toBeGreaterThan(30);
    expect(verdict.runsChecked).toBe(1);
  });

  it("is checked once for callers that ask at the same time, and afresh after", async () => {
    const [first, second] = await Promise.all([lib.audit.verifyAuditTrailNow(), lib.audit.verifyAuditTrailNow()]);
    expect(second).toBe(first);
    expect(first).toMatchObject({ ok: true, findings: [] });
    const later = await lib.audit.verifyAuditTrailNow();
    expect(later).not.toBe(first);
    expect(later).toEqual(first);
  });

  it("keeps the private key outside the database, readable only by its owner, and publishes the public key", () => {
    const p = paths();
    expect(path.dirname(p.privateKey)).toBe(path.dirname(db.file));
    expect(fs.statSync(p.privateKey).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(p.privateKey, "utf8")).toContain("BEGIN PRIVATE KEY");
    expect(fs.readFileSync(p.publicKey, "utf8")).toContain("BEGIN PUBLIC KEY");
    const file = readCheckpoints(p.checkpoints);
    expect(file.exists).toBe(true);
    // The first checkpoint is the empty chain, signed when the server first started.
    expect(file.lines[0]).toMatchObject({ checkpoint: { seq: 0, headHash: GENESIS_HASH } });
  });

  it("signs after commits by itself: at once when a run ends, and events without a project count too", async () => {
    const before = readCheckpoints(paths().checkpoints).lines.length;
    // An event without a project, like a sign-in the auth layer records.
    const { runTransaction } = await import("@/lib/platform/db/transaction");
    await runTransaction((tx) => lib.audit.appendAuditEvent(tx, { actor: null, projectId: null, action: "auth.sign_in", entityType: "user", entityId: team.viewer.id, before: null, after: { email: "vera@example.test" } }));
    const other = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Ended at once" } });
    await lib.runs.endRunByHand({ actor: team.admin, runId: other.id, how: "abort", input: { reason: "Wrong window" } });
    const last = await head();
    expect(last.action).toBe("run.abort");
    // No flush asked for: the run's end makes the checkpointer sign without waiting.
    await expect.poll(() => readCheckpoints(paths().checkpoints).lines.at(-1), { timeout: 3000 }).toMatchObject({ checkpoint: { seq: last.seq, headHash: last.hash } });
    expect(readCheckpoints(paths().checkpoints).lines.length).toBeGreaterThan(before);
    expect((await lib.audit.verifyAuditTrailNow())).toMatchObject({ ok: true, findings: [] });
  });
});

describe("the audit page's check", () => {
  it("reads in pieces on a snapshot of its own: a sign-off goes through between pieces, and isn't taken for tampering", async () => {
    const { sqliteAuditTrailSource } = await import("@/lib/audit/store.verify.sqlite");
    const { verifyAuditTrailFrom } = await import("@/lib/audit/verify");
    const rehearsal = await lib.runs.startRun({ actor: team.admin, projectId: project.id, input: { kind: "REHEARSAL", name: "Signed off during the check" } });
    const events = await lib.prisma.auditEvent.count();
    const source = sqliteAuditTrailSource(db.file, { pageRows: 10 });
    let rowsRead = 0;
    let signOff: Promise<unknown> | null = null;
    let rowsReadWhenSignedOff: number | null = null;
    const verdict = await verifyAuditTrailFrom({
      hasAuditTables: () => source.hasAuditTables(),
      readSnapshot: (onRow) =>
        source.readSnapshot((row) => {
          rowsRead++;
          // Asked for while the second piece is read; it can only run in a break.
          if (rowsRead === 11) {
            signOff = lib.runs
              .performStepAction({ actor: team.operator, runId: rehearsal.id, stepId: step("1").id, input: { action: "done", note: "during the audit check", reason: "" } })
              .then(() => (rowsReadWhenSignedOff = rowsRead));
          }
          onRow(row);
        }),
    });
    await signOff;
    // It committed while the check was still reading the chain…
    expect(rowsReadWhenSignedOff).not.toBeNull();
    expect(rowsReadWhenSignedOff!).toBeLessThan(events);
    // …and the check is of the moment before it: the step's new row is not a finding.
    expect(verdict).toMatchObject({ ok: true, findings: [], events });
    const stored = await lib.prisma.stepRun.findUniqueOrThrow({ where: { runId_stepId: { runId: rehearsal.id, stepId: step("1").id } } });
    expect(stored.status).toBe("DONE");
    expect(await lib.audit.verifyAuditTrailNow()).toMatchObject({ ok: true, findings: [], events: events + 1 });
  });
});

describe("exports", () => {
  it("print the chain head as signed now, with a signature that verifies with the published key", async () => {
    const { loadRunExportData } = await import("@/lib/exports/run-export-data");
    const data = await loadRunExportData({ runId: run.id });
    const last = await head();
    const signed = data.audit.signedHead!;
    expect(signed).toMatchObject({ seq: last.seq, headHash: last.hash });
    const publicKey = readPublicKey(paths().publicKey);
    expect(signed.keyFingerprint).toBe(keyFingerprint(publicKey));
    const checkpoint: AuditCheckpoint = { v: 1, seq: signed.seq, headHash: signed.headHash, at: signed.at, key: signed.keyFingerprint, sig: signed.signature };
    expect(checkpointSignatureValid(publicKey, checkpoint)).toBe(true);
    expect(checkpointSignatureValid(publicKey, { ...checkpoint, seq: checkpoint.seq + 1 })).toBe(false);
  });

  it("print the newest checkpoint another process appended, and forget one a restored file no longer has", async () => {
    const file = paths().checkpoints;
    const original = fs.readFileSync(file);
    const printed = async () => (await lib.audit.getSignedAuditHead())!;
    const before = await printed();
    const last = await head();
    expect(before).toMatchObject({ seq: last.seq, headHash: last.hash });
    try {
      // Another process (a second server on the same data folder) signs the same head a minute later.
      const { key } = loadOrCreateSigningKey(paths());
      const later = signCheckpoint(key, { seq: last.seq, headHash: last.hash, at: new Date(Date.parse(before.at) + 60_000) });
      await appendCheckpoint(file, later);
      expect(await printed()).toMatchObject({ seq: later.seq, at: later.at, signature: later.sig });
      // One with another key is not ours to print.
      const { privateKey, publicKey } = generateKeyPairSync("ed25519");
      const foreign = signCheckpoint({ privateKey, publicKey, publicKeyPem: "", fingerprint: keyFingerprint(publicKey) }, { seq: last.seq, headHash: last.hash, at: new Date(Date.parse(before.at) + 120_000) });
      await appendCheckpoint(file, foreign);
      expect(await printed()).toMatchObject({ at: later.at, signature: later.sig });
      // Nor is one that names our key but whose signature doesn't verify (edited after signing).
      await appendCheckpoint(file, { ...later, at: new Date(Date.parse(before.at) + 180_000).toISOString() });
      expect(await printed()).toMatchObject({ at: later.at, signature: later.sig });
      // The file restored from before both (a new file in its place): the later one is gone from the record.
      fs.writeFileSync(`${file}.restored`, original);
      fs.renameSync(`${file}.restored`, file);
      expect(await printed()).toMatchObject({ seq: before.seq, at: before.at, signature: before.signature });
    } finally {
      fs.writeFileSync(file, original);
    }
  });
});

describe("tampering with the events", () => {
  it("deleting the newest events is found, though the shorter chain is still consistent", async () => {
    const last = await head();
    const copy = copyInstallation("tail");
    copy.db.prepare(`DELETE FROM audit_event WHERE seq > ?`).run(last.seq - 3);
    // What the chain alone says: fine.
    expect(verifyStoredChain(copy.db.prepare(`SELECT * FROM audit_event ORDER BY seq`).iterate() as IterableIterator<StoredAuditRow>)).toMatchObject({ ok: true });
    const verdict = copy.verify();
    copy.db.close();
    expect(verdict.ok).toBe(false);
    expect(kinds(verdict)).toContain("tail-deleted");
    expect(kinds(verdict)).not.toContain("chain-broken");
    expect(verdict.findings.find((f) => f.kind === "tail-deleted")!.message).toContain(`it ends at event #${last.seq - 3}, but a checkpoint signed at`);
    expect(verdict.findings.find((f) => f.kind === "tail-deleted")!.message).toContain(`covers events up to #${last.seq}`);
  });

  it("editing an event and recomputing every later hash is found", async () => {
    const created = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "project.create", projectId: project.id } });
    const copy = copyInstallation("rewrite");
    const rows = copy.db.prepare(`SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq`).all(created.seq) as StoredAuditRow[];
    let prev = rows[0].prevHash;
    const update = copy.db.prepare(`UPDATE audit_event SET "after" = ?, prevHash = ?, hash = ? WHERE seq = ?`);
    copy.db.transaction(() => {
      for (const row of rows) {
        const after = row.seq === created.seq ? row.after.replace('"Anchor"', '"Renamed later"') : row.after;
        const hash = hashAuditEvent(prev, { ...row, after, at: new Date(row.at) });
        update.run(after, prev, hash, row.seq);
        prev = hash;
      }
    })();
    expect(rows[0].after).toContain('"Anchor"');
    expect(verifyStoredChain(copy.db.prepare(`SELECT * FROM audit_event ORDER BY seq`).iterate() as IterableIterator<StoredAuditRow>)).toMatchObject({ ok: true });
    const verdict = copy.verify();
    copy.db.close();
    expect(verdict.ok).toBe(false);
    expect(kinds(verdict)).toEqual(["chain-rewritten"]);
    expect(verdict.findings[0].message).toMatch(/^The chain was rewritten: event #\d+ no longer has the hash signed at .+ \(every hash in the chain is consistent: they were recomputed\)\./);
  });

  it("an edited event without rehashing breaks the chain at that event", async () => {
    const created = await lib.prisma.auditEvent.findFirstOrThrow({ where: { action: "project.create", projectId: project.id } });
    const copy = copyInstallation("edit");
    copy.db.prepare(`UPDATE audit_event SET actorName = 'Mallory' WHERE seq = ?`).run(created.seq);
    const verdict = copy.verify();
    copy.db.close();
    expect(verdict.findings[0]).toMatchObject({ kind: "chain-broken", seq: created.seq });
    expect(verdict.findings[0].message).toContain("its content does not match its hash");
  });
});

describe("tampering with step and run rows", () => {
  it("a direct UPDATE step_run is reported, naming the run and the step; putting it back clears it", async () => {
    const target = step("13");
    const raw = db.openRaw();
    const original = raw.prepare(`SELECT status, finishedAt, signedOffById, signedOffByName, signedOffAt FROM step_run WHERE runId = ? AND stepId = ?`).get(run.id, target.id) as Record<string, string | null>;
    expect(original.status).toBe("IN_PROGRESS");
    raw.prepare(`UPDATE step_run SET status = 'DONE', finishedAt = ?, signedOffById = ?, signedOffByName = 'Mallory', signedOffAt = ? WHERE runId = ? AND stepId = ?`).run(
      "2026-11-28T03:00:00.000+00:00",
      team.admin.id,
      "2026-11-28T03:00:00.000+00:00",
      run.id,
      target.id,
    );
    try {
      const verdict = (await lib.audit.verifyAuditTrailNow());
      expect(verdict.ok).toBe(false);
      expect(verdict.findings).toHaveLength(1);
      const finding = verdict.findings[0];
      expect(finding).toMatchObject({ kind: "step-state", runId: run.id, projectId: project.id });
      expect(finding.message).toContain(`Run “Anchored rehearsal” (Anchor), step “${target.title}”`);
      expect(finding.message).toContain("status is “DONE” in the row but “IN_PROGRESS” in the events");
      expect(finding.message).toContain("signed off by is “Mallory” in the row but nothing in the events");
    } finally {
      raw.prepare(`UPDATE step_run SET status = ?, finishedAt = ?, signedOffById = ?, signedOffByName = ?, signedOffAt = ? WHERE runId = ? AND stepId = ?`).run(
        original.status,
        original.finishedAt,
        original.signedOffById,
        original.signedOffByName,
        original.signedOffAt,
        run.id,
        target.id,
      );
      raw.close();
    }
    expect((await lib.audit.verifyAuditTrailNow())).toMatchObject({ ok: true, findings: [] });
  });

  it("a step nobody touched, marked skipped in the table, is reported as having no events", () => {
    const copy = copyInstallation("untouched");
    copy.db.prepare(`UPDATE step_run SET status = 'SKIPPED', reason = 'not needed' WHERE runId = ? AND stepId = ?`).run(run.id, step("20").id);
    const verdict = copy.verify();
    copy.db.close();
    expect(verdict.findings).toHaveLength(1);
    expect(verdict.findings[0].message).toContain(`step “${step("20").title}”: the step's row disagrees with its audit events (it has none): status is “SKIPPED” in the row but “PENDING” in the events; reason is “not needed” in the row but nothing in the events`);
  });

  it("a run marked completed in the table while its events say active is reported", () => {
    const copy = copyInstallation("run");
    copy.db.prepare(`UPDATE run SET status = 'COMPLETED', endedAt = '2026-11-28T04:00:00.000+00:00' WHERE id = ?`).run(run.id);
    const verdict = copy.verify();
    copy.db.close();
    expect(verdict.findings).toEqual([expect.objectContaining({ kind: "run-state", runId: run.id })]);
    expect(verdict.findings[0].message).toContain("Run “Anchored rehearsal” (Anchor): the run's row disagrees with its audit events");
    expect(verdict.findings[0].message).toContain("status is “COMPLETED” in the row but “ACTIVE” in the events");
  });
});

describe("tampering with the checkpoints", () => {
  const lines = (file: string) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);

  it("a checkpoint whose hash was changed no longer verifies", () => {
    const copy = copyInstallation("bad-sig");
    const all = lines(copy.checkpoints);
    const last = JSON.parse(all.at(-1)!) as AuditCheckpoint;
    all[all.length - 1] = JSON.stringify({ ...last, headHash: "f".repeat(64) });
    fs.writeFileSync(copy.checkpoints, `${all.join("\n")}\n`);
    const verdict = copy.verify();
    copy.db.close();
    expect(kinds(verdict)).toEqual(["bad-signature"]);
    expect(verdict.findings[0].message).toContain(`(event #${last.seq}`);
    expect(verdict.findings[0].message).toContain("has a signature that does not verify");
  });

  it("checkpoints signed with another key, and a rewritten chain signed with it, are reported", () => {
    const copy = copyInstallation("foreign");
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const mallory = { privateKey, publicKey, publicKeyPem: "", fingerprint: keyFingerprint(publicKey) };
    fs.appendFileSync(copy.checkpoints, `${JSON.stringify(signCheckpoint(mallory, { seq: 1, headHash: "a".repeat(64) }))}\n`);
    const verdict = copy.verify();
    expect(kinds(verdict)).toEqual(["unknown-key"]);
    expect(verdict.findings[0].message).toContain("is signed by an unknown key");
    // Checked with a different published key, every one of the installation's checkpoints is foreign.
    const withOther = copy.verify({ publicKey: generateKeyPairSync("ed25519").publicKey });
    copy.db.close();
    expect(withOther.ok).toBe(false);
    expect(new Set(kinds(withOther))).toEqual(new Set(["unknown-key"]));
  });

  it("a garbled line, an emptied file and a deleted file are each reported", () => {
    const garbled = copyInstallation("garbled");
    fs.appendFileSync(garbled.checkpoints, "{not json\n");
    expect(garbled.verify().findings).toEqual([expect.objectContaining({ kind: "bad-checkpoint" })]);
    fs.writeFileSync(garbled.checkpoints, "");
    expect(garbled.verify().findings).toEqual([expect.objectContaining({ kind: "no-checkpoints", message: expect.stringContaining("it was emptied") })]);
    fs.rmSync(garbled.checkpoints);
    expect(garbled.verify().findings).toEqual([expect.objectContaining({ kind: "no-checkpoints", message: expect.stringContaining("it was deleted") })]);
    garbled.db.close();
  });

  it("a missing signing key is reported", () => {
    const copy = copyInstallation("no-key");
    const verdict = verifyAuditTrail({ db: copy.db, paths: { ...auditAnchorPaths(path.join(path.dirname(db.file), "copy-no-key.db")), privateKey: path.join(path.dirname(db.file), "nowhere", ".audit-signing-key") } });
    copy.db.close();
    expect(kinds(verdict)).toEqual(["no-key"]);
  });
});
