import "server-only";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { backupDatabase, backupTimestamp } from "./service";
import { readBackupTriggersSql } from "./store.triggers.sqlite";
import { isPostgres } from "../platform/db/dialect";
import { dataDirectory, resolveDatabasePath } from "../platform/db/sqlite-path";

/**
 * Continuous backup of the embedded SQLite database, run by the server itself: a verified online
 * backup every RUNSHEET_BACKUP_EVERY_MINUTES (default 15) when anything was recorded since the
 * last one, and one as soon as a run ends (the finished record, as the change board will ask for
 * it). If the box dies during the Saturday window, the team restores the newest file in
 * data/backups on another machine (`npm run db:restore`) and loses at most the last interval.
 *
 * Files: `runsheet-<UTC time>.db` (interval) and `runsheet-<UTC time>-run-end.db`, each with its
 * `.evidence/` folder (hard links to the content-addressed evidence files, so they cost no
 * space). The newest RUNSHEET_BACKUP_KEEP interval backups are kept (default 96: a day at 15
 * minutes); run-end backups are kept until someone removes them. Point RUNSHEET_BACKUP_DIR at
 * another disk or a mounted share so a dead disk doesn't take the backups with it.
 */

const backupEnv = z.object({
  // "off": no automatic backups at all (benchmarks, throwaway test servers); 0: only at run ends.
  RUNSHEET_BACKUP_EVERY_MINUTES: z.union([z.literal("off"), z.coerce.number().min(0).max(24 * 60)]).default(15),
  RUNSHEET_BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(96),
  RUNSHEET_BACKUP_DIR: z.string().trim().min(1).optional(),
});

export interface BackupSettings {
  enabled: boolean;
  everyMs: number;
  keep: number;
  directory: string;
}

export function backupSettingsFromEnv(env: Record<string, string | undefined> = process.env): BackupSettings {
  const parsed = backupEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Backup settings: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  const { RUNSHEET_BACKUP_EVERY_MINUTES, RUNSHEET_BACKUP_KEEP, RUNSHEET_BACKUP_DIR } = parsed.data;
  return {
    enabled: RUNSHEET_BACKUP_EVERY_MINUTES !== "off",
    everyMs: RUNSHEET_BACKUP_EVERY_MINUTES === "off" ? 0 : Math.round(RUNSHEET_BACKUP_EVERY_MINUTES * 60_000),
    keep: RUNSHEET_BACKUP_KEEP,
    directory: path.resolve(RUNSHEET_BACKUP_DIR ?? path.join(dataDirectory(), "backups")),
  };
}

const FILE_NAME = /^runsheet-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z)(-run-end)?\.db$/;

function timeOfName(stamp: string): number {
  return Date.parse(stamp.replace(/T(\d{2})-(\d{2})-(\d{2})Z$/, "T$1:$2:$3Z"));
}

export interface BackupFile {
  file: string;
  at: number;
  runEnd: boolean;
}

/** The finished backups in the folder, oldest first (a `.partial` or foreign file is not one). */
export function listBackupFiles(directory: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = FILE_NAME.exec(name);
      return match ? [{ file: path.join(directory, name), at: timeOfName(match[1]), runEnd: Boolean(match[2]) }] : [];
    })
    .sort((a, b) => a.at - b.at || a.file.localeCompare(b.file));
}

/** What a tick decides, from the facts: pure, so the rules are tested with a fixed clock. */
export function backupDue(facts: {
  now: number;
  everyMs: number;
  last: { at: number; auditHeadSeq: number | null } | null;
  auditHeadSeq: number;
  lastRunEndedAt: number | null;
}): "run-end" | "interval" | null {
  const { last } = facts;
  if (facts.auditHeadSeq === 0) return null; // an empty database: nothing worth a file
  if (facts.lastRunEndedAt !== null && (last === null || facts.lastRunEndedAt >= last.at)) return "run-end";
  if (facts.everyMs <= 0) return null;
  if (last !== null && last.auditHeadSeq === facts.auditHeadSeq) return null; // nothing new since
  if (last === null || facts.now - last.at >= facts.everyMs) return "interval";
  return null;
}

/** The interval backups beyond the newest `keep` (run-end backups are never pruned here). */
export function backupsToPrune(files: BackupFile[], keep: number): BackupFile[] {
  const interval = files.filter((file) => !file.runEnd);
  return interval.slice(0, Math.max(0, interval.length - keep));
}

