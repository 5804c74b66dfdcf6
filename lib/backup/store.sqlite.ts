// No "server-only" import: the backup and restore commands (lib/cli/db-*.ts) run this outside Next.js.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import { GENESIS_HASH, verifyStoredChain, type StoredAuditRow } from "../audit/chain";
import { evidenceDirectory, evidencePath } from "../platform/storage/evidence";

/**
 * Online backups of the SQLite database, and their restore. Used by `npm run db:backup`, by the
 * server's continuous backup (schedule.ts) and by `npm run db:restore`.
 *
 * The copy uses SQLite's backup API (better-sqlite3 `db.backup`), which copies a consistent
 * snapshot while the app keeps writing: it holds a WAL read transaction, which blocks no writer,
 * and better-sqlite3 runs it off the main thread. It goes to `<dest>.partial`, is checked
 * (integrity_check in a worker thread; the audit hash chain in slices that yield to the event
 * loop, so a server doing this keeps answering sign-offs) and only then renamed: a file without
 * `.partial` is always a complete, verified backup.
 */

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

export interface BackupReport {
  source: string;
  destination: string;
  bytes: number;
  pages: number;
  copiedMs: number;
  totalMs: number;
  auditEvents: number;
  /** The audit chain's newest event in the copy (0: no events). */
  auditHeadSeq: number;
  auditHeadHash: string;
  evidence: { files: number; bytes: number; linked: number };
}

const SIDE_FILES = ["", "-wal", "-shm", "-journal"];

export function removeDatabaseFiles(file: string): void {
  for (const suffix of SIDE_FILES) fs.rmSync(file + suffix, { force: true });
}

/** 2026-11-25T01-02-03Z: sortable, and no colons (Windows shares, scp). */
export function backupTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

export async function backupDatabase(options: { source: string; destination: string; evidenceRoot?: string }): Promise<BackupReport> {
  const started = Date.now();
  const { source } = options;
  const destination = path.resolve(options.destination);
  if (!fs.existsSync(source)) throw new BackupError(`no database at ${source} (set DATABASE_URL=file:/path/to/runsheet.db).`);
  if (destination === path.resolve(source)) throw new BackupError("the destination is the live database itself.");
  if (fs.existsSync(destination)) throw new BackupError(`${destination} already exists; refusing to overwrite it.`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  removeDatabaseFiles(partial);

  // Not readonly: a WAL database's reader may need to create the -shm file. The backup only reads.
  const db = new Database(source, { fileMustExist: true, timeout: 5000 });
  let pages = 0;
  try {
    await db.backup(partial, {
      // Copy everything that is left in one step: one consistent snapshot, no restarts when the
      // app commits between steps.
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        return Math.max(remainingPages, 1);
      },
    });
  } catch (error) {
    removeDatabaseFiles(partial);
    throw new BackupError(`backup failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  const copiedMs = Date.now() - started;

  let chain: { count: number; headSeq: number; head: string };
  let evidence: BackupReport["evidence"];
  try {
    await integrityCheckOffThread(partial);
    chain = await verifyChainInSlices(partial);
    // One self-contained file: fold any WAL content back in (the app switches the restored file
    // back to WAL when it opens it).
    const copy = new Database(partial, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
      evidence = copyEvidence(copy, `${destination}.evidence`, options.evidenceRoot ?? evidenceDirectory());
    } finally {
      copy.close();
    }
  } catch (error) {
    removeDatabaseFiles(partial);
    fs.rmSync(`${destination}.evidence.partial`, { recursive: true, force: true });
    throw error instanceof BackupError ? error : new BackupError(`the copy did not verify: ${(error as Error).message}`);
  }
  fs.renameSync(partial, destination);
  return {
    source,
    destination,
    bytes: fs.statSync(destination).size,
    pages,
    copiedMs,
    totalMs: Date.now() - started,
    auditEvents: chain.count,
    auditHeadSeq: chain.headSeq,
    auditHeadHash: chain.head,
    evidence,
  };
}

/**
 * PRAGMA integrity_check reads every page: tens of milliseconds per 5 MB, all synchronous. In a
 * worker thread the server's main thread stays free for sign-offs. The worker is plain JavaScript
 * loaded from the app's folder (Next.js bundles server code, so a path relative to this module
 * would not exist in the build).
 */
function integrityCheckOffThread(file: string): Promise<void> {
  const workerFile = path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "backup", "integrity-check-worker.mjs");
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { workerData: { file } });
    worker.once("message", (result: { ok: true } | { ok: false; problems: string[] }) => {
      if (result.ok) resolve();
      else reject(new BackupError(`the copy did not verify: integrity_check: ${result.problems.slice(0, 5).join("; ")}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => code !== 0 && reject(new BackupError(`the integrity check stopped (exit code ${code}).`)));
  });
}

