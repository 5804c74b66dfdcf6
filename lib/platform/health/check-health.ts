import "server-only";
import { z } from "zod";
import { DATABASE_PROVIDER, prisma } from "@/lib/platform/db/client";
import type { PrismaClient } from "@/lib/generated/prisma/client";

/**
 * Whether this instance can serve: it answers, and its database answers. A load balancer in front
 * of several instances asks this before it sends an instance traffic; the run page asks it when its
 * live stream fails, to tell "no network" (the request never arrives) from "the server is
 * restarting" (it arrives and says so).
 */
export const healthResult = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    database: z.object({ provider: z.enum(["sqlite", "postgresql"]), reachable: z.boolean() }),
  })
  .strict();
export type HealthResult = z.infer<typeof healthResult>;

export async function checkHealth(options: { client?: Pick<PrismaClient, "$queryRaw"> } = {}): Promise<HealthResult> {
  const client = options.client ?? prisma;
  let reachable = true;
  try {
    await client.$queryRaw`SELECT 1`;
  } catch {
    // Whatever the cause (file gone, server down, pool exhausted), this instance can't serve now.
    reachable = false;
  }
  return { status: reachable ? "ok" : "unavailable", database: { provider: DATABASE_PROVIDER, reachable } };
}
