import { z } from "zod";
import { runbookDocumentSchema } from "../templates/runbook-document";
import { STEP_KINDS, STEP_STATUSES } from "../runs/model";

/**
 * The JSON export of a run: the plan as a runbook document (so it imports again as a
 * template), the run's state per step keyed by the plan's step keys, and the run's audit
 * events with everything needed to recompute their hashes. Versioned: bump
 * RUN_EXPORT_VERSION when the shape changes.
 */
export const RUN_EXPORT_FORMAT = "runsheet.run-export";
export const RUN_EXPORT_VERSION = 1;

/**
 * UTC instants as ISO 8601 ("2026-11-28T12:05:00.000Z"). Input now keeps dates within 2000–2100,
 * but a row stored before that may hold any year JavaScript can represent; Date#toISOString writes
 * those with a signed six-digit year ("+275760-09-12T00:00:00.000Z"), which the export must still carry.
 */
const instant = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^[+-]\d{6}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)]);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "Not a SHA-256 hex digest.");
const head = z.object({ seq: z.number().int().positive(), hash: sha256 }).strict();
/** The newest signed checkpoint of the chain at export (lib/audit/checkpoint.ts): verifiable with the installation's public key. */
const signedHead = z.object({ seq: z.number().int().nonnegative(), headHash: sha256, at: instant, keyFingerprint: sha256, signature: z.string().min(1) }).strict();

export const fleetStatusSchema = z.enum(["PENDING", "UPDATED", "VERIFIED", "FAILED"]);

export const runExportStepStateSchema = z
  .object({
    /** As people say it on the bridge: "14", "R2". Equal to the key in this export's plan. */
    number: z.string().min(1),
    title: z.string(),
    phase: z.string(),
    kind: z.enum(STEP_KINDS),
    /** False when the step was added to the plan after the run started. */
    tracked: z.boolean(),
    status: z.enum(STEP_STATUSES),
    statusLabel: z.string(),
    assignee: z.string().nullable(),
    plannedMinutes: z.number().int().min(0),
    actualMinutes: z.number().min(0).nullable(),
    varianceMinutes: z.number().nullable(),
    startedAt: instant.nullable(),
    startedBy: z.string().nullable(),
    finishedAt: instant.nullable(),
    signedOffBy: z.string().nullable(),
    signedOffAt: instant.nullable(),
    note: z.string(),
    reason: z.string(),
    gateDecision: z.enum(["GO", "NO_GO"]).nullable(),
    decidedBy: z.string().nullable(),
    /** Values recorded at sign-off, as the step asked for them (absent when none). */
    recorded: z.array(z.object({ label: z.string(), value: z.string() }).strict()).optional(),
    /** Files attached to the step in this run (absent in older exports and when there are none). */
    evidence: z.array(z.object({ name: z.string(), size: z.number().int().min(0), sha256: z.string(), by: z.string(), at: instant, client: z.string().optional() }).strict()).optional(),
    /** A fleet step's sign-off: "9 of 10 verified, 1 exception: reason", and the clients that weren't done. */
    fleetSignOff: z.object({ line: z.string(), exceptions: z.array(z.object({ hostname: z.string(), status: z.string() }).strict()) }).strict().optional(),
    /** Fleet steps only: each client's progress in this run. */
    fleet: z
      .array(
        z
          .object({
            hostname: z.string(),
            status: fleetStatusSchema,
            reason: z.string(),
            updatedBy: z.string().nullable(),
            updatedAt: instant,
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export const runExportAuditEventSchema = z
  .object({
    seq: z.number().int().positive(),
    at: instant,
    actorId: z.string().nullable(),
    actorName: z.string(),
    projectId: z.string().nullable(),
    runId: z.string().nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    /** Stored JSON text, byte for byte: the hash covers these exact strings. */
    before: z.string(),
    after: z.string(),
    prevHash: sha256,
    hash: sha256,
  })
  .strict();

export const runExportSchema = z
  .object({
    format: z.literal(RUN_EXPORT_FORMAT),
    version: z.literal(RUN_EXPORT_VERSION),
    exportedAt: instant,
    exportedBy: z.string(),
    project: z
      .object({
        id: z.string(),
        name: z.string(),
        description: z.string(),
        product: z.string(),
        sourceHost: z.string(),
        targetHost: z.string(),
        hostnameStrategy: z.enum(["KEEP", "RENAME"]),
        mediaServers: z.array(z.string()),
        timezone: z.string(),
        windowStart: instant,
        windowEnd: instant,
        status: z.string(),
        fleetClients: z.array(z.object({ hostname: z.string(), os: z.string(), hardware: z.string(), policy: z.string(), owner: z.string() }).strict()),
      })
      .strict(),
    plan: runbookDocumentSchema,
    run: z
      .object({
        id: z.string(),
        name: z.string(),
        kind: z.enum(["REHEARSAL", "LIVE"]),
        status: z.enum(["ACTIVE", "COMPLETED", "ROLLED_BACK", "ABORTED"]),
        mode: z.enum(["FORWARD", "ROLLBACK"]),
        /** False while the run is active: the export is then not a final record. */
        final: z.boolean(),
        windowStart: instant,
        windowEnd: instant,
        startedAt: instant,
        endedAt: instant.nullable(),
        startedBy: z.string().nullable(),
        /** The plan version this run ran, and the SHA-256 of its frozen copy of the plan (absent in older exports). */
        planVersion: z.number().int().min(0).optional(),
        planHash: z.string().optional(),
        /** The change ticket the run ran under, and its link (absent in older exports). */
        changeTicket: z.string().optional(),
        changeUrl: z.string().optional(),
        /** Why the run was aborted or ended early (absent in older exports). */
        endReason: z.string().optional(),
        endedBy: z.string().nullable().optional(),
        summary: z
          .object({
            steps: z.number().int().min(0),
            done: z.number().int().min(0),
            skipped: z.number().int().min(0),
            failed: z.number().int().min(0),
            inProgress: z.number().int().min(0),
            pending: z.number().int().min(0),
            plannedMinutesForward: z.number().int().min(0),
            plannedMinutesOfFinished: z.number().int().min(0),
            actualMinutesOfFinished: z.number().min(0),
          })
          .strict(),
        /** State per step, keyed by the plan's step keys. */
        steps: z.record(z.string(), runExportStepStateSchema),
      })
      .strict(),
    audit: z
      .object({
        /** The newest event of the whole chain when this was exported. */
        head: head.nullable(),
        /** The newest event of this run. */
        runHead: head.nullable(),
        /** The newest signed checkpoint at export; absent in exports from before signed checkpoints. */
        signedHead: signedHead.nullable().optional(),
        algorithm: z.literal("sha256"),
        /** How a reader recomputes `hash` from an event. */
        verification: z.string(),
        events: z.array(runExportAuditEventSchema),
      })
      .strict(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const keys = new Set(doc.plan.phases.flatMap((p) => p.steps.map((s) => s.key)));
    for (const key of Object.keys(doc.run.steps)) {
      if (!keys.has(key)) ctx.addIssue({ code: "custom", path: ["run", "steps", key], message: `No step "${key}" in the plan.` });
    }
    for (const key of keys) {
      if (!(key in doc.run.steps)) ctx.addIssue({ code: "custom", path: ["run", "steps"], message: `Step "${key}" of the plan has no state.` });
    }
  });

export type RunExport = z.infer<typeof runExportSchema>;