/** The audit chain of the copy, 2,000 events at a time with a pause for the event loop between. */
async function verifyChainInSlices(file: string): Promise<{ count: number; headSeq: number; head: string }> {
  const copy = new Database(file, { fileMustExist: true, readonly: true });
  try {
    const hasAudit = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_event'`).get();
    if (!hasAudit) return { count: 0, headSeq: 0, head: "" };
    const page = copy.prepare(`SELECT * FROM audit_event WHERE seq > ? ORDER BY seq LIMIT 2000`);
    let afterSeq = 0;
    let prevHash = GENESIS_HASH;
    let count = 0;
    for (;;) {
      const rows = page.all(afterSeq) as StoredAuditRow[];
      if (rows.length === 0) break;
      // Each slice is checked on its own, from the previous slice's last hash.
      const verdict = verifyStoredChain(rows, { startHash: prevHash });
      if (!verdict.ok) throw new BackupError(`the copy did not verify: audit chain broken at seq ${verdict.brokenAtSeq}: ${verdict.reason}`);
      count += verdict.count;
      prevHash = verdict.head;
      afterSeq = rows[rows.length - 1].seq;
      await yieldToEventLoop();
    }
    return { count, headSeq: afterSeq, head: count > 0 ? prevHash : "" };
  } finally {
    copy.close();
  }
}

/**
 * Every evidence file the copy records, into `target` (same layout as the evidence folder),
 * through a .partial folder renamed at the end. Files are content-addressed and never change, so
 * they are hard-linked when the folders share a file system (a backup every 15 minutes costs no
 * space for evidence) and copied otherwise. A missing or altered file fails the backup: a record
 * whose evidence can't be restored is not a complete backup.
 */
function copyEvidence(copy: Database.Database, target: string, evidenceRoot: string): BackupReport["evidence"] {
  const hasTable = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachment'`).get();
  if (!hasTable) return { files: 0, bytes: 0, linked: 0 };
  const hashes = (copy.prepare(`SELECT DISTINCT "sha256" FROM "attachment"`).all() as { sha256: string }[]).map((r) => r.sha256);
  if (hashes.length === 0) return { files: 0, bytes: 0, linked: 0 };
  return placeEvidence({ hashes, from: evidenceRoot, to: target });
}

/** Links or copies content-addressed evidence files from one folder to a new one, checking each hash. */
export function placeEvidence(options: { hashes: string[]; from: string; to: string; into?: "new-folder" | "existing-folder" }): BackupReport["evidence"] {
  const newFolder = (options.into ?? "new-folder") === "new-folder";
  const staging = newFolder ? `${options.to}.partial` : options.to;
  if (newFolder) fs.rmSync(staging, { recursive: true, force: true });
  let bytes = 0;
  let linked = 0;
  for (const sha256 of options.hashes) {
    const from = evidencePath(sha256, options.from);
    if (!fs.existsSync(from)) throw new BackupError(`evidence file ${sha256} is missing from ${options.from}.`);
    const data = fs.readFileSync(from);
    if (createHash("sha256").update(data).digest("hex") !== sha256) throw new BackupError(`evidence file ${sha256} no longer matches its SHA-256.`);
    const to = evidencePath(sha256, staging);
    if (fs.existsSync(to)) continue;
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      fs.linkSync(from, to);
      linked += 1;
    } catch {
      fs.writeFileSync(to, data);
    }
    bytes += data.byteLength;
  }
  if (newFolder) fs.renameSync(staging, options.to);
  return { files: options.hashes.length, bytes, linked };
}

