import "server-only";
import fs from "node:fs";
import { prisma, sqlite } from "../platform/db/client";
import { isPostgres } from "../platform/db/dialect";
import { onAuditCommitted, type CommittedAudit } from "../platform/db/transaction";
import { auditAnchorBase } from "../platform/db/sqlite-path";
import { GENESIS_HASH } from "./chain";
import { appendCheckpoint, auditAnchorPaths, checkpointSignatureValid, loadOrCreateSigningKey, readCheckpointsAppended, signCheckpoint, type AuditCheckpoint, type AuditSigningKey, type CheckpointFileCursor } from "./checkpoint";
import { readAuditHeadSql, readAuditHashSql } from "./store.sqlite";

/*
 * Writes signed checkpoints of the chain's head (./checkpoint.ts) after commits that appended
 * audit events, batched so a sign-off never waits for a signature or an fsync: at most
 * FLUSH_AFTER_MS after the first unsigned event, at once after FLUSH_AFTER_EVENTS events, and at
 * once when a run ends (the record the change board gets). Whatever was committed in the last
 * few seconds before a crash is signed when the server starts again.
 */

const FLUSH_AFTER_MS = 5_000;
const FLUSH_AFTER_EVENTS = 100;

interface CheckpointerState {
  databasePath: string;
  key: AuditSigningKey | null;
  /** The newest checkpoint this process knows of (its own, or the file's newest at start). */
  lastSigned: { seq: number; headHash: string } | null;
  /** The newest committed event not signed yet. */
  pending: { seq: number; hash: string } | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Writes happen one after another. */
  writing: Promise<unknown>;
  /** How far this process has read the checkpoint file, and the newest valid checkpoint of this key in it so far. */
  scan: { cursor: CheckpointFileCursor | null; newest: AuditCheckpoint | null };
}

// On globalThis, like the commit listeners: one state per process, whichever bundle loaded this module.
const globalForCheckpoints = globalThis as unknown as { runsheetAuditCheckpoints?: CheckpointerState };

function state(): CheckpointerState {
  const databasePath = auditAnchorBase();
  let s = globalForCheckpoints.runsheetAuditCheckpoints;
  if (!s || s.databasePath !== databasePath) {
    if (s?.timer) clearTimeout(s.timer);
    s = globalForCheckpoints.runsheetAuditCheckpoints = { databasePath, key: null, lastSigned: null, pending: null, timer: null, writing: Promise.resolve(), scan: { cursor: null, newest: null } };
  }
  return s;
}

/** The key (created on first use) and the newest checkpoint already in the file, read once. */
function ensureKey(s: CheckpointerState): AuditSigningKey {
  if (s.key) return s.key;
  const { key } = loadOrCreateSigningKey(auditAnchorPaths(s.databasePath));
  s.key = key;
  const newest = newestCheckpointInFile(s);
  s.lastSigned = newest ? { seq: newest.seq, headHash: newest.headHash } : null;
  return key;
}

/**
 * The newest checkpoint in the file with a valid signature of this process's key (another
 * process, a restarted server or the CLI, may have appended since). Only what was appended since
 * the last call is read and checked (readCheckpointsAppended says why); a replaced or shortened
 * file is read again from the start.
 */
function newestCheckpointInFile(s: CheckpointerState): AuditCheckpoint | null {
  const key = s.key!;
  const { cursor, restarted, checkpoints } = readCheckpointsAppended(auditAnchorPaths(s.databasePath).checkpoints, s.scan.cursor);
  const newer = (a: AuditCheckpoint, b: AuditCheckpoint | null) => !b || a.seq > b.seq || (a.seq === b.seq && a.at > b.at);
  let newest = restarted ? null : s.scan.newest;
  // Newest first, so only the signatures that could win are checked (~0.13 ms each): at the
  // server's start the whole file is read, and usually its last line is the newest valid one.
  const candidates = checkpoints.filter((c) => c.key === key.fingerprint && newer(c, newest)).sort((a, b) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0));
  const valid = candidates.find((c) => checkpointSignatureValid(key.publicKey, c));
  if (valid) newest = valid;
  s.scan = { cursor, newest };
  return newest;
}