interface ScheduleState {
  timer: NodeJS.Timeout | null;
  running: boolean;
  last: { at: number; auditHeadSeq: number | null } | null;
  failedAt: number | null;
  lastResult: { at: string; file: string; ok: boolean; message: string } | null;
}

const globalForBackup = globalThis as unknown as { runsheetBackupSchedule?: ScheduleState };
const state: ScheduleState = (globalForBackup.runsheetBackupSchedule ??= { timer: null, running: false, last: null, failedAt: null, lastResult: null });

/** The newest result, for the admin page and logs. */
export function lastBackupResult(): ScheduleState["lastResult"] {
  return state.lastResult;
}

/** Starts the continuous backup in this process (the server). With an interval of 0 only run ends are backed up. */
export function startContinuousBackup(): void {
  if (state.timer) return;
  // PostgreSQL is backed up by its own tools (pg_basebackup and WAL archiving, or pg_dump): the
  // README's "PostgreSQL" section. This loop copies the SQLite file only.
  if (isPostgres()) return;
  const settings = backupSettingsFromEnv();
  if (!settings.enabled) return;
  // A restart continues from the newest file: its time counts, its content is unknown (null), so
  // the next interval backs up again only if the interval has passed.
  const newest = listBackupFiles(settings.directory).at(-1);
  state.last = newest ? { at: newest.at, auditHeadSeq: null } : null;
  const tickMs = Math.max(1000, Math.min(30_000, settings.everyMs > 0 ? settings.everyMs / 4 : 30_000));
  state.timer = setInterval(() => void runBackupTick({ settings }), tickMs);
  state.timer.unref();
}

/** One tick: back up when due, then prune. Never throws: a failure is logged and retried later. */
export async function runBackupTick(options: { settings?: BackupSettings; now?: () => number } = {}): Promise<BackupFile | null> {
  if (state.running) return null;
  const settings = options.settings ?? backupSettingsFromEnv();
  if (!settings.enabled) return null;
  const now = options.now ?? Date.now;
  // After a failure (disk full, share gone) wait a minute before the next try, not a tick.
  if (state.failedAt !== null && now() - state.failedAt < 60_000) return null;
  const triggers = readBackupTriggersSql();
  const reason = backupDue({ now: now(), everyMs: settings.everyMs, last: state.last, auditHeadSeq: triggers.auditHeadSeq, lastRunEndedAt: triggers.lastRunEndedAt?.getTime() ?? null });
  if (!reason) return null;
  state.running = true;
  const startedAt = now();
  // Whole seconds in the name: a second backup within the same second gets the next one.
  let at = Math.floor(startedAt / 1000) * 1000;
  while (listBackupFiles(settings.directory).some((file) => file.at === at)) at += 1000;
  const file = path.join(settings.directory, `runsheet-${backupTimestamp(new Date(at))}${reason === "run-end" ? "-run-end" : ""}.db`);
  try {
    const report = await backupDatabase({ source: resolveDatabasePath(), destination: file });
    // `at` is when the copy's snapshot began: a run that ended after it is backed up next tick.
    state.last = { at: startedAt, auditHeadSeq: report.auditHeadSeq };
    state.failedAt = null;
    state.lastResult = { at: new Date(startedAt).toISOString(), file, ok: true, message: `${reason} backup, ${report.auditEvents} audit events, ${(report.bytes / 1024 / 1024).toFixed(1)} MB in ${report.totalMs} ms` };
    for (const old of backupsToPrune(listBackupFiles(settings.directory), settings.keep)) {
      fs.rmSync(old.file, { force: true });
      fs.rmSync(`${old.file}.evidence`, { recursive: true, force: true });
    }
    return { file, at, runEnd: reason === "run-end" };
  } catch (error) {
    state.failedAt = now();
    state.lastResult = { at: new Date(startedAt).toISOString(), file, ok: false, message: (error as Error).message };
    console.error(`Runsheet: the ${reason} backup to ${file} failed: ${(error as Error).message}`);
    return null;
  } finally {
    state.running = false;
  }
}

/** Tests: forget the schedule's memory (a new "process"). */
export function resetBackupScheduleForTests(): void {
  if (state.timer) clearInterval(state.timer);
  Object.assign(state, { timer: null, running: false, last: null, failedAt: null, lastResult: null });
}
