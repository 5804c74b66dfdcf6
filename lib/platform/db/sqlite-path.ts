import path from "node:path";
import { databaseDialectOf } from "./dialect";

/**
 * Thrown for a DATABASE_URL this build can't serve. Without it "mysql://host/db" would be read as
 * a relative file path, and the app would quietly start on a new, empty SQLite file.
 */
export class UnsupportedDatabaseUrlError extends Error {
  constructor(url: string) {
    const scheme = url.slice(0, url.indexOf(":"));
    super(
      /^postgres(ql)?$/i.test(scheme)
        ? "DATABASE_URL points at PostgreSQL, which has no SQLite file: this path (backup, restore, the SQLite audit check) is for the embedded database only."
        : `DATABASE_URL must be a SQLite file ("file:./data/runsheet.db" or a path) or a PostgreSQL URL ("postgresql://user:password@host/db"), not a ${scheme}: URL.`,
    );
    this.name = "UnsupportedDatabaseUrlError";
  }
}

/** Where the SQLite file lives: DATABASE_URL ("file:./x.db" or a path) or ./data/runsheet.db. */
export function resolveDatabasePath(url = process.env.DATABASE_URL): string {
  const raw = url && url.trim() !== "" ? url.trim() : "file:./data/runsheet.db";
  // Any other scheme (two or more letters, so a Windows drive letter is still a path).
  if (!raw.startsWith("file:") && /^[a-z][a-z0-9+.-]+:/i.test(raw)) throw new UnsupportedDatabaseUrlError(raw);
  const withoutScheme = raw.startsWith("file:") ? raw.slice("file:".length) : raw;
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), withoutScheme);
}

/**
 * The folder for files that belong with the data: the auth secret, the audit signing key and its
 * checkpoints, evidence (unless RUNSHEET_EVIDENCE_DIR), backups. RUNSHEET_DATA_DIR when set; else
 * the SQLite file's folder, or ./data on PostgreSQL. Several instances on one PostgreSQL database
 * must share it (a network folder), so they sign with one key and read each other's evidence.
 */
export function dataDirectory(): string {
  const configured = process.env.RUNSHEET_DATA_DIR?.trim();
  if (configured) return path.resolve(/*turbopackIgnore: true*/ process.cwd(), configured);
  if (databaseDialectOf(process.env.DATABASE_URL) === "postgresql") return path.resolve(/*turbopackIgnore: true*/ process.cwd(), "data");
  return path.dirname(resolveDatabasePath());
}

/**
 * The name the audit checkpoint log is kept under: the SQLite file's path (its log sits next to
 * it), or <data directory>/postgres on PostgreSQL (the log shared by every instance).
 */
export function auditAnchorBase(): string {
  if (databaseDialectOf(process.env.DATABASE_URL) === "postgresql") return path.join(dataDirectory(), "postgres");
  return resolveDatabasePath();
}

/** Stops the server's start with one clear line when DATABASE_URL can't be served (instrumentation.ts). */
export function checkDatabaseUrlAtStart(): void {
  if (databaseDialectOf(process.env.DATABASE_URL) === "postgresql") return;
  try {
    resolveDatabasePath();
  } catch (error) {
    if (!(error instanceof UnsupportedDatabaseUrlError)) throw error;
    console.error(`Runsheet can't start. ${error.message}`);
    process.exit(1);
  }
}
