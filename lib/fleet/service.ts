import "server-only";
import { requireProjectAccess } from "../projects/access";
import { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { detectOsFamily, planBpconfServers, type BpconfPlan } from "./bpconf";
import { prisma, type Tx } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { isPostgres } from "../platform/db/dialect";
import { clientIdsWithHostnameContaining, fillClientFields, freezeClientForEndedRuns, freezeClientsForEndedRuns, insertFleetClients, insertFleetRowsForClients } from "./store";
import { agentlessClientIds } from "./queries";
import { planReimport, type FillConflict } from "./reimport";
import { rememberResult, replayIfSeen } from "../platform/db/idempotency";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { boundedOfflineTime } from "../platform/offline-time";
import { CLIENT_NAME_MESSAGE, CLIENT_NAME_PATTERN, formatLineError, isAcceptableDisplayName, MAX_IMPORT_CLIENTS, mergeNote, parseClientList, type ClientLineError, type ClientListShape, type MergedClient, type ParsedClient } from "./parse";
import { canEditPlan, canUpdateFleet, canViewProjects, type Actor, type ActingUser, type ProjectNeed } from "../platform/auth/permissions";
import { formatMoment } from "../platform/time";
import { AGENT_ONLY_ACTIONS, clientFamily, ID_CHUNK, type ClientFamily, type FleetStatusName } from "./model";
import { fleetClientsQuery, fleetUpdateInput, importFleetInput, removeFleetClientsInput, statusFilter, updateFleetClientInput, type FleetStepQuery } from "./schemas";

/** Rows per SQL statement: far below SQLite's 32,766 bound variables even at 9 columns a row. */
const CHUNK = 1000;
/** Cap on how many clients each list of the answer names; the counts are always exact. */
const MAX_REPORTED = 500;
/**
 * Skipped lines are all reported (up to a whole import's worth), so the dialog's "Download
 * skipped rows" has every one of them.
 */
const MAX_REPORTED_ERRORS = MAX_IMPORT_CLIENTS;

// ---------------------------------------------------------------- import

/** The parsed request; `skipInvalid` may be left out by callers inside the server (all or nothing). */
export type FleetImportInput = Omit<z.infer<typeof importFleetInput>, "skipInvalid"> & { skipInvalid?: boolean };

type ImportRow = { line: number; hostname: string; networkHostname: string; os: string; hardware: string; policy: string; owner: string; osFamily: ClientFamily };

export interface FleetImportResult {
  dryRun: boolean;
  format: "csv" | "bpplclients";
  /** Which output the list looked like: CSV, bpplclients (with or without header), its -l form, or a plain name list. */
  shape: ClientListShape;
  skipInvalid: boolean;
  /** Clients that are (or, in a dry run, would be) written: added plus filled in. */
  importable: number;
  /** New clients added (0 in a dry run). */
  imported: number;
  /** New clients (that would be) added, and the first MAX_REPORTED of them. */
  added: number;
  addedClients: ImportRow[];
  /** Clients the project has whose empty fields (or policies) the list fills in. */
  updated: number;
  updatedClients: { hostname: string; line: number; filled: string[] }[];
  /** Listed clients the project has, with nothing to add. */
  unchanged: number;
  /** Fields where the list says something else than the project: the project's value is kept. */
  conflicts: FillConflict[];
  conflictCount: number;
  errorCount: number;
  /** Lines with a problem: with `skipInvalid` these are the skipped lines, otherwise the reason nothing is imported. */
  errors: ClientLineError[];
  /** Lines (not) imported because of `errors`: with `skipInvalid`, skipped; without, nothing is imported. */
  skipped: number;
  /** Clients listed on several lines (a client once per policy), merged into one, their policies collected. */
  merged: MergedClient[];
  mergedRows: number;
  /** "Merged 12 repeated lines into 5 clients, …", or null. */
  mergeNote: string | null;
  /** The first 20 clients of the list (new or not), as read. */
  preview: ImportRow[];
  /** Of the clients in the list. */
  osFamilies: Record<ClientFamily, number>;
  /** Fleet-step rows created in runs that are in progress. */
  runRowsCreated: number;
  clientCount: number;
}

const importRow = (c: ParsedClient): ImportRow => ({ line: c.line, hostname: c.hostname, networkHostname: c.networkHostname, os: c.os, hardware: c.hardware, policy: c.policy, owner: c.owner, osFamily: clientFamily(c) });

/**
 * Imports a client list, matched to the project's clients by name: new clients are added, ones
 * the project has get their empty fields filled in and their policies merged (lib/fleet/reimport.ts;
 * nothing they say is overwritten, and a ticked client's host name never changes). By default all
 * or nothing: any line error and nothing is written. With `skipInvalid` the good lines are
 * imported and the others come back as skipped, by line and reason (still nothing when no line is
 * good). `dryRun` reports all of that and writes nothing. New clients also join every active
 * run's fleet steps (agentless ones not its bp.conf and connectivity steps), so a list imported
 * mid-run is tracked there. One audit event for the whole import, however many clients.
 */
export async function importFleetClients(options: { actor: ActingUser; projectId: string; input: FleetImportInput }): Promise<FleetImportResult> {
  const { actor } = options;
  const input = { ...options.input, skipInvalid: options.input.skipInvalid ?? false };
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can import clients.");
  const parseWith = async (db: Tx | typeof prisma) => {
    const project = await db.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError("Project");
    const parsed = parseClientList({ text: input.text, format: input.format });
    const [existing, tickedRows] = await Promise.all([
      db.fleetClient.findMany({ where: { projectId: project.id }, select: { id: true, hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true } }),
      db.fleetClientRun.findMany({ where: { client: { projectId: project.id }, OR: [{ status: { not: "PENDING" } }, { version: { gt: 1 } }] }, select: { clientId: true }, distinct: ["clientId"] }),
    ]);
    const ticked = new Set(tickedRows.map((r) => r.clientId));
    const plan = planReimport({ clients: parsed.clients, existing: existing.map((c) => ({ ...c, ticked: ticked.has(c.id) })) });
    const osFamilies: Record<ClientFamily, number> = { UNIX: 0, WINDOWS: 0, AGENTLESS: 0, UNKNOWN: 0 };
    for (const client of parsed.clients) osFamilies[clientFamily(client)] += 1;
    const writes = plan.added.length + plan.updated.length;
    const result: FleetImportResult = {
      dryRun: input.dryRun,
      format: parsed.format,
      shape: parsed.shape,
      skipInvalid: input.skipInvalid,
      importable: parsed.errors.length === 0 || input.skipInvalid ? writes : 0,
      imported: 0,
      added: plan.added.length,
      addedClients: plan.added.slice(0, MAX_REPORTED).map(importRow),
      updated: plan.updated.length,
      updatedClients: plan.updated.slice(0, MAX_REPORTED).map((u) => ({ hostname: u.hostname, line: u.line, filled: u.filled })),
      unchanged: plan.unchanged,
      conflicts: plan.conflicts.slice(0, MAX_REPORTED),
      conflictCount: plan.conflicts.length,
      errorCount: parsed.errors.length,
      errors: parsed.errors.slice(0, MAX_REPORTED_ERRORS),
      skipped: parsed.errors.length,
      merged: parsed.merged.slice(0, MAX_REPORTED),
      mergedRows: parsed.mergedRows,
      mergeNote: mergeNote(parsed),
      preview: parsed.clients.slice(0, 20).map(importRow),
      osFamilies,
      runRowsCreated: 0,
      clientCount: existing.length,
    };
    return { project, parsed, plan, result };
  };

  // The preview only reads; no transaction, no audit.
  if (input.dryRun) return (await parseWith(prisma)).result;

  return runTransaction(async (tx) => {
    const { project, parsed, plan, result } = await parseWith(tx);
    if (parsed.errors.length > 0 && (!input.skipInvalid || parsed.clients.length === 0)) {
      const lines = parsed.errors.map((e) => e.line);
      const shown = lines.slice(0, 10).join(", ") + (lines.length > 10 ? ", …" : "");
      throw new ValidationError(`Nothing was imported: ${lines.length === 1 ? "1 line has a problem" : `${lines.length.toLocaleString("en-GB")} lines have problems`} (line${lines.length === 1 ? "" : "s"} ${shown}).`, {
        text: parsed.errors.slice(0, MAX_REPORTED).map(formatLineError),
      });
    }
    // Every client is there with these details already: nothing to write, nothing to record.
    if (plan.added.length === 0 && plan.updated.length === 0) return result;
    // One statement each (store.sqlite.ts says why), in list order.
    const created = await insertFleetClients(tx, { projectId: project.id, clients: plan.added });
    const idByHostname = new Map(created.map((row) => [row.hostname, row.id]));
    const createdIds = plan.added.map((c) => idByHostname.get(c.hostname)!);
    const agentlessCreated = new Set(created.filter((row) => clientFamily(row) === "AGENTLESS").map((row) => row.id));
    // Ended runs keep the clients as they recorded them; then the fills, in one statement.
    const updatedIds = plan.updated.map((u) => u.id);
    for (const ids of chunks(updatedIds, ID_CHUNK)) await freezeClientsForEndedRuns(tx, ids);
    for (const fills of chunks(plan.updated, CHUNK)) await fillClientFields(tx, fills);
    // Only (run, step) pairs the run tracks: a step added after the run started has no StepRun there.
    const fleetStepRuns = await tx.stepRun.findMany({ where: { run: { projectId: project.id, status: "ACTIVE" }, isFleet: true }, select: { runId: true, stepId: true, fleetAction: true } });
    let runRowsCreated = 0;
    for (const { runId, stepId, fleetAction } of fleetStepRuns) {
      const ids = AGENT_ONLY_ACTIONS.includes(fleetAction ?? "GENERIC") ? createdIds.filter((id) => !agentlessCreated.has(id)) : createdIds;
      runRowsCreated += await insertFleetRowsForClients(tx, { runId, stepId, clientIds: ids });
    }
    // A client the fill made agentless (its hardware now says VMware) leaves the bp.conf and
    // connectivity steps of active runs, unless someone already ticked it there.
    const nowAgentless = await agentlessClientIds(tx, { projectId: project.id, clientIds: updatedIds });
    const runRowsRemoved = await removeUntouchedAgentOnlyRows(tx, { projectId: project.id, clientIds: nowAgentless });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "fleet.import",
      entityType: "project",
      entityId: project.id,
      before: { clientCount: result.clientCount },
      after: {
        clientCount: result.clientCount + createdIds.length,
        imported: createdIds.length,
        added: createdIds.length,
        updated: plan.updated.length,
        // Which clients were filled in with what, so the record shows where each value came from.
        filledIn: plan.updated.slice(0, MAX_REPORTED).map((u) => `${u.hostname}: ${u.filled.join("; ")}`),
        unchanged: plan.unchanged,
        conflicts: plan.conflicts.length,
        format: parsed.format,
        shape: parsed.shape,
        mergedRows: parsed.mergedRows,
        // What was left out, so the record shows the import was partial and why.
        skipped: parsed.errors.length,
        skippedLines: parsed.errors.slice(0, MAX_REPORTED).map(formatLineError),
        activeRunSteps: fleetStepRuns.length,
        runRowsCreated,
        ...(runRowsRemoved > 0 ? { runRowsRemoved } : {}),
      },
    });
    return { ...result, importable: createdIds.length + plan.updated.length, imported: createdIds.length, runRowsCreated, clientCount: result.clientCount + createdIds.length };
  });
}

