import type Database from "better-sqlite3";
import type { KeyObject } from "node:crypto";
import type pg from "pg";
import { GENESIS_HASH, hashAuditEvent, type StoredAuditRow } from "./chain";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { auditAnchorPaths, checkpointSignatureValid, keyFingerprint, readCheckpoints, readSigningKey, shortFingerprint, type AuditAnchorPaths, type AuditCheckpoint, type CheckpointLine } from "./checkpoint";
import { AuditReplay, differences, pendingStep, runFields, stepFields, type StateDifference } from "./replay";
import { postgresAuditTrailSource } from "./store.verify.postgres";
import { hasAuditTables, inReadSnapshot, iterateAuditRows, listRunStates, listStepRunStates, type StoredRunState, type StoredStepRunState } from "./store.verify.sqlite";

/*
 * The full audit check, shared by the audit page and `npm run audit:verify`:
 *  1. the hash chain links and every hash matches its event;
 *  2. every signed checkpoint verifies with the installation's public key, and the event it names
 *     is still in the chain with the signed hash (a deleted tail or a rewritten, re-hashed chain
 *     fails here even though the chain itself is consistent);
 *  3. replaying the events gives each step run and run the state its row holds.
 * No "server-only" import (the CLI runs it with tsx); the caller passes the database handle.
 */

export type AuditFindingKind =
  | "chain-broken"
  | "tail-deleted"
  | "chain-rewritten"
  | "bad-signature"
  | "unknown-key"
  | "bad-checkpoint"
  | "no-key"
  | "no-checkpoints"
  | "step-state"
  | "run-state";

export interface AuditFinding {
  kind: AuditFindingKind;
  message: string;
  seq?: number;
  projectId?: string;
  runId?: string;
  stepRunId?: string;
}

export interface AuditTrailVerdict {
  ok: boolean;
  findings: AuditFinding[];
  events: number;
  head: { seq: number; hash: string } | null;
  anchor: {
    fingerprint: string | null;
    checkpoints: number;
    /** The newest valid checkpoint. */
    lastSigned: { seq: number; headHash: string; at: string } | null;
    firstSignedAt: string | null;
    /** Events newer than the last checkpoint: normal for a few seconds after a change. */
    unsignedEvents: number;
  };
  stepsChecked: number;
  runsChecked: number;
}

const LIST_LIMIT = 20;

/**
 * @param options.knownHeads heads known from outside this machine, such as the signed head printed
 *   in a PDF record: each event must still be in the chain with that hash. They catch what the
 *   checkpoint file alone can't: its newest lines removed together with the events they cover.
 */
export function verifyAuditTrail(options: { db: Database.Database; paths?: AuditAnchorPaths; publicKey?: KeyObject; knownHeads?: { seq: number; hash: string }[] }): AuditTrailVerdict {
  if (!hasAuditTables(options.db)) return NO_AUDIT_TABLES;
  const prepared = prepareVerification(options);
  const snapshot = inReadSnapshot(options.db, () => {
    const scanner = new ChainScanner(prepared.wanted);
    for (const row of iterateAuditRows(options.db)) scanner.add(row);
    return scanner.snapshot(listStepRunStates(options.db), listRunStates(options.db));
  });
  return concludeVerification(prepared, snapshot);
}

/**
 * Where verifyAuditTrailFrom reads: the same rows as the SQLite reads above, in the same shapes
 * (times as SQLite's text), all from one read snapshot. lib/audit/store.verify.postgres.ts is one.
 */
export interface AuditTrailSource {
  hasAuditTables(): Promise<boolean>;
  /** Calls `onRow` for every audit event in seq order, then returns the step runs and runs, all in one snapshot. */
  readSnapshot(onRow: (row: StoredAuditRow) => void): Promise<{ steps: StoredStepRunState[]; runs: StoredRunState[] }>;
}

/** The full check of a PostgreSQL database (the pool must read times as UTC: lib/platform/db/postgres-pool.ts). */
export function verifyPostgresAuditTrail(pool: pg.Pool, options: Parameters<typeof verifyAuditTrailFrom>[1] = {}): Promise<AuditTrailVerdict> {
  return verifyAuditTrailFrom(postgresAuditTrailSource(pool), options);
}

/** verifyAuditTrail over an asynchronous source (PostgreSQL): the same checks, the same verdict. */
export async function verifyAuditTrailFrom(source: AuditTrailSource, options: { paths?: AuditAnchorPaths; publicKey?: KeyObject; knownHeads?: { seq: number; hash: string }[] } = {}): Promise<AuditTrailVerdict> {
  if (!(await source.hasAuditTables())) return NO_AUDIT_TABLES;
  const paths = options.paths ?? auditAnchorPaths();
  const publicKey = options.publicKey ?? readSigningKey(paths)?.publicKey ?? null;
  const file = readCheckpoints(paths.checkpoints);
  const signatureVerdicts = publicKey ? await checkSignaturesInPieces(publicKey, file.lines) : undefined;
  const prepared = prepareVerification({ ...options, paths, publicKey: publicKey ?? undefined, file, signatureVerdicts });
  const scanner = new ChainScanner(prepared.wanted);
  const { steps, runs } = await source.readSnapshot((row) => scanner.add(row));
  return concludeVerification(prepared, scanner.snapshot(steps, runs));
}

