import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { databaseDialectOf } from "@/lib/platform/db/dialect";
import { auditAnchorBase, dataDirectory, resolveDatabasePath, UnsupportedDatabaseUrlError } from "@/lib/platform/db/sqlite-path";

describe("databaseDialectOf", () => {
  it("is PostgreSQL for postgresql:// and postgres:// URLs, SQLite for everything else", () => {
    expect(databaseDialectOf("postgresql://runsheet@db.example.test:5432/runsheet")).toBe("postgresql");
    expect(databaseDialectOf(" POSTGRES://db/runsheet")).toBe("postgresql");
    for (const url of [undefined, "", "file:./data/x.db", "/srv/runsheet.db", "postgresql-data/x.db"]) expect(databaseDialectOf(url)).toBe("sqlite");
  });
});

describe("resolveDatabasePath", () => {
  it("reads file: URLs and plain paths, relative to the working folder", () => {
    expect(resolveDatabasePath("file:./data/x.db")).toBe(path.resolve("data/x.db"));
    expect(resolveDatabasePath("/srv/runsheet/runsheet.db")).toBe("/srv/runsheet/runsheet.db");
    expect(resolveDatabasePath("data/y.db")).toBe(path.resolve("data/y.db"));
    expect(resolveDatabasePath("")).toBe(path.resolve("data/runsheet.db"));
  });

  it("is for the SQLite file only: a PostgreSQL URL is refused, never read as a file name", () => {
    for (const url of ["postgresql://runsheet@db.example.test:5432/runsheet", "postgres://db/runsheet"]) {
      expect(() => resolveDatabasePath(url)).toThrow(UnsupportedDatabaseUrlError);
      expect(() => resolveDatabasePath(url)).toThrow(/DATABASE_URL points at PostgreSQL, which has no SQLite file/);
    }
  });

  it("refuses any other non-file scheme, naming both kinds it takes", () => {
    expect(() => resolveDatabasePath("mysql://db/runsheet")).toThrow(
      'DATABASE_URL must be a SQLite file ("file:./data/runsheet.db" or a path) or a PostgreSQL URL ("postgresql://user:password@host/db"), not a mysql: URL.',
    );
  });
});

describe("dataDirectory", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is the SQLite file's folder, or ./data on PostgreSQL, unless RUNSHEET_DATA_DIR says otherwise", () => {
    vi.stubEnv("RUNSHEET_DATA_DIR", "");
    vi.stubEnv("DATABASE_URL", "file:/srv/runsheet/db/runsheet.db");
    expect(dataDirectory()).toBe("/srv/runsheet/db");
    expect(auditAnchorBase()).toBe("/srv/runsheet/db/runsheet.db");
    vi.stubEnv("DATABASE_URL", "postgresql://db/runsheet");
    expect(dataDirectory()).toBe(path.resolve("data"));
    expect(auditAnchorBase()).toBe(path.resolve("data", "postgres"));
    vi.stubEnv("RUNSHEET_DATA_DIR", "/mnt/shared/runsheet");
    expect(dataDirectory()).toBe("/mnt/shared/runsheet");
    expect(auditAnchorBase()).toBe("/mnt/shared/runsheet/postgres");
  });
});
