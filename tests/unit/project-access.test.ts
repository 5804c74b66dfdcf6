/**
 * Per-project access: the rule (lib/platform/auth/permissions.ts effectiveProjectRole) and the
 * migration's choice of visibility: a new install shows projects to members only, an install
 * that already has projects keeps every project visible to everyone.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "@/lib/platform/db/migrate";
import { effectiveProjectRole, projectRoleAllows } from "@/lib/platform/auth/permissions";

const admin = { id: "a", role: "ADMIN" as const };
const operator = { id: "o", role: "OPERATOR" as const };
const viewer = { id: "v", role: "VIEWER" as const };

describe("a user's role in a project", () => {
  it("admins see and do everything, member or not, in either mode", () => {
    for (const visibility of ["members", "all"] as const) {
      expect(effectiveProjectRole(admin, { visibility, memberRole: null })).toBe("ADMIN");
      expect(effectiveProjectRole(admin, { visibility, memberRole: "VIEWER" })).toBe("ADMIN");
    }
  });

  it("a member gets the lower of their installation role and their project role", () => {
    expect(effectiveProjectRole(operator, { visibility: "members", memberRole: "OPERATOR" })).toBe("OPERATOR");
    expect(effectiveProjectRole(operator, { visibility: "members", memberRole: "VIEWER" })).toBe("VIEWER");
    expect(effectiveProjectRole(viewer, { visibility: "members", memberRole: "OPERATOR" })).toBe("VIEWER");
    expect(effectiveProjectRole(operator, { visibility: "all", memberRole: "VIEWER" })).toBe("VIEWER");
  });

  it("a non-member sees nothing with 'members', and keeps their installation role with 'all'", () => {
    expect(effectiveProjectRole(operator, { visibility: "members", memberRole: null })).toBeNull();
    expect(effectiveProjectRole(viewer, { visibility: "members", memberRole: null })).toBeNull();
    expect(effectiveProjectRole(operator, { visibility: "all", memberRole: null })).toBe("OPERATOR");
    expect(effectiveProjectRole(viewer, { visibility: "all", memberRole: null })).toBe("VIEWER");
  });

  it("view, operate and edit need viewer, operator and admin", () => {
    expect(["VIEWER", "OPERATOR", "ADMIN"].map((r) => projectRoleAllows(r as "VIEWER", "view"))).toEqual([true, true, true]);
    expect(["VIEWER", "OPERATOR", "ADMIN"].map((r) => projectRoleAllows(r as "VIEWER", "operate"))).toEqual([false, true, true]);
    expect(["VIEWER", "OPERATOR", "ADMIN"].map((r) => projectRoleAllows(r as "VIEWER", "edit"))).toEqual([false, false, true]);
  });
});

describe("the migration's visibility", () => {
  const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
  const migrationsDir = path.join(repoRoot, "prisma", "migrations");
  const MEMBERS = "20261201050000_project_members";
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runsheet-members-migration-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const before = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name < MEMBERS)
    .map((e) => e.name);

  function databaseBefore(name: string): string {
    const dir = path.join(tmp, `${name}-migrations`);
    for (const m of before) {
      fs.mkdirSync(path.join(dir, m), { recursive: true });
      fs.copyFileSync(path.join(migrationsDir, m, "migration.sql"), path.join(dir, m, "migration.sql"));
    }
    const file = path.join(tmp, `${name}.db`);
    applyMigrations({ databasePath: file, migrationsDir: dir });
    return file;
  }
  const visibilityOf = (file: string) => {
    const db = new Database(file);
    try {
      return db.prepare(`SELECT value FROM setting WHERE key = 'projectVisibility'`).get();
    } finally {
      db.close();
    }
  };

  it("a new install (no projects) shows projects to their members only", () => {
    const file = databaseBefore("empty");
    expect(applyMigrations({ databasePath: file, migrationsDir })).toContain(MEMBERS);
    expect(visibilityOf(file)).toEqual({ value: "members" });
  });

  it("an install that already has projects keeps every project visible to everyone", () => {
    const file = databaseBefore("upgraded");
    const db = new Database(file);
    const at = "2026-11-20T08:00:00.000+00:00";
    db.prepare(`INSERT INTO project (id, name, sourceHost, targetHost, timezone, windowStart, windowEnd, createdAt, updatedAt) VALUES ('p1', 'Old project', 'a', 'b', 'UTC', ?, ?, ?, ?)`).run(at, at, at, at);
    db.close();
    expect(applyMigrations({ databasePath: file, migrationsDir })).toContain(MEMBERS);
    expect(visibilityOf(file)).toEqual({ value: "all" });
  });
});