const NO_AUDIT_TABLES: AuditTrailVerdict = {
  ok: false,
  findings: [{ kind: "chain-broken", message: "This database has no Runsheet audit tables." }],
  events: 0,
  head: null,
  anchor: { fingerprint: null, checkpoints: 0, lastSigned: null, firstSignedAt: null, unsignedEvents: 0 },
  stepsChecked: 0,
  runsChecked: 0,
};

type Prepared = ReturnType<typeof prepareVerification>;

/** Signatures checked per piece of checkSignaturesInPieces: ~13 ms of CPU. */
const SIGNATURES_PER_PIECE = 100;

/**
 * Checks the log's signatures of this key ahead of prepareVerification, in pieces with breaks for
 * the event loop between them, so that on a server the check never holds its thread for long.
 * Returns each line's verdict, which prepareVerification uses instead of checking again (a file of
 * forged lines would otherwise be checked there in one block).
 */
async function checkSignaturesInPieces(publicKey: KeyObject, lines: CheckpointLine[]): Promise<Map<number, boolean>> {
  const fingerprint = keyFingerprint(publicKey);
  const verdicts = new Map<number, boolean>();
  for (const entry of lines) {
    if ("error" in entry || entry.checkpoint.key !== fingerprint) continue;
    verdicts.set(entry.line, checkpointSignatureValid(publicKey, entry.checkpoint));
    if (verdicts.size % SIGNATURES_PER_PIECE === 0) await yieldToEventLoop();
  }
  return verdicts;
}

/**
 * The key and the checkpoints, read before the database: a checkpoint written meanwhile can then
 * only name events the snapshot read afterwards already holds.
 */
function prepareVerification(options: { paths?: AuditAnchorPaths; publicKey?: KeyObject; knownHeads?: { seq: number; hash: string }[]; file?: ReturnType<typeof readCheckpoints>; signatureVerdicts?: ReadonlyMap<number, boolean> }) {
  const paths = options.paths ?? auditAnchorPaths();
  const findings: AuditFinding[] = [];
  const publicKey = options.publicKey ?? readSigningKey(paths)?.publicKey ?? null;
  const fingerprint = publicKey ? keyFingerprint(publicKey) : null;
  const file = options.file ?? readCheckpoints(paths.checkpoints);
  const valid: (AuditCheckpoint & { line: number })[] = [];
  for (const entry of file.lines) {
    if ("error" in entry) {
      findings.push({ kind: "bad-checkpoint", message: `Line ${entry.line} of the checkpoint file is ${entry.error}: the file was edited.` });
      continue;
    }
    const c = entry.checkpoint;
    if (!publicKey) continue;
    if (c.key !== fingerprint) {
      findings.push({ kind: "unknown-key", seq: c.seq, message: `The checkpoint on line ${entry.line} (event #${c.seq}, ${c.at}) is signed by an unknown key (${shortFingerprint(c.key)}), not this installation's key (${shortFingerprint(fingerprint!)}).` });
    } else if (!(options.signatureVerdicts?.get(entry.line) ?? checkpointSignatureValid(publicKey, c))) {
      findings.push({ kind: "bad-signature", seq: c.seq, message: `The checkpoint on line ${entry.line} (event #${c.seq}, ${c.at}) has a signature that does not verify: it was altered or forged.` });
    } else {
      valid.push({ ...c, line: entry.line });
    }
  }
  const knownHeads = options.knownHeads ?? [];
  const wanted = new Set([...valid.map((c) => c.seq), ...knownHeads.map((h) => h.seq)]);
  return { paths, findings, publicKey, fingerprint, file, valid, knownHeads, wanted };
}

interface AuditSnapshot {
  replay: AuditReplay;
  hashes: Map<number, string>;
  broken: AuditFinding | null;
  count: number;
  head: { seq: number; hash: string } | null;
  steps: StoredStepRunState[];
  runs: StoredRunState[];
}

/** Walks the chain one event at a time (links, hashes, the checkpointed hashes, the replay). */
class ChainScanner {
  private readonly replay = new AuditReplay();
  private readonly hashes = new Map<number, string>();
  private expectedPrev = GENESIS_HASH;
  private broken: AuditFinding | null = null;
  private count = 0;
  private head: { seq: number; hash: string } | null = null;

  constructor(private readonly wanted: ReadonlySet<number>) {}

