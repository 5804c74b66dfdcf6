import path from "node:path";

/** Where the SQLite file lives: DATABASE_URL ("file:./x.db" or a path) or ./data/runsheet.db. */
export function resolveDatabasePath(url = process.env.DATABASE_URL): string {
  const raw = url && url.trim() !== "" ? url.trim() : "file:./data/runsheet.db";
  const withoutScheme = raw.startsWith("file:") ? raw.slice("file:".length) : raw;
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), withoutScheme);
}

/** The folder of the database file: files that belong with the data (the auth secret) are kept there. */
export function dataDirectory(): string {
  return path.dirname(resolveDatabasePath());
}