/** Removes clients' rows from the bp.conf and connectivity steps of active runs, where nobody touched them yet. */
async function removeUntouchedAgentOnlyRows(tx: Tx, options: { projectId: string; clientIds: readonly string[] }): Promise<number> {
  if (options.clientIds.length === 0) return 0;
  const steps = await tx.stepRun.findMany({ where: { run: { projectId: options.projectId, status: "ACTIVE" }, isFleet: true, fleetAction: { in: [...AGENT_ONLY_ACTIONS] } }, select: { runId: true, stepId: true } });
  let removed = 0;
  for (const { runId, stepId } of steps) {
    for (const ids of chunks([...options.clientIds], ID_CHUNK)) {
      const { count } = await tx.fleetClientRun.deleteMany({ where: { runId, stepId, clientId: { in: ids }, status: "PENDING", version: 1 } });
      removed += count;
    }
  }
  return removed;
}

/** Adds rows for clients that an edit made agent clients again to the bp.conf and connectivity steps of active runs. */
async function addMissingAgentOnlyRows(tx: Tx, options: { projectId: string; clientId: string }): Promise<number> {
  const steps = await tx.stepRun.findMany({
    where: { run: { projectId: options.projectId, status: "ACTIVE" }, isFleet: true, fleetAction: { in: [...AGENT_ONLY_ACTIONS] } },
    select: { runId: true, stepId: true },
  });
  let added = 0;
  for (const { runId, stepId } of steps) {
    const exists = await tx.fleetClientRun.findUnique({ where: { runId_stepId_clientId: { runId, stepId, clientId: options.clientId } }, select: { id: true } });
    if (exists) continue;
    await tx.fleetClientRun.create({ data: { runId, stepId, clientId: options.clientId } });
    added += 1;
  }
  return added;
}

