import fs from "node:fs";
import path from "node:path";
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { auditAnchorBase, dataDirectory } from "../platform/db/sqlite-path";

/*
 * Signed checkpoints anchor the audit hash chain to a key that is not in the database file.
 *
 * The chain alone shows an edited event, but not a rewrite: whoever can write the database can
 * delete the newest events, or edit one and recompute every hash after it (the recipe is public,
 * on purpose). So every few seconds, and whenever a run ends, the server signs the chain's head
 * `{seq, headHash, at}` with an Ed25519 key kept next to the auth secret and appends it to a
 * file beside the database. A later check finds each signed seq still in the chain with the
 * signed hash, or says what happened. This module has no "server-only" import: the
 * `audit:verify` CLI uses it too.
 */

export interface AuditAnchorPaths {
  /** The private key (PKCS#8 PEM, mode 0600): RUNSHEET_AUDIT_SIGNING_KEY, else <data dir>/.audit-signing-key. */
  privateKey: string;
  /** The public key (SPKI PEM), published for anyone to verify: <private key without a leading dot>.pub. */
  publicKey: string;
  /** The append-only checkpoint log: <db dir>/<db file name>.audit-checkpoints.jsonl. */
  checkpoints: string;
}

export function auditAnchorPaths(databasePath = auditAnchorBase()): AuditAnchorPaths {
  const fromEnv = process.env.RUNSHEET_AUDIT_SIGNING_KEY?.trim();
  const privateKey = fromEnv ? path.resolve(fromEnv) : path.join(dataDirectory(), ".audit-signing-key");
  const publicKey = path.join(path.dirname(privateKey), `${path.basename(privateKey).replace(/^\./, "")}.pub`);
  return { privateKey, publicKey, checkpoints: `${databasePath}.audit-checkpoints.jsonl` };
}

export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  fingerprint: string;
}

/** SHA-256 (hex) of the public key's DER encoding: what the PDF and the audit page print. */
export function keyFingerprint(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex");
}

/** "3f2a 9c11 0b7e 45d2": the fingerprint's first 16 hex digits, grouped for reading aloud. */
export function shortFingerprint(fingerprint: string): string {
  return (fingerprint.slice(0, 16).match(/.{4}/g) ?? []).join(" ");
}

function fromPrivate(privateKey: KeyObject): AuditSigningKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(), fingerprint: keyFingerprint(publicKey) };
}