  add(row: StoredAuditRow): void {
    this.count++;
    if (!this.broken) {
      if (row.prevHash !== this.expectedPrev) this.broken = { kind: "chain-broken", seq: row.seq, message: `The hash chain is broken at event #${row.seq}: its link to the previous event does not match (an event before it was changed, removed or reordered).` };
      else if (hashAuditEvent(row.prevHash, { ...row, at: new Date(row.at) }) !== row.hash) this.broken = { kind: "chain-broken", seq: row.seq, message: `The hash chain is broken at event #${row.seq}: its content does not match its hash (the event was edited).` };
    }
    this.expectedPrev = row.hash;
    if (this.wanted.has(row.seq)) this.hashes.set(row.seq, row.hash);
    this.head = { seq: row.seq, hash: row.hash };
    this.replay.add(row);
  }

  snapshot(steps: StoredStepRunState[], runs: StoredRunState[]): AuditSnapshot {
    return { replay: this.replay, hashes: this.hashes, broken: this.broken, count: this.count, head: this.head, steps, runs };
  }
}

function concludeVerification(prepared: Prepared, snapshot: AuditSnapshot): AuditTrailVerdict {
  const { paths, findings, publicKey, fingerprint, file, valid, knownHeads } = prepared;
  if (snapshot.broken) findings.push(snapshot.broken);
  const { head } = snapshot;

  // ---- the anchor ------------------------------------------------------------------------------
  if (!publicKey) {
    if (snapshot.count > 0 || file.lines.length > 0) findings.push({ kind: "no-key", message: `There is no audit signing key at ${paths.privateKey}: the chain can't be checked against its signed checkpoints.` });
  } else if (valid.length === 0 && snapshot.count > 0 && !findings.some((f) => f.kind === "unknown-key" || f.kind === "bad-signature" || f.kind === "bad-checkpoint")) {
    findings.push({ kind: "no-checkpoints", message: file.exists ? "The checkpoint file holds no signed checkpoint although the chain has events: it was emptied." : `The checkpoint file ${paths.checkpoints} is missing although the chain has events: it was deleted.` });
  }
  const maxSeq = head?.seq ?? 0;
  const deletedTail = valid.filter((c) => c.seq > maxSeq).sort((a, b) => b.seq - a.seq);
  if (deletedTail.length > 0) {
    const newest = deletedTail[0];
    findings.push({ kind: "tail-deleted", seq: newest.seq, message: `Events were deleted from the end of the chain: it ends at event #${maxSeq}, but a checkpoint signed at ${newest.at} covers events up to #${newest.seq}.` });
  }
  const rewritten = valid
    .filter((c) => c.seq > 0 && c.seq <= maxSeq)
    .filter((c) => snapshot.hashes.get(c.seq) !== c.headHash)
    .sort((a, b) => a.seq - b.seq);
  if (rewritten.length > 0) {
    const first = rewritten[0];
    const missing = !snapshot.hashes.has(first.seq);
    findings.push({
      kind: "chain-rewritten",
      seq: first.seq,
      message: missing
        ? `Event #${first.seq}, covered by the checkpoint signed at ${first.at}, is missing from the chain.`
        : `The chain was rewritten: event #${first.seq} no longer has the hash signed at ${first.at}${snapshot.broken ? "" : " (every hash in the chain is consistent: they were recomputed)"}.${rewritten.length > 1 ? ` ${rewritten.length - 1} later checkpoint(s) disagree too.` : ""}`,
    });
  }
  for (const known of knownHeads) {
    const stored = snapshot.hashes.get(known.seq);
    if (stored === known.hash) continue;
    findings.push(
      known.seq > maxSeq
        ? { kind: "tail-deleted", seq: known.seq, message: `Events were deleted from the end of the chain: it ends at event #${maxSeq}, but the head #${known.seq} you gave (from an export) is later.` }
        : { kind: "chain-rewritten", seq: known.seq, message: stored === undefined ? `Event #${known.seq}, the head you gave (from an export), is missing from the chain.` : `Event #${known.seq} no longer has the hash you gave (from an export): the chain was rewritten.` },
    );
  }
  const lastSigned = valid.reduce<AuditCheckpoint | null>((best, c) => (!best || c.seq > best.seq || (c.seq === best.seq && c.at > best.at) ? c : best), null);
  const firstSignedAt = valid.reduce<string | null>((first, c) => (first === null || c.at < first ? c.at : first), null);

  // ---- replay: rows against their events ------------------------------------------------------------
  const stepFindings: AuditFinding[] = [];
  const seenSteps = new Set<string>();
  for (const row of snapshot.steps) {
    seenSteps.add(row.id);
    const expected = snapshot.replay.steps.get(row.id);
    const diffs = differences(stepFields, row, expected?.state ?? pendingStep);
    if (diffs.length === 0) continue;
    stepFindings.push({
      kind: "step-state",
      projectId: row.projectId,
      runId: row.runId,
      stepRunId: row.id,
      message: `Run “${row.runName}” (${row.projectName}), step “${row.title}”: the step's row disagrees with its audit events${expected ? ` (last #${expected.seq})` : " (it has none)"}: ${describe(diffs)}. It was changed outside Runsheet.`,
    });
  }
  for (const [id, expected] of snapshot.replay.steps) {
    if (seenSteps.has(id) || expected.state.status === "PENDING") continue;
    stepFindings.push({ kind: "step-state", projectId: expected.projectId ?? undefined, runId: expected.runId ?? undefined, stepRunId: id, message: `Step “${expected.label}” has audit events (last #${expected.seq}) but its row in the run is gone.` });
  }
  const seenRuns = new Set<string>();
  for (const row of snapshot.runs) {
    seenRuns.add(row.id);
    const expected = snapshot.replay.runs.get(row.id);
    if (!expected) {
      stepFindings.push({ kind: "run-state", projectId: row.projectId, runId: row.id, message: `Run “${row.name}” (${row.projectName}) has no “run started” event: it was added outside Runsheet.` });
      continue;
    }
    const diffs = differences(runFields, row, expected.state);
    if (diffs.length > 0) stepFindings.push({ kind: "run-state", projectId: row.projectId, runId: row.id, message: `Run “${row.name}” (${row.projectName}): the run's row disagrees with its audit events (last #${expected.seq}): ${describe(diffs)}.` });
  }
  for (const [id, expected] of snapshot.replay.runs) {
    if (!seenRuns.has(id)) stepFindings.push({ kind: "run-state", projectId: expected.projectId ?? undefined, runId: id, message: `Run “${expected.label}” has audit events but its row is gone.` });
  }
  findings.push(...stepFindings);

  return {
    ok: findings.length === 0,
    findings,
    events: snapshot.count,
    head,
    anchor: {
      fingerprint,
      checkpoints: valid.length,
      lastSigned: lastSigned ? { seq: lastSigned.seq, headHash: lastSigned.headHash, at: lastSigned.at } : null,
      firstSignedAt,
      unsignedEvents: lastSigned ? Math.max(0, maxSeq - lastSigned.seq) : snapshot.count,
    },
    stepsChecked: snapshot.steps.length,
    runsChecked: snapshot.runs.length,
  };
}

const FIELD_WORDS: Record<string, string> = {
  status: "status",
  startedAt: "started at",
  startedByName: "started by",
  finishedAt: "finished at",
  signedOffById: "signed off by (user id)",
  signedOffByName: "signed off by",
  signedOffAt: "signed off at",
  note: "note",
  reason: "reason",
  gateDecision: "decision",
  mode: "mode",
  endedAt: "ended at",
};

function describe(diffs: StateDifference[]): string {
  const show = (v: string | null) => (v === null || v === "" ? "nothing" : `“${v.length > 60 ? `${v.slice(0, 59)}…` : v}”`);
  return diffs
    .slice(0, 6)
    .map((d) => `${FIELD_WORDS[d.field] ?? d.field} is ${show(d.row)} in the row but ${show(d.events)} in the events`)
    .join("; ");
}

/** Findings as a report a person reads (the CLI prints it; tests read it). */
export function formatVerdict(verdict: AuditTrailVerdict, options: { limit?: number } = {}): string {
  const lines: string[] = [];
  const limit = options.limit ?? LIST_LIMIT;
  const a = verdict.anchor;
  lines.push(`Audit chain: ${verdict.events} event(s)${verdict.head ? `, head #${verdict.head.seq} ${verdict.head.hash}` : ""}.`);
  lines.push(
    a.fingerprint
      ? `Signing key: ${a.fingerprint} (${shortFingerprint(a.fingerprint)}). ${a.checkpoints} valid checkpoint(s)${a.lastSigned ? `, newest at ${a.lastSigned.at} covering event #${a.lastSigned.seq}` : ""}${a.unsignedEvents > 0 ? `; ${a.unsignedEvents} newer event(s) not signed yet` : ""}.`
      : "Signing key: none.",
  );
  lines.push(`Replayed ${verdict.stepsChecked} step run(s) and ${verdict.runsChecked} run(s) against their events.`);
  if (verdict.ok) {
    lines.push("OK: the chain is intact, matches every signed checkpoint, and every step and run agrees with its events.");
  } else {
    lines.push(`FAILED: ${verdict.findings.length} finding(s):`);
    for (const f of verdict.findings.slice(0, limit)) lines.push(`  - [${f.kind}] ${f.message}`);
    if (verdict.findings.length > limit) lines.push(`  … and ${verdict.findings.length - limit} more.`);
  }
  return lines.join("\n");
}