// ---------------------------------------------------------------- project clients

/**
 * Corrects one client's details (its OS decides the commands the fleet panel offers). The host
 * name can change only while no run has ticked the client: the record names clients by it.
 * Host names stay unique in the project, ignoring case, as on import. One audit event.
 */
export async function updateFleetClient(options: { actor: ActingUser; clientId: string; input: z.infer<typeof updateFleetClientInput> }) {
  const { actor, input } = options;
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can edit clients.");
  return runTransaction(async (tx) => {
    const before = await tx.fleetClient.findUnique({
      where: { id: options.clientId },
      select: { id: true, projectId: true, hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true },
    });
    if (!before) throw new NotFoundError("Client");
    const { id: _id, projectId, ...fieldsBefore } = before;
    const next = { ...fieldsBefore, ...input };
    // A name that isn't a NetBackup client name is a VM's display name: fine for an agentless
    // client or one with a host name, as on import (no command is ever built from it).
    if (input.hostname !== undefined && !CLIENT_NAME_PATTERN.test(next.hostname) && !isAcceptableDisplayName(next)) {
      const message = `${CLIENT_NAME_MESSAGE}. A VM's display name needs its host name, or an agentless hardware or OS (VMware, Hyper-V, NDMP…).`;
      throw new ValidationError(message, { hostname: [message] });
    }
    const renaming = input.hostname !== undefined && input.hostname !== before.hostname;
    const rehosting = input.networkHostname !== undefined && input.networkHostname !== before.networkHostname;
    if (renaming) {
      const wanted = input.hostname!.toLowerCase();
      const others = await tx.fleetClient.findMany({ where: { projectId: before.projectId, id: { not: before.id } }, select: { hostname: true } });
      const clash = others.find((c) => c.hostname.toLowerCase() === wanted);
      if (clash) throw new ValidationError(`"${clash.hostname}" is already a client of this project.`, { hostname: [`"${clash.hostname}" is already a client of this project.`] });
    }
    if (renaming || rehosting) {
      const worked = await tx.fleetClientRun.findFirst({ where: { clientId: before.id, OR: [{ status: { not: "PENDING" } }, { version: { gt: 1 } }] }, select: { run: { select: { name: true } } } });
      if (worked) {
        const message = `${before.hostname} was already ticked in "${worked.run.name}", so its host name can't change. Nothing was changed.`;
        throw new ValidationError(message, { [renaming ? "hostname" : "networkHostname"]: [message] });
      }
    }
    // Ended runs keep the client as they recorded it (a run still going follows the correction).
    await freezeClientForEndedRuns(tx, before);
    const after = await tx.fleetClient.update({ where: { id: before.id }, data: input, select: { id: true, hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true } });
    const { id: _after, ...fieldsAfter } = after;
    // Agentless now (or no longer): it leaves (or joins) the bp.conf and connectivity steps of active runs.
    const wasAgentless = clientFamily(before) === "AGENTLESS";
    const isAgentless = clientFamily(after) === "AGENTLESS";
    const runRows = wasAgentless === isAgentless ? {} : isAgentless
      ? { runRowsRemoved: await removeUntouchedAgentOnlyRows(tx, { projectId, clientIds: [after.id] }) }
      : { runRowsCreated: await addMissingAgentOnlyRows(tx, { projectId, clientId: after.id }) };
    await appendAuditEvent(tx, { actor, projectId, action: "fleet.client_update", entityType: "fleet_client", entityId: before.id, before: fieldsBefore, after: { ...fieldsAfter, ...runRows } });
    return { ...after, osFamily: clientFamily(after) };
  });
}

