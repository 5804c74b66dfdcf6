import path from "node:path";

/**
 * Thrown for a DATABASE_URL this build can't serve. Without it "postgresql://host/db" would be
 * read as a relative file path, and the app would quietly start on a new, empty SQLite file.
 */
export class UnsupportedDatabaseUrlError extends Error {
  constructor(url: string) {
    const scheme = url.slice(0, url.indexOf(":"));
    super(
      /^postgres(ql)?$/i.test(scheme)
        ? "DATABASE_URL points at PostgreSQL, which this version can't run on yet: its schema and migrations are in prisma/postgres, but the app's data layer still speaks SQLite only (see the README, \"PostgreSQL\"). Use DATABASE_URL=file:./data/runsheet.db, or leave it unset."
        : `DATABASE_URL must be a SQLite file ("file:./data/runsheet.db" or a path), not a ${scheme}: URL.`,
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

/** The folder of the database file: files that belong with the data (the auth secret) are kept there. */
export function dataDirectory(): string {
  return path.dirname(resolveDatabasePath());
}

/** Stops the server's start with one clear line when DATABASE_URL can't be served (instrumentation.ts). */
export function checkDatabaseUrlAtStart(): void {
  try {
    resolveDatabasePath();
  } catch (error) {
    if (!(error instanceof UnsupportedDatabaseUrlError)) throw error;
    console.error(`Runsheet can't start. ${error.message}`);
    process.exit(1);
  }
}