export interface RestoreReport {
  backup: string;
  target: string;
  auditEvents: number;
  auditHeadSeq: number;
  evidence: { files: number; bytes: number; linked: number };
}

/**
 * Puts a backup in place of the database (and its evidence into the evidence folder). The app
 * must be stopped: a database another connection has open is refused (its lock is tested), so a
 * restore can't pull the file from under a running server. The backup is verified before anything
 * is touched, and the old database is kept beside it as `<name>.before-restore-<time>`.
 */
export async function restoreDatabase(options: { backup: string; target: string; evidenceRoot?: string }): Promise<RestoreReport> {
  const backup = path.resolve(options.backup);
  const target = path.resolve(options.target);
  if (!fs.existsSync(backup)) throw new BackupError(`no backup at ${backup}.`);
  if (backup === target) throw new BackupError("the backup is the database itself.");
  await integrityCheckOffThread(backup);
  const chain = await verifyChainInSlices(backup);
  const evidenceRoot = options.evidenceRoot ?? evidenceDirectory();
  const evidenceBackup = `${backup}.evidence`;
  const reader = new Database(backup, { readonly: true, fileMustExist: true });
  let hashes: string[] = [];
  try {
    const hasTable = reader.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachment'`).get();
    if (hasTable) hashes = (reader.prepare(`SELECT DISTINCT "sha256" FROM "attachment"`).all() as { sha256: string }[]).map((r) => r.sha256);
  } finally {
    reader.close();
  }
  const missing = hashes.filter((sha256) => !fs.existsSync(evidencePath(sha256, evidenceBackup)) && !fs.existsSync(evidencePath(sha256, evidenceRoot)));
  if (missing.length > 0) throw new BackupError(`${missing.length} evidence file(s) the backup records are neither in ${evidenceBackup} nor in ${evidenceRoot} (first: ${missing[0]}).`);

  if (fs.existsSync(target)) {
    assertNotInUse(target);
    const kept = `${target}.before-restore-${backupTimestamp()}`;
    // Checkpoint the WAL into the old file so the kept copy is whole on its own.
    const old = new Database(target, { fileMustExist: true });
    try {
      old.pragma("wal_checkpoint(TRUNCATE)");
    } finally {
      old.close();
    }
    fs.renameSync(target, kept);
  }
  removeDatabaseFiles(target);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const incoming = `${target}.restoring`;
  fs.copyFileSync(backup, incoming);
  fs.renameSync(incoming, target);

  // Evidence the live folder lacks comes from the backup's folder; what it has is already right
  // (content-addressed: the same name is the same bytes, and placeEvidence checks them).
  const fromBackup = hashes.filter((sha256) => !fs.existsSync(evidencePath(sha256, evidenceRoot)));
  const evidence = fromBackup.length > 0 ? placeEvidence({ hashes: fromBackup, from: evidenceBackup, to: evidenceRoot, into: "existing-folder" }) : { files: 0, bytes: 0, linked: 0 };
  return { backup, target, auditEvents: chain.count, auditHeadSeq: chain.headSeq, evidence: { ...evidence, files: hashes.length } };
}

/** Refuses a database that another process has open: a running server holds a read lock or the WAL. */
function assertNotInUse(file: string): void {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = EXCLUSIVE");
    // An exclusive write lock is granted only when no other connection reads or writes the file.
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
  } catch {
    throw new BackupError(`${file} is in use: stop the app before restoring.`);
  } finally {
    db.close();
  }
}