/**
 * Removes clients from the project (a mistyped host name, a decommissioned server), with their
 * rows in active runs. A client somebody already ticked, or one that is part of an ended run's
 * record, can't be removed: that would change history. All or nothing; one audit event naming
 * the host names, plus one in each active run it leaves, so the run's own trail shows it.
 */
export async function removeFleetClients(options: { actor: ActingUser; projectId: string; input: z.infer<typeof removeFleetClientsInput> }): Promise<{ removed: number; clientCount: number }> {
  const { actor } = options;
  if (!canEditPlan(actor)) throw new ForbiddenError("Only admins can remove clients.");
  const clientIds = [...new Set(options.input.clientIds)];
  return runTransaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
    if (!project) throw new NotFoundError("Project");
    // Only this project's clients: an id from another project counts as not found.
    const clients = await tx.fleetClient.findMany({ where: { id: { in: clientIds }, projectId: project.id }, select: { id: true, hostname: true }, orderBy: { hostname: "asc" } });
    if (clients.length !== clientIds.length) throw new NotFoundError("Client");
    // Ever ticked: a client set back to pending still has a history (its version moved on).
    const worked = await tx.fleetClientRun.findFirst({ where: { clientId: { in: clientIds }, OR: [{ status: { not: "PENDING" } }, { version: { gt: 1 } }] }, select: { client: { select: { hostname: true } }, run: { select: { name: true } } } });
    if (worked) throw new ConflictError(`${worked.client.hostname} was already ticked in "${worked.run.name}", so it can't be removed. Nothing was removed.`);
    const inEndedRun = await tx.fleetClientRun.findFirst({ where: { clientId: { in: clientIds }, run: { status: { not: "ACTIVE" } } }, select: { client: { select: { hostname: true } }, run: { select: { name: true } } } });
    if (inEndedRun) throw new ConflictError(`${inEndedRun.client.hostname} is part of the record of "${inEndedRun.run.name}", which has ended, so it can't be removed. Nothing was removed.`);
    const activeRuns = await tx.run.findMany({ where: { projectId: project.id, status: "ACTIVE", fleetRuns: { some: { clientId: { in: clientIds } } } }, select: { id: true, name: true } });
    const before = await tx.fleetClient.count({ where: { projectId: project.id } });
    const { count } = await tx.fleetClient.deleteMany({ where: { id: { in: clientIds }, projectId: project.id } });
    const removed = clients.map((c) => c.hostname);
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "fleet.remove",
      entityType: "project",
      entityId: project.id,
      before: { clientCount: before },
      after: { clientCount: before - count, removed, fromRuns: activeRuns.map((r) => r.name) },
    });
    for (const run of activeRuns) {
      await appendAuditEvent(tx, { actor, projectId: project.id, runId: run.id, action: "fleet.remove", entityType: "run", entityId: run.id, before: null, after: { removed } });
    }
    return { removed: count, clientCount: before - count };
  });
}