/** The installation's signing key, or null if there is none yet (never creates one). */
export function readSigningKey(paths = auditAnchorPaths()): AuditSigningKey | null {
  let pem: string;
  try {
    pem = fs.readFileSync(paths.privateKey, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`${paths.privateKey} is not an Ed25519 private key.`);
  return fromPrivate(privateKey);
}

/** A public key from a PEM file (an auditor verifying with the published key only). */
export function readPublicKey(file: string): KeyObject {
  const key = createPublicKey(fs.readFileSync(file, "utf8"));
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${file} is not an Ed25519 public key.`);
  return key;
}

/**
 * The signing key, created on first use like the auth secret (mode 0600, exclusive create so two
 * processes starting at once can't each write their own). The public key is written beside it.
 */
export function loadOrCreateSigningKey(paths = auditAnchorPaths()): { key: AuditSigningKey; created: boolean } {
  const existing = readSigningKey(paths);
  if (existing) {
    if (!fs.existsSync(paths.publicKey)) fs.writeFileSync(paths.publicKey, existing.publicKeyPem, { mode: 0o644 });
    return { key: existing, created: false };
  }
  const { privateKey } = generateKeyPairSync("ed25519");
  fs.mkdirSync(path.dirname(paths.privateKey), { recursive: true });
  try {
    fs.writeFileSync(paths.privateKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process created it between our read and our write: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateSigningKey(paths);
    throw error;
  }
  const key = fromPrivate(privateKey);
  fs.writeFileSync(paths.publicKey, key.publicKeyPem, { mode: 0o644 });
  return { key, created: true };
}

/** One signed checkpoint, one JSON line of the checkpoint file. */
export interface AuditCheckpoint {
  v: 1;
  /** The chain's newest event when signed (0 with the genesis hash: an empty chain). */
  seq: number;
  headHash: string;
  /** When it was signed, ISO 8601 UTC. */
  at: string;
  /** Fingerprint of the key that signed it. */
  key: string;
  /** Ed25519 signature (base64) over checkpointMessage(). */
  sig: string;
}

/** Exactly what is signed: a fixed, unambiguous layout (no JSON key-order questions). */
export function checkpointMessage(c: Pick<AuditCheckpoint, "seq" | "headHash" | "at" | "key">): Buffer {
  return Buffer.from(`runsheet-audit-checkpoint/v1\n${c.seq}\n${c.headHash}\n${c.at}\n${c.key}`, "utf8");
}

export function signCheckpoint(key: AuditSigningKey, head: { seq: number; headHash: string; at?: Date }): AuditCheckpoint {
  const unsigned = { seq: head.seq, headHash: head.headHash, at: (head.at ?? new Date()).toISOString(), key: key.fingerprint };
  return { v: 1, ...unsigned, sig: sign(null, checkpointMessage(unsigned), key.privateKey).toString("base64") };
}

/**
 * Signatures already found valid, per public key (by fingerprint: the same key is read into a new
 * KeyObject on every audit check). Checking one costs ~0.13 ms, and every audit check reads the
 * whole log again, so a log of 10,000 was 1.3 s of CPU each time. What decides validity is the
 * signed text and the signature, both part of the entry: an edited line is a new entry, checked.
 * Only valid ones are kept, so entries can't be added by feeding in forgeries.
 */
const validSignatures = new Map<string, Set<string>>();
const fingerprintOfKey = new WeakMap<KeyObject, string>();

export function checkpointSignatureValid(publicKey: KeyObject, c: AuditCheckpoint): boolean {
  let fingerprint = fingerprintOfKey.get(publicKey);
  if (fingerprint === undefined) {
    fingerprint = keyFingerprint(publicKey);
    fingerprintOfKey.set(publicKey, fingerprint);
  }
  const message = checkpointMessage(c);
  const entry = `${c.sig}\n${message.toString("utf8")}`;
  if (validSignatures.get(fingerprint)?.has(entry)) return true;
  let valid: boolean;
  try {
    valid = verify(null, message, publicKey, Buffer.from(c.sig, "base64"));
  } catch {
    valid = false;
  }
  if (valid) {
    if (!validSignatures.has(fingerprint)) validSignatures.set(fingerprint, new Set());
    validSignatures.get(fingerprint)!.add(entry);
  }
  return valid;
}

/**
 * Appends one checkpoint: opened with O_APPEND (every write lands at the end, even from two
 * processes), one write of one line, fsync'd before it counts. Off the request path: the
 * checkpointer calls it after commits, batched.
 */
export async function appendCheckpoint(file: string, checkpoint: AuditCheckpoint): Promise<void> {
  const handle = await fs.promises.open(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT, 0o644);
  try {
    await handle.write(`${JSON.stringify(checkpoint)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type CheckpointLine = { line: number; checkpoint: AuditCheckpoint } | { line: number; error: string };

const HEX64 = /^[0-9a-f]{64}$/;

/** Every line of the checkpoint file, parsed; [] if there is no file. Malformed lines are reported, not skipped. */
export function readCheckpoints(file: string): { exists: boolean; lines: CheckpointLine[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { exists: false, lines: [] };
    throw error;
  }
  const lines: CheckpointLine[] = [];
  text.split("\n").forEach((raw, index) => {
    if (raw.trim() === "") return;
    const parsed = parseCheckpointLine(raw);
    lines.push(typeof parsed === "string" ? { line: index + 1, error: parsed } : { line: index + 1, checkpoint: parsed });
  });
  return { exists: true, lines };
}

/** One line of the file as a checkpoint, or what is wrong with it. */
function parseCheckpointLine(raw: string): AuditCheckpoint | string {
  let c: Partial<AuditCheckpoint>;
  try {
    c = JSON.parse(raw) as Partial<AuditCheckpoint>;
  } catch {
    return "not valid JSON";
  }
  const ok =
    c !== null &&
    typeof c === "object" &&
    c.v === 1 &&
    Number.isSafeInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.headHash === "string" &&
    HEX64.test(c.headHash) &&
    typeof c.at === "string" &&
    !Number.isNaN(Date.parse(c.at)) &&
    typeof c.key === "string" &&
    HEX64.test(c.key) &&
    typeof c.sig === "string";
  return ok ? (c as AuditCheckpoint) : "not a checkpoint (fields missing or malformed)";
}

/** How far a reader of the checkpoint file got: which file (its inode) and the bytes read, to a line's end. */
export interface CheckpointFileCursor {
  ino: number;
  offset: number;
}

/**
 * The well-formed checkpoints appended to the file since `cursor`, and the cursor after them. From
 * the start (`restarted`) with no cursor, or when the file is no longer the one the cursor read:
 * another inode (replaced, restored) or shorter than what was read. A last line without its
 * newline yet is an append in progress (appendCheckpoint writes the line and its newline in one
 * write, from any process) and is left for the next read. Malformed lines are skipped: this is
 * for finding the newest checkpoint; the verifier (lib/audit/verify.ts) reads and reports all.
 *
 * A file rewritten in place, as long as before or longer, isn't noticed (nor a new file that got
 * the old one's inode): that only changes which checkpoint an export prints as the newest, and the
 * full check (lib/audit/verify.ts) reads the whole file every time.
 *
 * Why: the file only grows (a checkpoint every few seconds of activity, ~300 bytes each), and
 * checking a signature costs ~0.13 ms, so reading the whole file for every export would block the
 * server for over a second once it holds 10,000.
 */
export function readCheckpointsAppended(file: string, cursor: CheckpointFileCursor | null): { cursor: CheckpointFileCursor | null; restarted: boolean; checkpoints: AuditCheckpoint[] } {
  let handle: number;
  try {
    handle = fs.openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { cursor: null, restarted: cursor !== null, checkpoints: [] };
    throw error;
  }
  try {
    const stat = fs.fstatSync(handle);
    const restarted = cursor === null || cursor.ino !== stat.ino || stat.size < cursor.offset;
    const from = restarted ? 0 : cursor.offset;
    const bytes = Buffer.alloc(stat.size - from);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(handle, bytes, read, bytes.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    const complete = bytes.subarray(0, bytes.subarray(0, read).lastIndexOf(0x0a) + 1);
    const checkpoints: AuditCheckpoint[] = [];
    for (const raw of complete.toString("utf8").split("\n")) {
      if (raw.trim() === "") continue;
      const parsed = parseCheckpointLine(raw);
      if (typeof parsed !== "string") checkpoints.push(parsed);
    }
    return { cursor: { ino: stat.ino, offset: from + complete.length }, restarted, checkpoints };
  } finally {
    fs.closeSync(handle);
  }
}
