/**
 * Which database this process runs on, from DATABASE_URL: "postgresql://…" (or "postgres://…")
 * is PostgreSQL; unset, "file:…" or a path is the embedded SQLite file. Decided once per process:
 * every store module asks here which of its two versions to use.
 */
export type DatabaseDialect = "sqlite" | "postgresql";

export function databaseDialectOf(url: string | undefined): DatabaseDialect {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim()) ? "postgresql" : "sqlite";
}

export function databaseDialect(): DatabaseDialect {
  return databaseDialectOf(process.env.DATABASE_URL);
}

export function isPostgres(): boolean {
  return databaseDialect() === "postgresql";
}

/** The PostgreSQL connection string (only when isPostgres()). */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url || databaseDialectOf(url) !== "postgresql") throw new Error("postgresUrl() is only for DATABASE_URL=postgresql://…");
  return url.trim();
}
