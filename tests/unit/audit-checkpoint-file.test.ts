/**
 * The checkpoint file is read for every export (the newest signed head). It only grows, so the
 * server reads what was appended since its last read (readCheckpointsAppended); these tests check
 * that such reads add up to the file: every checkpoint once, a half-written line left for later,
 * and a replaced or shortened file read again from the start.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash, generateKeyPairSync } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { keyFingerprint, readCheckpoints, readCheckpointsAppended, signCheckpoint, type AuditSigningKey } from "@/lib/audit/checkpoint";

const folder = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-checkpoint-file-"));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const key: AuditSigningKey = { privateKey, publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), fingerprint: keyFingerprint(publicKey) };
const line = (seq: number) => `${JSON.stringify(signCheckpoint(key, { seq, headHash: createHash("sha256").update(`event ${seq}`).digest("hex") }))}\n`;
let files = 0;
const newFile = (content: string) => {
  const file = path.join(folder, `checkpoints-${++files}.jsonl`);
  fs.writeFileSync(file, content);
  return file;
};
const seqs = (read: ReturnType<typeof readCheckpointsAppended>) => read.checkpoints.map((c) => c.seq);

describe("reading the checkpoint file by what was appended", () => {
  it("has nothing, and no cursor, while there is no file", () => {
    expect(readCheckpointsAppended(path.join(folder, "missing.jsonl"), null)).toEqual({ cursor: null, restarted: false, checkpoints: [] });
  });

  it("reads each checkpoint once across reads, and leaves a line still being written for the next read", () => {
    const file = newFile(line(0) + line(14) + line(31));
    const first = readCheckpointsAppended(file, null);
    expect(first.restarted).toBe(true);
    expect(seqs(first)).toEqual([0, 14, 31]);
    expect(first.cursor?.offset).toBe(fs.statSync(file).size);

    expect(seqs(readCheckpointsAppended(file, first.cursor))).toEqual([]);

    // Another process appends one line, and has written half of the next.
    const next = line(60);
    fs.appendFileSync(file, line(45) + next.slice(0, 40));
    const second = readCheckpointsAppended(file, first.cursor);
    expect(second.restarted).toBe(false);
    expect(seqs(second)).toEqual([45]);
    fs.appendFileSync(file, next.slice(40));
    const third = readCheckpointsAppended(file, second.cursor);
    expect(seqs(third)).toEqual([60]);
    expect(third.cursor?.offset).toBe(fs.statSync(file).size);

    // Together, the same checkpoints as reading the whole file.
    const whole = readCheckpoints(file).lines.map((l) => ("checkpoint" in l ? l.checkpoint : null));
    expect([...first.checkpoints, ...second.checkpoints, ...third.checkpoints]).toEqual(whole);
  });

  it("skips a malformed line and goes on after it", () => {
    const file = newFile(line(1) + "not json at all\n" + '{"v":1,"seq":"two"}\n' + line(3));
    expect(seqs(readCheckpointsAppended(file, null))).toEqual([1, 3]);
  });

  it("reads a shortened file from the start", () => {
    const file = newFile(line(5) + line(9) + line(12));
    const first = readCheckpointsAppended(file, null);
    fs.writeFileSync(file, line(5));
    const again = readCheckpointsAppended(file, first.cursor);
    expect(again.restarted).toBe(true);
    expect(seqs(again)).toEqual([5]);
  });

  it("reads a replaced file from the start, even when it is as long as the old one", () => {
    const file = newFile(line(100) + line(200));
    const first = readCheckpointsAppended(file, null);
    // A restore puts another file in its place: same length, other checkpoints.
    const restored = newFile(line(100) + line(300));
    expect(fs.statSync(restored).size).toBe(fs.statSync(file).size);
    fs.renameSync(restored, file);
    const again = readCheckpointsAppended(file, first.cursor);
    expect(again.restarted).toBe(true);
    expect(seqs(again)).toEqual([100, 300]);
  });

  it("starts over when the file is gone", () => {
    const file = newFile(line(7));
    const first = readCheckpointsAppended(file, null);
    fs.rmSync(file);
    expect(readCheckpointsAppended(file, first.cursor)).toEqual({ cursor: null, restarted: true, checkpoints: [] });
  });
});
