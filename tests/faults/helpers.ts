/**
 * Shared pieces of the fault tests: a seeded temporary database, direct SQLite checks (the
 * source of truth, read with plain better-sqlite3), and a pool of concurrent sign-off workers.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { verifyStoredChain, type ChainVerdict, type StoredAuditRow } from "../../lib/audit/chain";
import { seed, type SeedResult } from "../../bench/lib/server";
import { expect } from "vitest";
import { signOff, type JsonResponse } from "../../bench/lib/http";
import type { ReceivedWebhook, WebhookReceiver } from "../support/webhook-receiver";

export interface TestDatabase {
  dir: string;
  databasePath: string;
  seeded: SeedResult;
  cleanup: () => void;
}

/** A small seeded project (independent steps, a few operators) in its own temp directory. */
export function seededDatabase(options: { dir?: string; steps?: number; phases?: number; operators?: number; clients?: number } = {}): TestDatabase {
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-faults-"));
  const databasePath = path.join(dir, "runsheet.db");
  const seeded = seed({
    databasePath,
    args: ["--steps", String(options.steps ?? 120), "--phases", String(options.phases ?? 4), "--clients", String(options.clients ?? 20), "--operators", String(options.operators ?? 8), "--progress", "0"],
  });
  return { dir, databasePath, seeded, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function openDb(databasePath: string, options: { readonly?: boolean } = {}): Database.Database {
  const db = new Database(databasePath, { readonly: options.readonly ?? false, fileMustExist: true, timeout: 10_000 });
  return db;
}

export function integrityCheck(db: Database.Database): string {
  return (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
}

/** Recomputes the whole audit hash chain in seq order with lib/audit/chain.ts. */
export function verifyAuditChain(db: Database.Database): ChainVerdict {
  return verifyStoredChain(db.prepare(`SELECT * FROM audit_event ORDER BY seq`).iterate() as IterableIterator<StoredAuditRow>);
}

export interface StepRunRow {
  id: string;
  runId: string;
  stepId: string;
  status: string;
  signedOffById: string | null;
  version: number;
  updatedAt: string;
}

export function stepRun(db: Database.Database, runId: string, stepId: string): StepRunRow {
  return db.prepare(`SELECT id, runId, stepId, status, signedOffById, version, updatedAt FROM step_run WHERE runId = ? AND stepId = ?`).get(runId, stepId) as StepRunRow;
}

export function auditCountFor(db: Database.Database, entityId: string, action?: string): number {
  const row = (action
    ? db.prepare(`SELECT count(*) AS n FROM audit_event WHERE entityId = ? AND action = ?`).get(entityId, action)
    : db.prepare(`SELECT count(*) AS n FROM audit_event WHERE entityId = ?`).get(entityId)) as { n: number };
  return row.n;
}

/**
 * Sign-offs and their audit records agree: every DONE step run has exactly one `step.done`
 * event, and no step run has more than one. Returns the problems found (empty = consistent).
 */
export function signOffConsistency(db: Database.Database): string[] {
  const problems: string[] = [];
  const duplicates = db.prepare(`SELECT entityId, count(*) AS n FROM audit_event WHERE action = 'step.done' GROUP BY entityId HAVING n > 1`).all() as { entityId: string; n: number }[];
  for (const d of duplicates) problems.push(`step_run ${d.entityId} has ${d.n} step.done events`);
  const doneWithoutEvent = db
    .prepare(`SELECT sr.id FROM step_run sr WHERE sr.status = 'DONE' AND sr.gateDecision IS NULL AND NOT EXISTS (SELECT 1 FROM audit_event a WHERE a.entityId = sr.id AND a.action = 'step.done')`)
    .all() as { id: string }[];
  for (const d of doneWithoutEvent) problems.push(`step_run ${d.id} is DONE without a step.done event`);
  const eventWithoutDone = db
    .prepare(`SELECT a.entityId FROM audit_event a JOIN step_run sr ON sr.id = a.entityId WHERE a.action = 'step.done' AND sr.status <> 'DONE'`)
    .all() as { entityId: string }[];
  for (const d of eventWithoutDone) problems.push(`step_run ${d.entityId} has a step.done event but is not DONE`);
  return problems;
}

/** A stable fingerprint of everything a sign-off can change (and of sessions, which it must not). */
export function contentFingerprint(db: Database.Database): string {
  const parts = [
    db.prepare(`SELECT * FROM step_run ORDER BY id`).all(),
    db.prepare(`SELECT * FROM audit_event ORDER BY seq`).all(),
    db.prepare(`SELECT * FROM run ORDER BY id`).all(),
    db.prepare(`SELECT * FROM idempotency_key ORDER BY key`).all(),
  ];
  return JSON.stringify(parts);
}

export interface Ack {
  runId: string;
  stepId: string;
  userId: string;
  response: JsonResponse;
}

/**
 * `workers` concurrent clients, each an operator, signing off the next fresh step from a shared
 * queue until the queue is empty, `stop()` is called or the server goes away. Records every
 * response; a network error ends that worker (its last request has an unknown outcome).
 */
export function signOffWorkers(options: {
  baseUrl: string;
  runId: string;
  stepIds: string[];
  operators: { id: string; cookie: string }[];
  workers: number;
  timeoutMs?: number;
  onAck?: (ack: Ack) => void;
}) {
  const queue = [...options.stepIds];
  const acks: Ack[] = [];
  const others: Ack[] = [];
  const networkErrors: { stepId: string; error: string }[] = [];
  let stopped = false;
  const worker = async (index: number) => {
    const operator = options.operators[index % options.operators.length];
    while (!stopped) {
      const stepId = queue.shift();
      if (!stepId) return;
      try {
        const response = await signOff(options.baseUrl, operator.cookie, options.runId, stepId, options.timeoutMs);
        const ack = { runId: options.runId, stepId, userId: operator.id, response };
        if (response.status >= 200 && response.status < 300) {
          acks.push(ack);
          options.onAck?.(ack);
        } else {
          others.push(ack);
        }
      } catch (error) {
        networkErrors.push({ stepId, error: String((error as Error).cause ?? error) });
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  return {
    acks,
    others,
    networkErrors,
    done,
    stop: () => {
      stopped = true;
      return done;
    },
  };
}

/**
 * What a receiver must have seen after a crash test: every delivery row's id, and no other,
 * every request signed, each id always carrying the same event, and together exactly the
 * expected audit seqs. Returns the requests to `path` for the test's own further checks.
 */
export function expectEachEventOnceById(receiver: WebhookReceiver, options: { path: string; deliveryIds: string[]; expectedSeqs: number[] }): ReceivedWebhook[] {
  const mine = receiver.received.filter((r) => r.path === options.path);
  expect(mine.every((r) => r.verified)).toBe(true);
  expect([...new Set(mine.map((r) => r.id))].sort()).toEqual([...options.deliveryIds].sort());
  // Each id carries its own event, the same one every time it came.
  const seqById = new Map<string, number>();
  for (const r of mine) {
    const seq = (JSON.parse(r.body) as { data: { auditSeq: number } }).data.auditSeq;
    expect(seqById.get(r.id) ?? seq).toBe(seq);
    seqById.set(r.id, seq);
  }
  expect([...new Set(seqById.values())].sort((x, y) => x - y)).toEqual(options.expectedSeqs);
  return mine;
}
