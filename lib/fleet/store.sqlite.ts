import "server-only";
import type { Tx } from "../platform/db/client";
import { toSqlTime } from "../platform/db/sql";
import type { ParsedClient } from "./parse";

/**
 * Ended runs keep a client as they recorded it: its facts are copied onto those runs' fleet rows
 * before its first later edit. Raw SQL on purpose: through Prisma the copy would also stamp the
 * rows' `updatedAt`, which the record prints as when each client was ticked.
 */
export async function freezeClientForEndedRuns(tx: Tx, client: { id: string; hostname: string; networkHostname: string; os: string; hardware: string; policy: string; owner: string }): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client_run" SET "hostname" = ?, "networkHostname" = ?, "os" = ?, "hardware" = ?, "policy" = ?, "owner" = ?
      WHERE "clientId" = ? AND "hostname" IS NULL AND "runId" IN (SELECT "id" FROM "run" WHERE "status" <> 'ACTIVE')`,
    client.hostname,
    client.networkHostname,
    client.os,
    client.hardware,
    client.policy,
    client.owner,
    client.id,
  );
}

/** freezeClientForEndedRuns for many clients at once (a re-import filling in fields), from their rows as they are now. */
export async function freezeClientsForEndedRuns(tx: Tx, clientIds: readonly string[]): Promise<number> {
  if (clientIds.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client_run" AS r
        SET "hostname" = c."hostname", "networkHostname" = c."networkHostname", "os" = c."os", "hardware" = c."hardware", "policy" = c."policy", "owner" = c."owner"
       FROM "fleet_client" AS c
      WHERE c."id" = r."clientId" AND r."hostname" IS NULL
        AND r."clientId" IN (SELECT "value" FROM json_each(?))
        AND r."runId" IN (SELECT "id" FROM "run" WHERE "status" <> 'ACTIVE')`,
    JSON.stringify(clientIds),
  );
}

/**
 * Writes a re-import's filled-in fields, all clients in one statement (5,000 single-row updates
 * would cost seconds). A field missing from a client's `changes` keeps its value.
 */
export async function fillClientFields(tx: Tx, fills: readonly { id: string; changes: Partial<Record<"networkHostname" | "os" | "hardware" | "policy" | "owner", string>> }[]): Promise<number> {
  if (fills.length === 0) return 0;
  const set = (["networkHostname", "os", "hardware", "policy", "owner"] as const).map((f) => `"${f}" = coalesce(json_extract(j."value", '$.${f}'), c."${f}")`).join(", ");
  return tx.$executeRawUnsafe(
    `UPDATE "fleet_client" AS c SET ${set}, "updatedAt" = ?
       FROM json_each(?) AS j
      WHERE c."id" = json_extract(j."value", '$.id')`,
    toSqlTime(new Date()),
    JSON.stringify(fills.map((f) => ({ id: f.id, ...f.changes }))),
  );
}

/**
 * Ids of the project's clients whose host name contains `q` literally, ignoring ASCII case. For a
 * q holding "_": LIKE (all Prisma's `contains` offers) would read it as "any one character".
 * instr() has no wildcards at all. Host names are ASCII (CLIENT_NAME_PATTERN), so lower() suffices.
 */
export async function clientIdsWithHostnameContaining(db: Pick<Tx, "$queryRawUnsafe">, options: { projectId: string; q: string }): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<{ id: string }[]>(
    `SELECT "id" FROM "fleet_client" WHERE "projectId" = ? AND (instr(lower("hostname"), lower(?)) > 0 OR instr(lower("networkHostname"), lower(?)) > 0)`,
    options.projectId,
    options.q,
    options.q,
  );
  return rows.map((r) => r.id);
}

/** The facts an import writes for a new client: a parsed line's, without its line number. */
export type NewFleetClient = Omit<ParsedClient, "line">;

/**
 * Adds an import's new clients in one statement and returns their ids (with what decides their
 * family). Through Prisma's createManyAndReturn, 5,000 clients and their fleet rows took ~3 s of
 * the server's thread, inside the write transaction that every sign-off waits for; one statement
 * does it in a fraction. Ids are "c" and 24 hex characters: unique, and never read for meaning.
 */
export async function insertFleetClients(tx: Tx, options: { projectId: string; clients: readonly NewFleetClient[] }): Promise<{ id: string; hostname: string; os: string; hardware: string }[]> {
  if (options.clients.length === 0) return [];
  const now = toSqlTime(new Date());
  const field = (name: keyof NewFleetClient) => `json_extract(j."value", '$.${name}')`;
  return tx.$queryRawUnsafe(
    `INSERT INTO "fleet_client" ("id", "projectId", "hostname", "networkHostname", "os", "hardware", "policy", "owner", "createdAt", "updatedAt")
     SELECT 'c' || lower(hex(randomblob(12))), ?, ${field("hostname")}, ${field("networkHostname")}, ${field("os")}, ${field("hardware")}, ${field("policy")}, ${field("owner")}, ?, ?
       FROM json_each(?) AS j
     RETURNING "id", "hostname", "os", "hardware"`,
    options.projectId,
    now,
    now,
    JSON.stringify(options.clients.map((c) => ({ hostname: c.hostname, networkHostname: c.networkHostname, os: c.os, hardware: c.hardware, policy: c.policy, owner: c.owner }))),
  );
}

/** A pending fleet row in one run's fleet step for each of these clients, one statement. */
export async function insertFleetRowsForClients(tx: Tx, options: { runId: string; stepId: string; clientIds: readonly string[] }): Promise<number> {
  if (options.clientIds.length === 0) return 0;
  const now = toSqlTime(new Date());
  return tx.$executeRawUnsafe(
    `INSERT INTO "fleet_client_run" ("id", "runId", "stepId", "clientId", "status", "reason", "version", "createdAt", "updatedAt")
     SELECT lower(hex(randomblob(12))), ?, ?, j."value", 'PENDING', '', 1, ?, ?
       FROM json_each(?) AS j`,
    options.runId,
    options.stepId,
    now,
    now,
    JSON.stringify(options.clientIds),
  );
}
