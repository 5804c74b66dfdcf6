import "server-only";
import type { Tx } from "../platform/db/client";

/**
 * Ended runs keep a client as they recorded it: its facts are copied onto those runs' fleet rows
 * before its first later edit. Raw SQL on purpose: through Prisma the copy would also stamp the
 * rows' `updatedAt`, which the record prints as when each client was ticked.
 */
export async function freezeClientForEndedRuns(tx: Tx, client: { id: string; hostname: string; os: string; hardware: string; policy: string; owner: string }): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client_run" SET "hostname" = ?, "os" = ?, "hardware" = ?, "policy" = ?, "owner" = ?
      WHERE "clientId" = ? AND "hostname" IS NULL AND "runId" IN (SELECT "id" FROM "run" WHERE "status" <> 'ACTIVE')`,
    client.hostname,
    client.os,
    client.hardware,
    client.policy,
    client.owner,
    client.id,
  );
}

/**
 * Ids of the project's clients whose host name contains `q` literally, ignoring ASCII case. For a
 * q holding "_": LIKE (all Prisma's `contains` offers) would read it as "any one character".
 * instr() has no wildcards at all. Host names are ASCII (CLIENT_NAME_PATTERN), so lower() suffices.
 */
export async function clientIdsWithHostnameContaining(db: Pick<Tx, "$queryRawUnsafe">, options: { projectId: string; q: string }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(`SELECT "id" FROM "fleet_client" WHERE "projectId" = ? AND instr(lower("hostname"), lower(?)) > 0`, options.projectId, options.q);
  return rows.map((r) => r.id);
}