function onCommitted(audit: CommittedAudit): void {
  const s = state();
  if (!s.pending || audit.seq > s.pending.seq) s.pending = { seq: audit.seq, hash: audit.hash };
  const unsigned = s.pending.seq - (s.lastSigned?.seq ?? 0);
  if (audit.urgent || unsigned >= FLUSH_AFTER_EVENTS) {
    void flushAuditCheckpoint();
  } else if (!s.timer) {
    s.timer = setTimeout(() => void flushAuditCheckpoint(), FLUSH_AFTER_MS);
    // A pending checkpoint must not keep a script alive; the next start signs what is left.
    s.timer.unref?.();
  }
}

/** The chain's head: on SQLite through the direct connection, on PostgreSQL through Prisma (an async read there anyway). */
async function readAuditHead(): Promise<{ seq: number; hash: string } | null> {
  if (!isPostgres()) return readAuditHeadSql(sqlite()) ?? null;
  return prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, hash: true } });
}

async function readAuditHash(seq: number): Promise<string | null> {
  if (!isPostgres()) return readAuditHashSql(sqlite(), seq) ?? null;
  return (await prisma.auditEvent.findUnique({ where: { seq }, select: { hash: true } }))?.hash ?? null;
}

/** Registers the checkpointer with the transaction layer (idempotent). */
export function startAuditCheckpointer(): void {
  onAuditCommitted("audit-checkpoints", onCommitted);
}

/**
 * Signs `head` unless the newest checkpoint already covers it. Refuses (and says so in the log)
 * when the event of our own last checkpoint no longer has the hash we signed: signing on top of
 * a rewritten chain would only add a confusing second story; the old checkpoint keeps showing
 * the rewrite on the audit page.
 */
async function signHead(s: CheckpointerState, head: { seq: number; hash: string }): Promise<AuditCheckpoint | null> {
  const key = ensureKey(s);
  if (s.lastSigned && head.seq <= s.lastSigned.seq) return null;
  if (s.lastSigned && s.lastSigned.seq > 0 && (await readAuditHash(s.lastSigned.seq)) !== s.lastSigned.headHash) {
    console.error(`Runsheet audit: event #${s.lastSigned.seq} no longer has the hash signed for it; not signing the chain's new head. Run npm run audit:verify.`);
    return null;
  }
  const checkpoint = signCheckpoint(key, { seq: head.seq, headHash: head.hash });
  await appendCheckpoint(auditAnchorPaths(s.databasePath).checkpoints, checkpoint);
  s.lastSigned = { seq: head.seq, headHash: head.hash };
  return checkpoint;
}

/**
 * Signs the newest committed head now (after the writes already queued). `readHead` reads it from
 * the database rather than from the commits this process saw: at start-up, and for an export,
 * whose printed signed head must be the chain's head at that moment.
 */
export function flushAuditCheckpoint(options: { readHead?: boolean } = {}): Promise<AuditCheckpoint | null> {
  const s = state();
  if (s.timer) {
    clearTimeout(s.timer);
    s.timer = null;
  }
  const run = s.writing.then(async () => {
    const head = options.readHead ? ((await readAuditHead()) ?? { seq: 0, hash: GENESIS_HASH }) : s.pending;
    if (!head) return null;
    if (s.pending && s.pending.seq <= head.seq) s.pending = null;
    try {
      return await signHead(s, head);
    } catch (error) {
      // The database went away under us (a test's temporary folder): nothing left to anchor.
      if (!isPostgres() && !fs.existsSync(s.databasePath)) return null;
      console.error("Runsheet audit: writing a signed checkpoint failed", error);
      return null;
    }
  });
  s.writing = run;
  return run;
}

/** At start-up: the key exists from the first start on, and anything committed but unsigned (a crash, another process) is signed. */
export async function anchorAuditChainAtStartup(): Promise<void> {
  startAuditCheckpointer();
  ensureKey(state());
  await flushAuditCheckpoint({ readHead: true });
}

/** The newest checkpoint covering the chain's current head, signing it first if needed: what an export prints. */
export async function currentSignedHead(): Promise<{ checkpoint: AuditCheckpoint | null; fingerprint: string; publicKeyPem: string }> {
  const s = state();
  const signed = await flushAuditCheckpoint({ readHead: true });
  const key = ensureKey(s);
  if (signed) return { checkpoint: signed, fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem };
  // Already covered: the file's newest valid checkpoint.
  return { checkpoint: newestCheckpointInFile(s), fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem };
}

/** The public half of the signing key and its fingerprint (created on first use). */
export function auditPublicKey(): { fingerprint: string; publicKeyPem: string } {
  const key = ensureKey(state());
  return { fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem };
}
