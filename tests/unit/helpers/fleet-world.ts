/**
 * A real, freshly migrated SQLite file for the fleet import tests, with one admin and a helper that
 * makes a project from the keep-hostname template. DATABASE_URL must be set before
 * lib/platform/db/client is first imported, so the lib modules are loaded in `openFleetWorld`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { importFleetInput } from "@/lib/fleet/schemas";

export interface FleetWorld {
  lib: {
    db: typeof import("@/lib/platform/db/client");
    fleet: typeof import("@/lib/fleet/service");
    projects: typeof import("@/lib/projects/service");
    runs: typeof import("@/lib/runs/service");
  };
  admin: { id: string; name: string; role: "ADMIN" };
  /** A project from the keep-hostname template, its window open now. */
  newProject: () => Promise<string>;
  importText: (projectId: string, text: string, extra?: { dryRun?: boolean; skipInvalid?: boolean }) => ReturnType<typeof import("@/lib/fleet/service").importFleetClients>;
  close: () => Promise<void>;
}

const fixtures = path.join(fileURLToPath(new URL("../../..", import.meta.url)), "tests", "unit", "fixtures");
/** A file of tests/unit/fixtures as text. */
export const fleetSample = (name: string) => fs.readFileSync(path.join(fixtures, name), "utf8");

export async function openFleetWorld(label: string): Promise<FleetWorld> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `runsheet-${label}-`));
  process.env.DATABASE_URL = `file:${path.join(tmp, "fleet.db")}`;
  delete (globalThis as { runsheetPrisma?: unknown }).runsheetPrisma;
  const lib: FleetWorld["lib"] = {
    db: await import("@/lib/platform/db/client"),
    fleet: await import("@/lib/fleet/service"),
    projects: await import("@/lib/projects/service"),
    runs: await import("@/lib/runs/service"),
  };
  const admin = { id: "u-admin", name: "Ada Admin", role: "ADMIN" as const };
  await lib.db.prisma.setting.update({ where: { key: "projectVisibility" }, data: { value: "all" } });
  await lib.db.prisma.user.create({ data: { id: admin.id, name: admin.name, email: "admin@test.local", role: admin.role } });
  let counter = 0;
  return {
    lib,
    admin,
    newProject: async () => {
      counter += 1;
      const now = Date.now();
      const project = await lib.projects.createProject({
        actor: admin,
        input: {
          name: `${label} ${counter}`,
          description: "",
          sourceHost: "nbu-master1",
          targetHost: "nbu-master2",
          product: "NetBackup",
          hostnameStrategy: "KEEP",
          mediaServers: [],
          timezone: "UTC",
          windowStart: new Date(now),
          windowEnd: new Date(now + 3_600_000),
          template: "netbackup-keep-hostname",
        },
      });
      return project.id;
    },
    importText: (projectId, text, extra = {}) => lib.fleet.importFleetClients({ actor: admin, projectId, input: importFleetInput.parse({ text, ...extra }) }),
    close: async () => {
      await lib.db.disconnectDatabase();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
