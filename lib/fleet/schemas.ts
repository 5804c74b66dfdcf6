import { z } from "zod";
import { id, idempotencyKeyField, occurredAtField, queryInt, text } from "../platform/validation";
import { FLEET_STATUSES, ID_CHUNK } from "./model";
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