/** The project's clients, a page at a time, by host name. */
export async function listFleetClients(options: { actor: Actor; projectId: string; query: z.infer<typeof fleetClientsQuery> }) {
  if (!canViewProjects(options.actor)) throw new ForbiddenError();
  const { query } = options;
  await requireProjectAccess({ user: options.actor, projectId: options.projectId, need: "view" });
  const project = await prisma.project.findUnique({ where: { id: options.projectId }, select: { id: true } });
  if (!project) throw new NotFoundError("Project");
  const where = { projectId: project.id, ...(query.q ? await hostnameContains(prisma, { projectId: project.id, q: query.q }) : {}) };
  const [total, matching] = await Promise.all([prisma.fleetClient.count({ where: { projectId: project.id } }), query.q ? prisma.fleetClient.count({ where }) : null]);
  const matched = matching ?? total;
  const page = clampPage(query.page, matched, query.pageSize);
  const clients = await prisma.fleetClient.findMany({
    where,
    orderBy: { hostname: "asc" },
    skip: (page - 1) * query.pageSize,
    take: query.pageSize,
    select: { id: true, hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true },
  });
  return {
    total,
    matching: matched,
    page,
    pageSize: query.pageSize,
    pageCount: Math.max(1, Math.ceil(matched / query.pageSize)),
    clients: clients.map((c) => ({ ...c, osFamily: clientFamily(c) })),
  };
}
export type FleetClientsPage = Awaited<ReturnType<typeof listFleetClients>>;

// ---------------------------------------------------------------- one fleet step in one run

async function loadFleetStep(db: Tx | typeof prisma, options: { actor: Actor; runId: string; stepId: string }, need: ProjectNeed) {
  const run = await db.run.findUnique({
    where: { id: options.runId },
    select: { id: true, status: true, mode: true, projectId: true, startedAt: true, endedAt: true, project: { select: { hostnameStrategy: true, sourceHost: true, targetHost: true, mediaServers: true, timezone: true } } },
  });
  if (!run) throw new NotFoundError("Run");
  await requireProjectAccess({ user: options.actor, projectId: run.projectId, need, resource: "Run", forbidden: "Your role in this project can't update fleet clients." });
  // The run's frozen copy of the step: a step of another project, or one the run doesn't have, is "not found".
  const frozen = await db.stepRun.findUnique({
    where: { runId_stepId: { runId: run.id, stepId: options.stepId } },
    select: { stepId: true, title: true, isFleet: true, fleetAction: true },
  });
  if (!frozen) throw new NotFoundError("Step in this run");
  if (!frozen.isFleet) throw new ValidationError("This step is not a fleet step.");
  return { run, step: { id: frozen.stepId, title: frozen.title, isFleet: frozen.isFleet, fleetAction: frozen.fleetAction } };
}

async function rowFilter(db: Tx | typeof prisma, options: { projectId: string; runId: string; stepId: string; status: z.infer<typeof statusFilter>; q: string }) {
  return {
    runId: options.runId,
    stepId: options.stepId,
    ...(options.status !== "ALL" ? { status: options.status } : {}),
    ...(options.q ? { client: await hostnameContains(db, { projectId: options.projectId, q: options.q }) } : {}),
  };
}

