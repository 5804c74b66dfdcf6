import { z } from "zod";
import { id, idempotencyKeyField, occurredAtField, queryInt, text } from "../platform/validation";
import { FLEET_ACTIONS, RUN_STATUSES } from "../runs/model";
import { HOSTNAME_STRATEGIES } from "../projects/model";
import { CLIENT_FAMILIES, FLEET_STATUSES, ID_CHUNK } from "./model";
import { clientName, DISPLAY_NAME_PATTERN, MAX_CLIENT_FIELD_LENGTH } from "./parse";

export const importFleetInput = z
  .object({
    // 5,000 clients of ~80 characters is 400 kB; 5 MB leaves room for wide spreadsheets.
    text: z.string().max(5_000_000, "The list is larger than 5 MB; split it."),
    format: z.enum(["auto", "csv", "bpplclients"]).default("auto"),
    /** Parse and check only: the preview in the import dialog. */
    dryRun: z.boolean().default(false),
    /**
     * Import the lines that are fine and report the rest (with their line numbers and reasons)
     * instead of importing nothing. Off by default, so an API caller gets all or nothing unless it asks.
     */
    skipInvalid: z.boolean().default(false),
  })
  .strict();

export const removeFleetClientsInput = z
  .object({
    clientIds: z.array(id).min(1, "Choose at least one client.").max(ID_CHUNK, `Remove at most ${ID_CHUNK.toLocaleString("en-GB")} clients at a time.`),
  })
  .strict();

const clientField = (label: string) => text(label, MAX_CLIENT_FIELD_LENGTH).optional();

export const updateFleetClientInput = z
  .object({
    // A NetBackup client name (may hold "_" and "+") or, for an agentless client or one with a
    // host name, a VM's display name: the service checks which, like the import does.
    hostname: z
      .string()
      .trim()
      .min(1, "Name is required.")
      .max(253, "Name is too long.")
      .regex(DISPLAY_NAME_PATTERN, "Name can't hold control characters.")
      .optional(),
    /** The network host name, when the name is a VM's display name; empty for none. */
    networkHostname: z.union([z.literal(""), clientName]).optional(),
    os: clientField("OS"),
    hardware: clientField("Hardware"),
    policy: clientField("Policy"),
    owner: clientField("Owner"),
  })
  .strict();

export const statusFilter = z.enum(["ALL", ...FLEET_STATUSES]);
const search = text("Search", 253);

export const fleetStepQuery = z
  .object({
    status: statusFilter.default("ALL"),
    q: search.default(""),
    page: queryInt({ min: 1 }).default(1),
    pageSize: queryInt({ min: 1, max: 500 }).default(100),
  })
  .strict();

export const fleetClientsQuery = z
  .object({
    q: search.default(""),
    page: queryInt({ min: 1 }).default(1),
    pageSize: queryInt({ min: 1, max: 500 }).default(100),
  })
  .strict();

export const fleetUpdateInput = z
  .object({
    status: z.enum(FLEET_STATUSES),
    reason: text("Reason", 2000, { multiline: true }).default(""),
    selection: z.discriminatedUnion("kind", [
      /** Rows the operator ticked, with the version each showed: a newer version means someone else changed it. */
      z
        .object({
          kind: z.literal("ids"),
          items: z.array(z.object({ id, version: z.number().int().positive() }).strict()).min(1, "Select at least one client.").max(10_000, "Select at most 10,000 clients."),
        })
        .strict(),
      /** "All N matching this filter", across pages, minus any the operator unticked. */
      z
        .object({
          kind: z.literal("filter"),
          status: statusFilter,
          q: search,
          /** How many the operator saw selected; a different count now means the set changed underneath. */
          expectedCount: z.number().int().min(1),
          excludeIds: z.array(id).max(10_000).default([]),
        })
        .strict(),
    ]),
    idempotencyKey: idempotencyKeyField,
    /** When the operator ticked, if the tick waited in the offline queue: recorded in the audit. */
    occurredAt: occurredAtField,
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.status === "FAILED" && value.reason === "") ctx.addIssue({ code: "custom", path: ["reason"], message: "Say why the client failed." });
  });

export type FleetUpdateRequest = z.input<typeof fleetUpdateInput>;
export type FleetStepQuery = z.infer<typeof fleetStepQuery>;

// ---------------------------------------------------------------- responses (the API description)

const clientFamily = z.enum(CLIENT_FAMILIES).describe("From the OS: UNIX and WINDOWS clients run the agent; AGENTLESS ones are ticked by hand.");

