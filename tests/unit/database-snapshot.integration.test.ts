/**
 * The "nothing was written" check of the access matrices and the fuzz test
 * (helpers/database-snapshot.ts), on whichever database this run uses: if it missed a write, those
 * tests would pass over a refused request that changed data.
 */
import type Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseHash, databaseSnapshotter } from "./helpers/database-snapshot";
import { createTeam } from "./helpers/db-fixtures";
import { openTestDatabase, type TestDatabase } from "./helpers/db-setup";

let db: TestDatabase;
let raw: Database.Database;
let userId: string;
beforeAll(async () => {
  db = await openTestDatabase("database-snapshot");
  raw = db.openRaw();
  userId = (await createTeam(db.lib)).operator.id;
}, 60_000);
afterAll(async () => {
  raw?.close();
  await db?.close();
});

const rename = (name: string) => raw.prepare(`UPDATE "user" SET "name" = ? WHERE "id" = ?`).run(name, userId);

describe("the database hash", () => {
  it("is the same for the same data and changes with one changed value", () => {
    const before = databaseHash(raw);
    expect(databaseHash(raw)).toBe(before);
    rename("Renamed behind the app's back");
    const after = databaseHash(raw);
    expect(after).not.toBe(before);
    expect(after).toMatch(/^[0-9a-f]{64}$/);
  });

  it("leaves out the columns it is told to ignore, and only those", () => {
    const ignoringNames = databaseHash(raw, { user: ["name"] });
    rename("Renamed again");
    expect(databaseHash(raw, { user: ["name"] })).toBe(ignoringNames);
    raw.prepare(`UPDATE "user" SET "email" = ? WHERE "id" = ?`).run("moved@example.test", userId);
    expect(databaseHash(raw, { user: ["name"] })).not.toBe(ignoringNames);
  });

  it("a snapshot taken after the app wrote shows it; one without a write in between is unchanged", async () => {
    // The snapshot watches the raw connection for other connections' commits, as the matrices
    // do with the app's writes; so the write here goes through the app's own client.
    const snapshot = databaseSnapshotter(raw);
    const first = snapshot();
    // The hash, not the version: on PostgreSQL the version is the cluster's WAL position, which
    // other test files' databases move too.
    expect(snapshot().hash).toBe(first.hash);
    await db.lib.prisma.user.update({ where: { id: userId }, data: { name: "Renamed by the app" } });
    expect(snapshot().hash).not.toBe(first.hash);
  });
});
