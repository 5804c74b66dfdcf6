/**
 * `npm run db:backup [-- <destination.db>]`: an online backup of the Runsheet database.
 *
 * Uses SQLite's backup API (better-sqlite3 `db.backup`), which copies a consistent snapshot
 * page by page while the app keeps running and writing: it only holds a read transaction, and
 * in WAL mode readers never block the app's writer. The copy is written to `<dest>.partial`,
 * checked with `PRAGMA integrity_check` and the audit hash chain, and only then renamed to its
 * final name, so a file without `.partial` is always a complete, verified backup.
 *
 * Source: DATABASE_URL (file:…), else ./data/runsheet.db. Destination: the argument, else
 * data/backups/runsheet-<UTC timestamp>.db. Exit code 0 = verified backup written.
 *
 * Evidence files go to `<dest>.evidence/`, each checked against its SHA-256.
 *
 * Restore: stop the app, copy the backup over the DATABASE_URL file, delete that file's -wal
 * and -shm companions, copy the contents of `<backup>.evidence/` into the evidence folder
 * (data/evidence, or RUNSHEET_EVIDENCE_DIR), start the app.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { verifyStoredChain, type StoredAuditRow } from "../audit/chain";
import { createHash } from "node:crypto";
import { resolveDatabasePath } from "../platform/db/sqlite-path";
import { evidenceDirectory, evidencePath } from "../platform/storage/evidence";

function timestamp(date = new Date()): string {
  // 2026-11-25T01-02-03Z: sortable, and no colons (Windows shares, scp).
  return date.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/:/g, "-");
}

function fail(message: string): never {
  console.error(`db:backup: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => a !== "--");
  if (args.includes("--help") || args.includes("-h")) {
    console.log("Usage: npm run db:backup [-- <destination.db>]\nBacks up DATABASE_URL (default ./data/runsheet.db) to data/backups/runsheet-<timestamp>.db or <destination.db>.");
    return;
  }
  if (args.length > 1) fail("expected at most one argument, the destination file.");

  const source = resolveDatabasePath();
  if (!fs.existsSync(source)) fail(`no database at ${source} (set DATABASE_URL=file:/path/to/runsheet.db).`);
  const destination = path.resolve(args[0] ?? path.join("data", "backups", `runsheet-${timestamp()}.db`));
  if (destination === source) fail("the destination is the live database itself.");
  if (fs.existsSync(destination)) fail(`${destination} already exists; refusing to overwrite it.`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const partial = `${destination}.partial`;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(partial + suffix, { force: true });

  const started = Date.now();
  // Not readonly: a WAL database's reader may need to create the -shm file. The backup only reads.
  const db = new Database(source, { fileMustExist: true, timeout: 5000 });
  let pages = 0;
  try {
    await db.backup(partial, {
      // Copy everything that is left in one step: one consistent snapshot, no restarts when the
      // app commits between steps. Safe: it holds a WAL read transaction, which blocks no writer.
      progress: ({ totalPages, remainingPages }) => {
        pages = totalPages;
        return Math.max(remainingPages, 1);
      },
    });
  } catch (error) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(partial + suffix, { force: true });
    fail(`backup failed: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  const copiedMs = Date.now() - started;

  // Verify the copy on its own, exactly as a restore would open it.
  const copy = new Database(partial, { fileMustExist: true });
  let events = 0;
  let head = "";
  try {
    const integrity = (copy.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.length !== 1 || integrity[0] !== "ok") throw new Error(`integrity_check: ${integrity.slice(0, 5).join("; ")}`);
    const hasAudit = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_event'`).get();
    if (hasAudit) {
      const verdict = verifyStoredChain(copy.prepare(`SELECT * FROM audit_event ORDER BY seq`).iterate() as IterableIterator<StoredAuditRow>);
      if (!verdict.ok) throw new Error(`audit chain broken at seq ${verdict.brokenAtSeq}: ${verdict.reason}`);
      events = verdict.count;
      head = verdict.head;
    }
    // One self-contained file: fold any WAL content back in and stop using WAL for the copy's
    // own sake (the app switches it back to WAL when it opens it after a restore).
    copy.pragma("journal_mode = DELETE");
  } catch (error) {
    copy.close();
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(partial + suffix, { force: true });
    fail(`the copy did not verify: ${(error as Error).message}`);
  }
  // The evidence files the records point at, every one checked against its name (its SHA-256).
  let evidence: { files: number; bytes: number };
  try {
    evidence = copyEvidence(copy, `${destination}.evidence`);
  } catch (error) {
    copy.close();
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(partial + suffix, { force: true });
    fs.rmSync(`${destination}.evidence.partial`, { recursive: true, force: true });
    fail((error as Error).message);
  }
  copy.close();
  fs.renameSync(partial, destination);
  const bytes = fs.statSync(destination).size;

  console.log(`Backed up ${source}`);
  console.log(`       to ${destination}`);
  if (evidence.files > 0) console.log(`   and ${evidence.files} evidence file(s), ${(evidence.bytes / 1024 / 1024).toFixed(1)} MB, to ${destination}.evidence (each checked against its SHA-256)`);
  console.log(`${(bytes / 1024 / 1024).toFixed(1)} MB, ${pages} pages, copied in ${copiedMs} ms; integrity_check ok; audit chain ok (${events} events${head ? `, head ${head.slice(0, 16)}…` : ""}).`);
}

/**
 * Copies every evidence file the backed-up database records into `target` (same layout as the
 * evidence folder), through a .partial folder renamed at the end. A missing or altered file fails
 * the backup: a record whose evidence can't be restored is not a complete backup.
 */
function copyEvidence(copy: Database.Database, target: string): { files: number; bytes: number } {
  const hasTable = copy.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'attachment'`).get();
  if (!hasTable) return { files: 0, bytes: 0 };
  const hashes = (copy.prepare(`SELECT DISTINCT "sha256" FROM "attachment"`).all() as { sha256: string }[]).map((r) => r.sha256);
  if (hashes.length === 0) return { files: 0, bytes: 0 };
  const partial = `${target}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  let bytes = 0;
  for (const sha256 of hashes) {
    const from = evidencePath(sha256);
    if (!fs.existsSync(from)) throw new Error(`evidence file ${sha256} is missing from ${evidenceDirectory()}.`);
    const data = fs.readFileSync(from);
    if (createHash("sha256").update(data).digest("hex") !== sha256) throw new Error(`evidence file ${sha256} no longer matches its SHA-256.`);
    const to = evidencePath(sha256, partial);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, data);
    bytes += data.byteLength;
  }
  fs.renameSync(partial, target);
  return { files: hashes.length, bytes };
}

main().catch((error) => fail((error as Error).stack ?? String(error)));