/** A client of the project's fleet. */
export const fleetClientResult = z.object({
  id: z.string(),
  hostname: z.string(),
  networkHostname: z.string(),
  os: z.string(),
  hardware: z.string(),
  policy: z.string(),
  owner: z.string(),
  osFamily: clientFamily,
});

/** One page of the project's clients. */
export const fleetClientsPageResult = z.object({
  total: z.number().int(),
  matching: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  clients: z.array(fleetClientResult),
});

const importedClient = z.object({ line: z.number().int(), hostname: z.string(), networkHostname: z.string(), os: z.string(), hardware: z.string(), policy: z.string(), owner: z.string(), osFamily: clientFamily });

/** What a client list import did (or, with `dryRun`, would do). */
export const fleetImportResult = z.object({
  dryRun: z.boolean(),
  format: z.enum(["csv", "bpplclients"]),
  shape: z.enum(["csv", "bpplclients", "bpplclients-long", "host-list"]).describe("Which output the list looked like."),
  skipInvalid: z.boolean(),
  importable: z.number().int().describe("Clients that are (or would be) written: added plus filled in."),
  imported: z.number().int().describe("New clients added (0 in a dry run)."),
  added: z.number().int(),
  addedClients: z.array(importedClient).describe("The first 500 new clients."),
  updated: z.number().int(),
  updatedClients: z.array(z.object({ hostname: z.string(), line: z.number().int(), filled: z.array(z.string()) })),
  unchanged: z.number().int(),
  conflicts: z.array(z.object({ hostname: z.string(), line: z.number().int(), field: z.enum(["networkHostname", "os", "hardware", "owner"]), kept: z.string(), listed: z.string(), reason: z.string() })),
  conflictCount: z.number().int(),
  errorCount: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), hostname: z.string().nullable(), message: z.string() })),
  skipped: z.number().int(),
  merged: z.array(z.object({ hostname: z.string(), lines: z.array(z.number().int()), policies: z.array(z.string()) })),
  mergedRows: z.number().int(),
  mergeNote: z.string().nullable(),
  preview: z.array(importedClient).describe("The first 20 clients of the list, as read."),
  osFamilies: z.record(z.enum(CLIENT_FAMILIES), z.number().int()),
  runRowsCreated: z.number().int().describe("Fleet-step rows created in runs in progress."),
  clientCount: z.number().int(),
});

export const fleetRemovedResult = z.object({ removed: z.number().int(), clientCount: z.number().int() });

const fleetCounts = z.object({ ...Object.fromEntries(FLEET_STATUSES.map((s) => [s, z.number().int()])), total: z.number().int() }) as z.ZodObject<
  Record<(typeof FLEET_STATUSES)[number] | "total", z.ZodNumber>
>;

/** The fleet panel of one step in one run: counts per status and one page of clients. */
export const fleetStepViewResult = z.object({
  run: z.object({ id: z.string(), status: z.enum(RUN_STATUSES), projectId: z.string(), timezone: z.string() }),
  step: z.object({ id: z.string(), title: z.string(), fleetAction: z.enum(FLEET_ACTIONS).nullable() }),
  counts: fleetCounts,
  filter: z.object({ status: z.enum(["ALL", ...FLEET_STATUSES]), q: z.string() }),
  matching: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int(),
  rows: z.array(
    fleetClientResult.extend({
      id: z.string().describe("The client's row in this run: send it with `version` to tick it."),
      clientId: z.string(),
      status: z.enum(FLEET_STATUSES),
      reason: z.string(),
      version: z.number().int(),
      updatedAt: z.string().nullable(),
      updatedBy: z.string().nullable(),
    }),
  ),
  agentless: z.object({ count: z.number().int(), clients: z.array(z.object({ id: z.string(), hostname: z.string(), networkHostname: z.string(), os: z.string(), hardware: z.string() })) }).nullable(),
  bpconf: z
    .object({
      strategy: z.enum(HOSTNAME_STRATEGIES),
      master: z.string(),
      previousMaster: z.string(),
      servers: z.array(z.string()),
      lines: z.array(z.string()).describe('"SERVER = <name>" lines, in order.'),
      keepPrevious: z.boolean(),
    })
    .nullable()
    .describe("For an UPDATE_BPCONF step: the server list every client must end up with."),
});

/** What a fleet tick did. */
export const fleetUpdateResult = z.object({
  status: z.enum(FLEET_STATUSES),
  updated: z.number().int(),
  unchanged: z.number().int(),
  counts: fleetCounts,
  replayed: z.boolean().optional().describe("The same idempotency key was applied before: this is that answer, nothing changed now."),
});
