import "server-only";
import type { prisma, Tx } from "../platform/db/client";
import { clientFamily } from "./model";

/**
 * The project's agentless clients (VMs and filers listed by a VMware, Hyper-V or NDMP policy),
 * which bp.conf and connectivity fleet steps leave out. Classified in JavaScript from OS and
 * hardware (lib/fleet/model.ts), so the rule lives in one place; 5,000 clients take milliseconds.
 */
export async function agentlessClientIds(db: Tx | typeof prisma, options: { projectId: string; clientIds?: readonly string[] }): Promise<string[]> {
  const clients = await db.fleetClient.findMany({
    where: { projectId: options.projectId, ...(options.clientIds ? { id: { in: [...options.clientIds] } } : {}) },
    select: { id: true, os: true, hardware: true },
  });
  return clients.filter((c) => clientFamily(c) === "AGENTLESS").map((c) => c.id);
}
