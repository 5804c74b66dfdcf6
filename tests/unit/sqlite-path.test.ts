import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveDatabasePath, UnsupportedDatabaseUrlError } from "@/lib/platform/db/sqlite-path";

describe("resolveDatabasePath", () => {
  it("reads file: URLs and plain paths, relative to the working folder", () => {
    expect(resolveDatabasePath("file:./data/x.db")).toBe(path.resolve("data/x.db"));
    expect(resolveDatabasePath("/srv/runsheet/runsheet.db")).toBe("/srv/runsheet/runsheet.db");
    expect(resolveDatabasePath("data/y.db")).toBe(path.resolve("data/y.db"));
    expect(resolveDatabasePath("")).toBe(path.resolve("data/runsheet.db"));
  });

  it("refuses a PostgreSQL URL with a clear message instead of creating a file named after it", () => {
    for (const url of ["postgresql://runsheet@db.example.test:5432/runsheet", "postgres://db/runsheet"]) {
      expect(() => resolveDatabasePath(url)).toThrow(UnsupportedDatabaseUrlError);
      expect(() => resolveDatabasePath(url)).toThrow(/DATABASE_URL points at PostgreSQL, which this version can't run on yet/);
    }
  });

  it("refuses any other non-file scheme", () => {
    expect(() => resolveDatabasePath("mysql://db/runsheet")).toThrow('DATABASE_URL must be a SQLite file ("file:./data/runsheet.db" or a path), not a mysql: URL.');
  });
});