/**
 * "Name or host name contains q", literally and ignoring ASCII case, as a filter on the project's
 * clients (a VM listed by display name is found by either). Prisma's `contains` is SQLite's
 * LIKE '%q%' without an ESCAPE clause, so "%" and "_" in q would be wildcards ("sql_prod"
 * matching "sql-prod", "%" matching everything). Without them LIKE is literal; with them, the
 * matching ids come from an instr() query instead (lib/fleet/store.sqlite.ts). On PostgreSQL
 * `contains` is LIKE, which minds case there: the ids always come from its strpos() query.
 */
async function hostnameContains(db: Tx | typeof prisma, options: { projectId: string; q: string }): Promise<{ OR: ({ hostname: { contains: string } } | { networkHostname: { contains: string } })[] } | { id: { in: string[] } }> {
  const { q } = options;
  if (!isPostgres() && !q.includes("_") && !q.includes("%")) return { OR: [{ hostname: { contains: q } }, { networkHostname: { contains: q } }] };
  return { id: { in: await clientIdsWithHostnameContaining(db, options) } };
}

/** The most agentless clients the fleet panel names; the count is always exact. */
const MAX_LISTED_AGENTLESS = 200;

async function agentlessOutside(db: Tx | typeof prisma, options: { projectId: string; runId: string; stepId: string; endedAt: Date | null }) {
  const clients = await db.fleetClient.findMany({
    // Not in this step, and already a client while the run went on (one imported after an ended run is no part of it).
    where: { projectId: options.projectId, runs: { none: { runId: options.runId, stepId: options.stepId } }, ...(options.endedAt ? { createdAt: { lte: options.endedAt } } : {}) },
    orderBy: { hostname: "asc" },
    select: { id: true, hostname: true, networkHostname: true, os: true, hardware: true },
  });
  const listed = clients.filter((c) => clientFamily(c) === "AGENTLESS");
  return { count: listed.length, clients: listed.slice(0, MAX_LISTED_AGENTLESS) };
}

async function countByStatus(db: Tx | typeof prisma, options: { runId: string; stepId: string }) {
  const groups = await db.fleetClientRun.groupBy({ by: ["status"], where: { runId: options.runId, stepId: options.stepId }, _count: { _all: true } });
  const counts: Record<FleetStatusName, number> & { total: number } = { PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0, total: 0 };
  for (const g of groups) {
    counts[g.status as FleetStatusName] = g._count._all;
    counts.total += g._count._all;
  }
  return counts;
}

function shouldShowBpconf(options: { fleetAction: string | null; hostnameStrategy: string }): boolean {
  return options.fleetAction === "UPDATE_BPCONF" || options.hostnameStrategy === "RENAME";
}

/**
 * The fleet panel's data: counts per status (one GROUP BY), the rows of one page of the current
 * filter, and the bp.conf plan when the step changes clients' server lists.
 */
export async function getFleetStepView(options: { actor: Actor; runId: string; stepId: string; query: FleetStepQuery }) {
  if (!canViewProjects(options.actor)) throw new ForbiddenError();
  const { query } = options;
  const { run, step } = await loadFleetStep(prisma, options, "view");
  const where = await rowFilter(prisma, { projectId: run.projectId, runId: run.id, stepId: step.id, status: query.status, q: query.q });
  const [counts, filtered] = await Promise.all([countByStatus(prisma, { runId: run.id, stepId: step.id }), query.status === "ALL" && !query.q ? null : prisma.fleetClientRun.count({ where })]);
  const matching = filtered ?? counts.total;
  const page = clampPage(query.page, matching, query.pageSize);
  const rows = await prisma.fleetClientRun.findMany({
    where,
    orderBy: { client: { hostname: "asc" } },
    skip: (page - 1) * query.pageSize,
    take: query.pageSize,
    select: {
      id: true,
      status: true,
      reason: true,
      version: true,
      updatedAt: true,
      updatedById: true,
      updatedByName: true,
      client: { select: { id: true, hostname: true, networkHostname: true, os: true, hardware: true, policy: true, owner: true } },
    },
  });
  // bp.conf and connectivity steps leave agentless clients out (they have no rows there): named
  // here so the panel can say "n/a: agentless" for each rather than let them vanish.
  const agentless = AGENT_ONLY_ACTIONS.includes(step.fleetAction ?? "GENERIC") ? await agentlessOutside(prisma, { projectId: run.projectId, runId: run.id, stepId: step.id, endedAt: run.endedAt }) : null;
  const mediaServers = parseMediaServers(run.project.mediaServers);
  const bpconf: BpconfPlan | null = shouldShowBpconf({ fleetAction: step.fleetAction, hostnameStrategy: run.project.hostnameStrategy })
    ? planBpconfServers({
        hostnameStrategy: run.project.hostnameStrategy,
        sourceHost: run.project.sourceHost,
        targetHost: run.project.targetHost,
        mediaServers,
        // Until the last go/no-go is decided a rename may still roll back: clients keep the old master second.
        keepPrevious: run.status === "ACTIVE" && run.mode === "FORWARD" && (await prisma.stepRun.count({ where: { runId: run.id, kind: "GATE", status: { notIn: ["DONE", "SKIPPED"] } } })) > 0,
      })
    : null;
  return {
    run: { id: run.id, status: run.status, projectId: run.projectId, timezone: run.project.timezone },
    step: { id: step.id, title: step.title, fleetAction: step.fleetAction },
    counts,
    filter: { status: query.status, q: query.q },
    matching,
    page,
    pageSize: query.pageSize,
    pageCount: Math.max(1, Math.ceil(matching / query.pageSize)),
    rows: rows.map((r) => ({
      id: r.id,
      clientId: r.client.id,
      hostname: r.client.hostname,
      networkHostname: r.client.networkHostname,
      os: r.client.os,
      hardware: r.client.hardware,
      policy: r.client.policy,
      owner: r.client.owner,
      osFamily: clientFamily(r.client),
      status: r.status as FleetStatusName,
      reason: r.reason,
      version: r.version,
      // A row nobody touched keeps its creation time; only show a time once someone changed it.
      updatedAt: r.updatedByName !== null || r.updatedById !== null ? r.updatedAt.toISOString() : null,
      updatedBy: r.updatedByName,
    })),
    agentless,
    bpconf,
  };
}
export type FleetStepView = Awaited<ReturnType<typeof getFleetStepView>>;
export type FleetStepRow = FleetStepView["rows"][number];

