import "server-only";
import type { Tx } from "../platform/db/client";
import type { NewFleetClient } from "./store.sqlite";

/*
 * ./store.sqlite.ts on PostgreSQL, through the same Prisma transaction (the PostgreSQL client's):
 * `$n` placeholders, text[] and jsonb where SQLite used json_each and json_extract, strpos where it
 * used instr. tests/unit/store-contract.integration.test.ts holds both to the same results.
 */

/** Ended runs keep a client as they recorded it: its facts are copied onto those runs' fleet rows before its first later edit. */
export async function freezeClientForEndedRuns(tx: Tx, client: { id: string; hostname: string; networkHostname: string; os: string; hardware: string; policy: string; owner: string }): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client_run" SET "hostname" = $1, "networkHostname" = $2, "os" = $3, "hardware" = $4, "policy" = $5, "owner" = $6
      WHERE "clientId" = $7 AND "hostname" IS NULL AND "runId" IN (SELECT "id" FROM "run" WHERE "status" <> 'ACTIVE')`,
    client.hostname,
    client.networkHostname,
    client.os,
    client.hardware,
    client.policy,
    client.owner,
    client.id,
  );
}

/** freezeClientForEndedRuns for many clients at once, from their rows as they are now. */
export async function freezeClientsForEndedRuns(tx: Tx, clientIds: readonly string[]): Promise<number> {
  if (clientIds.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client_run" AS r
        SET "hostname" = c."hostname", "networkHostname" = c."networkHostname", "os" = c."os", "hardware" = c."hardware", "policy" = c."policy", "owner" = c."owner"
       FROM "fleet_client" AS c
      WHERE c."id" = r."clientId" AND r."hostname" IS NULL
        AND r."clientId" = ANY($1::text[])
        AND r."runId" IN (SELECT "id" FROM "run" WHERE "status" <> 'ACTIVE')`,
    [...clientIds],
  );
}

/** A re-import's filled-in fields, all clients in one statement. A field missing from a client's `changes` keeps its value. */
export async function fillClientFields(tx: Tx, fills: readonly { id: string; changes: Partial<Record<"networkHostname" | "os" | "hardware" | "policy" | "owner", string>> }[]): Promise<number> {
  if (fills.length === 0) return 0;
  const set = (["networkHostname", "os", "hardware", "policy", "owner"] as const).map((f) => `"${f}" = coalesce(j."value"->>'${f}', c."${f}")`).join(", ");
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client" AS c SET ${set}, "updatedAt" = $1::timestamp
       FROM jsonb_array_elements($2::jsonb) AS j("value")
      WHERE c."id" = j."value"->>'id'`,
    new Date().toISOString(),
    JSON.stringify(fills.map((f) => ({ id: f.id, ...f.changes }))),
  );
}

/** Ids of the project's clients whose host name contains `q` literally, ignoring ASCII case (strpos has no wildcards). */
export async function clientIdsWithHostnameContaining(db: Pick<Tx, "$queryRawUnsafe">, options: { projectId: string; q: string }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "fleet_client" WHERE "projectId" = $1 AND (strpos(lower("hostname"), lower($2)) > 0 OR strpos(lower("networkHostname"), lower($2)) > 0)`,
    options.projectId,
    options.q,
  );
  return rows.map((r) => r.id);
}

/** insertFleetClients on PostgreSQL: one statement; ids as SQLite's ("c" and 24 hex characters). */
export async function insertFleetClients(tx: Tx, options: { projectId: string; clients: readonly NewFleetClient[] }): Promise<{ id: string; hostname: string; os: string; hardware: string }[]> {
  if (options.clients.length === 0) return [];
  return tx.$queryRawUnsafe(
    `INSERT INTO "fleet_client" ("id", "projectId", "hostname", "networkHostname", "os", "hardware", "policy", "owner", "createdAt", "updatedAt")
     SELECT 'c' || left(replace(gen_random_uuid()::text, '-', ''), 24), $1, j."hostname", j."networkHostname", j."os", j."hardware", j."policy", j."owner", $2::timestamp, $2::timestamp
       FROM jsonb_to_recordset($3::jsonb) AS j("hostname" text, "networkHostname" text, "os" text, "hardware" text, "policy" text, "owner" text)
     RETURNING "id", "hostname", "os", "hardware"`,
    options.projectId,
    new Date().toISOString(),
    JSON.stringify(options.clients.map((c) => ({ hostname: c.hostname, networkHostname: c.networkHostname, os: c.os, hardware: c.hardware, policy: c.policy, owner: c.owner }))),
  );
}

/** insertFleetRowsForClients on PostgreSQL: one statement. */
export async function insertFleetRowsForClients(tx: Tx, options: { runId: string; stepId: string; clientIds: readonly string[] }): Promise<number> {
  if (options.clientIds.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO "fleet_client_run" ("id", "runId", "stepId", "clientId", "status", "reason", "version", "createdAt", "updatedAt")
     SELECT left(replace(gen_random_uuid()::text, '-', ''), 24), $1, $2, c."id", 'PENDING', '', 1, $3::timestamp, $3::timestamp
       FROM unnest($4::text[]) AS c("id")`,
    options.runId,
    options.stepId,
    new Date().toISOString(),
    [...options.clientIds],
  );
}
