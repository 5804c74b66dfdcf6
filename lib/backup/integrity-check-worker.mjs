// @ts-check
/**
 * Worker thread of lib/backup/store.sqlite.ts: runs PRAGMA integrity_check on a backup copy away
 * from the server's main thread, and posts { ok } or { ok: false, problems } once the file is
 * closed again (the caller's next step changes the copy's journal mode, which needs it unlocked).
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { fileMustExist: true, readonly: true });
let problems;
try {
  problems = /** @type {{ integrity_check: string }[]} */ (db.pragma("integrity_check")).map((row) => row.integrity_check);
} finally {
  db.close();
}
parentPort?.postMessage(problems.length === 1 && problems[0] === "ok" ? { ok: true } : { ok: false, problems });