/** Host names matching the filter, one a line: the clients.txt for a push loop on the master. */
export async function listFleetStepHostnames(options: { actor: Actor; runId: string; stepId: string; query: Pick<FleetStepQuery, "status" | "q"> }): Promise<string> {
  if (!canViewProjects(options.actor)) throw new ForbiddenError();
  const { run, step } = await loadFleetStep(prisma, options, "view");
  const rows = await prisma.fleetClientRun.findMany({
    where: await rowFilter(prisma, { projectId: run.projectId, runId: run.id, stepId: step.id, ...options.query }),
    orderBy: { client: { hostname: "asc" } },
    select: { client: { select: { hostname: true } } },
  });
  return rows.map((r) => r.client.hostname).join("\n") + (rows.length > 0 ? "\n" : "");
}

// ---------------------------------------------------------------- ticking clients

export interface FleetUpdateResult {
  status: FleetStatusName;
  updated: number;
  unchanged: number;
  counts: Awaited<ReturnType<typeof countByStatus>>;
  /** The same idempotency key was applied before: this is that answer, nothing changed now. */
  replayed?: boolean;
}

/**
 * Marks clients of one fleet step in one run UPDATED / VERIFIED / FAILED (with a reason) or back
 * to PENDING: one client or thousands, in ONE transaction and ONE audit event listing every
 * client. Every write is conditional on the version read (as in lib/runs/service.ts), and a selection
 * that changed underneath the operator is refused whole, so no tick overwrites another unseen.
 */
