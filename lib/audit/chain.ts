import { createHash } from "node:crypto";

/**
 * The audit log is a hash chain: each event stores the SHA-256 of the one before it and its own
 * hash over its content plus that link. Changing, deleting or reordering any event breaks every
 * hash after it, so `verifyAuditChain` finds tampering.
 */
export const GENESIS_HASH = "0".repeat(64);

export interface AuditContent {
  at: Date;
  actorId: string | null;
  actorName: string;
  projectId: string | null;
  runId: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: string;
  after: string;
}

export function hashAuditEvent(prevHash: string, event: AuditContent): string {
  return createHash("sha256").update(canonicalPrefix(prevHash) + canonicalTail(event)).digest("hex");
}

/*
 * What is hashed is JSON.stringify([prevHash, at, actorId, …, after]), in that fixed order
 * (JSON.stringify of an object literal would depend on insertion order). It is built in two parts
 * so that PostgreSQL's append can hash it in SQL while it reads the head (lib/audit/store.postgres.ts):
 * a hash is 64 hex digits, which JSON never escapes, so the array's text is the prefix below
 * followed by the tail. A unit test holds the two forms equal.
 */
export function canonicalPrefix(prevHash: string): string {
  return `["${prevHash}",`;
}

/** Everything of the canonical array after the previous hash: `…,after]`. */
export function canonicalTail(event: AuditContent): string {
  return JSON.stringify([event.at.toISOString(), event.actorId, event.actorName, event.projectId, event.runId, event.action, event.entityType, event.entityId, event.before, event.after]).slice(1);
}

export type ChainVerdict = { ok: true; count: number; head: string } | { ok: false; brokenAtSeq: number; reason: string };

/** Checks events in order; `startHash` is the hash before the first one (a later slice of the chain). */
export function verifyChain(events: Iterable<AuditContent & { seq: number; prevHash: string; hash: string }>, options: { startHash?: string } = {}): ChainVerdict {
  let expectedPrev = options.startHash ?? GENESIS_HASH;
  let count = 0;
  for (const event of events) {
    if (event.prevHash !== expectedPrev) {
      return { ok: false, brokenAtSeq: event.seq, reason: "link to the previous event does not match" };
    }
    if (hashAuditEvent(event.prevHash, event) !== event.hash) {
      return { ok: false, brokenAtSeq: event.seq, reason: "content does not match its hash" };
    }
    expectedPrev = event.hash;
    count++;
  }
  return { ok: true, count, head: expectedPrev };
}

/** An audit_event row as a raw SQLite driver returns it: times are text. */
export interface StoredAuditRow extends Omit<AuditContent, "at"> {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

/** verifyChain over rows read straight from SQLite (backups, fault tests), streaming. */
export function verifyStoredChain(rows: Iterable<StoredAuditRow>, options: { startHash?: string } = {}): ChainVerdict {
  return verifyChain(
    (function* () {
      for (const row of rows) yield { ...row, at: new Date(row.at) };
    })(),
    options,
  );
}

/** JSON for the before/after columns: stable, compact, dates as ISO strings. */
export function snapshot(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export interface AuditInput {
  actor: { id: string; name: string } | null;
  projectId: string | null;
  runId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

/** The next link of the chain: the event as stored, with the hash that ties it to the previous one. */
export function chainLink(prevHash: string, input: AuditInput) {
  const content = auditContent(input);
  return { content, prevHash, hash: hashAuditEvent(prevHash, content) };
}

/**
 * The event as stored, stamped now, without its link. Text fields are made well-formed first: a
 * lone surrogate would be hashed as JSON's "\ud800" escape but stored as U+FFFD by either
 * database, and the stored row would no longer match its hash. (before/after are JSON already.)
 */
export function auditContent(input: AuditInput): AuditContent {
  const text = (value: string) => value.toWellFormed();
  const optional = (value: string | null) => (value === null ? null : value.toWellFormed());
  return {
    at: new Date(),
    actorId: optional(input.actor?.id ?? null),
    actorName: text(input.actor?.name ?? "system"),
    projectId: optional(input.projectId),
    runId: optional(input.runId ?? null),
    action: text(input.action),
    entityType: text(input.entityType),
    entityId: text(input.entityId),
    before: snapshot(input.before),
    after: snapshot(input.after),
  };
}