export async function updateFleetClients(options: { actor: ActingUser; runId: string; stepId: string; input: z.infer<typeof fleetUpdateInput> }): Promise<FleetUpdateResult> {
  const { actor, input } = options;
  if (!canUpdateFleet(actor)) throw new ForbiddenError("Your role can't update fleet clients.");
  return runTransaction(async (tx): Promise<FleetUpdateResult> => {
    const replay = await replayIfSeen<FleetUpdateResult>(tx, input.idempotencyKey, actor.id);
    if (replay) return replay;
    const { run, step } = await loadFleetStep(tx, options, "operate");
    if (run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
    // Checked like a step action's: a device clock far off can't put a time in the record.
    const tappedAt = input.occurredAt ? boundedOfflineTime({ occurredAt: input.occurredAt, runStartedAt: run.startedAt, now: new Date() }) : null;
    const selectRow = { id: true, status: true, reason: true, version: true, clientId: true, updatedAt: true, client: { select: { hostname: true } }, updatedByName: true } as const;
    type Row = { id: string; status: string; reason: string; version: number; clientId: string; updatedAt: Date; client: { hostname: string }; updatedByName: string | null };
    let rows: Row[] = [];
    const selection = input.selection;
    if (selection.kind === "ids") {
      const wanted = new Map(selection.items.map((item) => [item.id, item.version]));
      for (const ids of chunks([...wanted.keys()], ID_CHUNK)) {
        rows.push(...(await tx.fleetClientRun.findMany({ where: { id: { in: ids }, runId: run.id, stepId: step.id }, select: selectRow })));
      }
      if (rows.length < wanted.size) throw new NotFoundError(`${wanted.size - rows.length === 1 ? "One selected client" : `${wanted.size - rows.length} selected clients`} of this step`);
      const stale = rows.filter((r) => r.version !== wanted.get(r.id));
      if (stale.length > 0) {
        throw new ConflictError(
          stale.length === 1 && rows.length === 1
            ? `${stale[0].client.hostname} was already marked ${stale[0].status.toLowerCase()}${stale[0].updatedByName ? ` by ${stale[0].updatedByName}` : ""} at ${formatMoment(stale[0].updatedAt, run.project.timezone, { now: Date.now() })}. Nothing was changed.`
            : `Someone else changed ${describeHosts(stale)} first. Nothing was changed; review the list and try again.`,
          { stale: stale.map((r) => ({ id: r.id, hostname: r.client.hostname, status: r.status, version: r.version })) },
        );
      }
    } else {
      const excluded = new Set(selection.excludeIds);
      rows = (await tx.fleetClientRun.findMany({ where: await rowFilter(tx, { projectId: run.projectId, runId: run.id, stepId: step.id, status: selection.status, q: selection.q }), select: selectRow })).filter((r) => !excluded.has(r.id));
      if (rows.length !== selection.expectedCount) {
        throw new ConflictError(
          `The selection changed while you were looking: ${rows.length.toLocaleString("en-GB")} clients match now, you selected ${selection.expectedCount.toLocaleString("en-GB")}. Nothing was changed; check the list and try again.`,
        );
      }
    }

    const reason = input.status === "FAILED" ? input.reason : "";
    const changing = rows.filter((r) => r.status !== input.status || r.reason !== reason);
    const byVersion = new Map<number, string[]>();
    for (const r of changing) byVersion.set(r.version, [...(byVersion.get(r.version) ?? []), r.id]);
    let updated = 0;
    for (const [version, ids] of byVersion) {
      for (const chunk of chunks(ids, ID_CHUNK)) {
        const result = await tx.fleetClientRun.updateMany({
          where: { id: { in: chunk }, runId: run.id, stepId: step.id, version },
          data: { status: input.status, reason, updatedById: actor.id, updatedByName: actor.name, version: { increment: 1 } },
        });
        updated += result.count;
      }
    }
    // Throwing rolls the whole batch back: all of it applies or none.
    if (updated !== changing.length) throw new ConflictError("Someone else changed some of these clients at the same moment. Nothing was changed; try again.");

    if (changing.length > 0) {
      const single = selection.kind === "ids" && selection.items.length === 1;
      // A tick that waited in the offline queue keeps its tap time in the record (not in the row:
      // the row's time is when the server applied it).
      const offline = tappedAt ? { offline: true, tappedAt } : {};
      const statusBefore: Record<string, number> = {};
      for (const r of changing) statusBefore[r.status] = (statusBefore[r.status] ?? 0) + 1;
      await appendAuditEvent(
        tx,
        single
          ? {
              actor,
              projectId: run.projectId,
              runId: run.id,
              action: "fleet.update",
              entityType: "fleet_client_run",
              entityId: changing[0].id,
              before: { status: changing[0].status, reason: changing[0].reason, version: changing[0].version },
              // Key order is display order in the audit log's one-line summary.
              after: { stepTitle: step.title, hostname: changing[0].client.hostname, status: input.status, reason, version: changing[0].version + 1, clientId: changing[0].clientId, ...offline },
            }
          : {
              actor,
              projectId: run.projectId,
              runId: run.id,
              action: "fleet.bulk_update",
              entityType: "fleet_step",
              entityId: step.id,
              before: { statusCounts: statusBefore },
              after: {
                stepTitle: step.title,
                status: input.status,
                count: changing.length,
                ...(reason ? { reason } : {}),
                hostnames: changing.map((r) => r.client.hostname),
                clientIds: changing.map((r) => r.clientId),
                ...offline,
              },
            },
      );
    }
    const counts = await countByStatus(tx, { runId: run.id, stepId: step.id });
    const result: FleetUpdateResult = { status: input.status, updated, unchanged: rows.length - changing.length, counts };
    await rememberResult(tx, { key: input.idempotencyKey, userId: actor.id, runId: run.id, result });
    return result;
  });
}

// ---------------------------------------------------------------- helpers

function describeHosts(rows: { client: { hostname: string } }[]): string {
  const names = rows.slice(0, 5).map((r) => r.client.hostname);
  return rows.length > 5 ? `${names.join(", ")} and ${rows.length - 5} more` : names.join(", ");
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A page past the end (the filter shrank) shows the last page instead of an empty table. */
function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(page, Math.max(1, Math.ceil(total / pageSize)));
}

function parseMediaServers(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}
