import "server-only";
import { getRunView } from "../runs/queries";
import { readEvidence } from "../platform/storage/evidence";
import type { GateApprover, NoGoOutcomeName, RequiredField } from "../plan/model";
import { fleetOutcomeLine, type FleetOutcome } from "../fleet/model";
import { hashAuditEvent, type AuditContent } from "../audit/chain";
import { getAuditHead, getSignedAuditHead } from "../audit/service";
import { prisma, type Tx } from "../platform/db/client";
import { isPostgres } from "../platform/db/dialect";
import { readInPostgresSnapshot } from "../platform/db/snapshot-postgres";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { readInPages } from "../platform/db/read-in-pages";
import { numberSteps } from "../plan/numbering";
import { type RunModeName, type RunStatusName, type StepKindName, type StepStatusName } from "../runs/model";
import { summarizeAuditEvent } from "./audit-summary";

/**
 * Everything the PDF, CSV and JSON exports print about one run, loaded in a fixed handful of
 * queries (no per-step or per-client fetches) and computed once: step numbers, actual
 * durations, variances, the summary, the fleet matrix and the audit trail with its hashes.
 */

const MINUTE = 60_000;
export const FLEET_STATUSES = ["PENDING", "UPDATED", "VERIFIED", "FAILED"] as const;
export type FleetStatusName = (typeof FLEET_STATUSES)[number];

export interface ExportStep {
  id: string;
  number: string;
  /** 1-based position in plan order across phases. */
  order: number;
  phaseIndex: number;
  phaseTitle: string;
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  kind: StepKindName;
  isFleet: boolean;
  fleetAction: "UPDATE_BPCONF" | "CHECK_CONNECTIVITY" | "GENERIC" | null;
  plannedMinutes: number;
  assigneeName: string | null;
  predecessorIds: string[];
  /** Minutes to wait after a predecessor, by its step id, as frozen. */
  predecessorLags: Record<string, number>;
  /** "HH:MM" not-before time as frozen ("" = none). */
  notBefore: string;
  predecessorNumbers: string[];
  noGoOutcome: NoGoOutcomeName;
  gateApprovers: GateApprover[];
  fourEyes: boolean;
  requiredFields: RequiredField[];
  /** The values the step asks for at sign-off, and those recorded (label → value). */
  recordedValues: { label: string; value: string }[];
  /** Files attached to this step in the run, with their SHA-256; PNG/JPEG bytes for the PDF's thumbnails. */
  evidence: { id: string; name: string; size: number; sha256: string; contentType: string; by: string; at: Date; client: string | null; image: { data: Buffer; format: "png" | "jpg" } | null }[];
  /** Gates: every approval, hold and No-Go in this run, in order (undone ones left out). */
  gateApprovals: { decision: string; by: string; note: string; at: Date }[];
  /** False for a step added to the plan after this run started: it has no state in the run. */
  tracked: boolean;
  status: StepStatusName;
  startedAt: Date | null;
  startedBy: string | null;
  finishedAt: Date | null;
  signedOffBy: string | null;
  signedOffAt: Date | null;
  note: string;
  reason: string;
  gateDecision: "GO" | "NO_GO" | null;
  decidedBy: string | null;
  /** A signed-off fleet step: "9 of 10 verified, 1 exception: reason"; null otherwise. */
  fleetLine: string | null;
  /** The clients that weren't done when it was signed off with exceptions. */
  fleetExceptions: { hostname: string; status: string }[];
  /** Done steps: sign-off − start, in (fractional) minutes. */
  actualMinutes: number | null;
  /** actual − planned, for done steps. */
  varianceMinutes: number | null;
  /** Running steps: minutes since the start, at export time. */
  elapsedMinutes: number | null;
  /**
   * What the step's current state no longer shows, from the audit trail: earlier failures
   * (a re-started step clears its reason) and undone sign-offs. Oldest first.
   */
  history: { at: Date; actor: string; kind: "failed" | "undone"; text: string }[];
  /** Human status: "Done", "Go", "Not run", … */
  statusLabel: string;
}

export interface ExportPhase {
  id: string;
  index: number;
  title: string;
  description: string;
  inWindow: boolean;
  steps: ExportStep[];
  plannedMinutes: number;
  /** Sum of the done steps' actual minutes ("finished" below means done, with a measured duration). */
  actualMinutes: number;
  plannedMinutesOfFinished: number;
  finishedCount: number;
  trackedCount: number;
}

export interface ExportAuditEvent extends AuditContent {
  seq: number;
  prevHash: string;
  hash: string;
  summary: string;
  /** The stored hash equals SHA-256 of the stored content and link, recomputed at export. */
  hashValid: boolean;
}

export interface ExportFleetRow {
  clientId: string;
  hostname: string;
  os: string;
  hardware: string;
  policy: string;
  owner: string;
  /** One cell per fleet step (same order as `fleet.steps`); null when the client has no row for that step. */
  cells: ({ status: FleetStatusName; reason: string; updatedBy: string | null; updatedAt: Date } | null)[];
}

export interface ExportFleet {
  steps: { id: string; number: string; title: string; action: string | null; counts: Record<FleetStatusName, number>; total: number }[];
  rows: ExportFleetRow[];
}

/** PNG and JPEG evidence as images for the PDF (react-pdf draws those two); others are listed only. */
function thumbnailOf(a: { contentType: string; sha256: string }): { data: Buffer; format: "png" | "jpg" } | null {
  const format = a.contentType === "image/png" ? "png" : a.contentType === "image/jpeg" ? "jpg" : null;
  if (!format) return null;
  const data = readEvidence(a.sha256);
  return data ? { data, format } : null;
}

const fleetOutcomeOf = (state: { fleetOutcome: string | null } | undefined): FleetOutcome | null => (state?.fleetOutcome ? (JSON.parse(state.fleetOutcome) as FleetOutcome) : null);

export type RunExportData = Awaited<ReturnType<typeof loadRunExportData>>;

/**
 * @param options.sections Leave out what an export doesn't print (the CSV needs neither the
 *   fleet nor the audit trail); everything is loaded by default.
 */
export async function loadRunExportData(options: { runId: string; now?: Date; sections?: { fleet?: boolean; audit?: boolean } }) {
  const now = options.now ?? new Date();
  const wantFleet = options.sections?.fleet ?? true;
  const wantAudit = options.sections?.audit ?? true;
  // The run's frozen copy of the plan (an export of a run is a record of what that run ran), its
  // audit trail and its fleet, as of one moment (readRecord says how on each database).
  const signedHead = wantAudit ? await getSignedAuditHead() : null;
  const { view, auditRows, chainHead, fleetRuns, clients } = await readRecord({ runId: options.runId, wantAudit, wantFleet });
  const { run, phases, gateApprovals, attachments } = view;
  const project = run.project;

  // ---- steps ---------------------------------------------------------------------------------
  const numbers = numberSteps(phases);
  const stateByStep = new Map(run.stepRuns.map((s) => [s.stepId, s]));
  const runEnded = run.status !== "ACTIVE";
  let order = 0;
  const exportPhases: ExportPhase[] = phases.map((phase, phaseIndex) => {
    const steps = phase.steps.map((step): ExportStep => {
      const state = stateByStep.get(step.id);
      const status = (state?.status ?? "PENDING") as StepStatusName;
      // Actual time is measured for work that was done; a skip or a failure has no comparable duration.
      const actual = status === "DONE" && state?.startedAt && state.finishedAt ? (state.finishedAt.getTime() - state.startedAt.getTime()) / MINUTE : null;
      // An ended run is measured to its end: exporting it later must not change the record.
      const elapsed = status === "IN_PROGRESS" && state?.startedAt ? Math.max(0, ((run.endedAt ?? now).getTime() - state.startedAt.getTime()) / MINUTE) : null;
      const gateDecision = (state?.gateDecision ?? null) as "GO" | "NO_GO" | null;
      return {
        id: step.id,
        number: numbers.get(step.id)!,
        order: ++order,
        phaseIndex,
        phaseTitle: phase.title,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        kind: step.kind as StepKindName,
        isFleet: step.isFleet,
        fleetAction: step.fleetAction,
        plannedMinutes: step.plannedMinutes,
        assigneeName: step.assignee?.name ?? null,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
        predecessorLags: step.predecessorLags,
        notBefore: step.notBefore,
        predecessorNumbers: [],
        noGoOutcome: step.noGoOutcome,
        gateApprovers: step.gateApprovers,
        fourEyes: step.fourEyes,
        requiredFields: step.requiredFields,
        recordedValues: step.requiredFields.map((f) => ({ label: f.label, value: (state ? (JSON.parse(state.fieldValues) as Record<string, string>) : {})[f.key] ?? "" })).filter((v) => v.value !== ""),
        gateApprovals: gateApprovals.filter((a) => a.stepId === step.id && !a.revokedAt).map((a) => ({ decision: a.decision, by: a.userName, note: a.note, at: a.at })),
        evidence: attachments.filter((a) => a.stepId === step.id).map((a) => ({ id: a.id, name: a.name, size: a.size, sha256: a.sha256, contentType: a.contentType, by: a.uploadedByName, at: a.createdAt, client: a.clientHostname, image: thumbnailOf(a) })),
        tracked: state !== undefined,
        status,
        startedAt: state?.startedAt ?? null,
        startedBy: state?.startedBy?.name ?? null,
        finishedAt: state?.finishedAt ?? null,
        signedOffBy: state?.signedOffBy?.name ?? null,
        signedOffAt: state?.signedOffAt ?? null,
        note: state?.note ?? "",
        reason: state?.reason ?? "",
        gateDecision,
        decidedBy: state?.decidedBy?.name ?? null,
        fleetLine: fleetOutcomeOf(state) ? fleetOutcomeLine(fleetOutcomeOf(state)!, state!.exceptionReason) : null,
        fleetExceptions: fleetOutcomeOf(state)?.exceptions ?? [],
        actualMinutes: actual,
        varianceMinutes: actual === null ? null : actual - step.plannedMinutes,
        elapsedMinutes: elapsed,
        history: [],
        statusLabel: statusLabel({ tracked: state !== undefined, status, gateDecision, runEnded }),
      };
    });
    const finished = steps.filter((s) => s.actualMinutes !== null);
    return {
      id: phase.id,
      index: phaseIndex,
      title: phase.title,
      description: phase.description,
      inWindow: phase.inWindow,
      steps,
      plannedMinutes: steps.reduce((sum, s) => sum + s.plannedMinutes, 0),
      actualMinutes: finished.reduce((sum, s) => sum + (s.actualMinutes ?? 0), 0),
      plannedMinutesOfFinished: finished.reduce((sum, s) => sum + s.plannedMinutes, 0),
      finishedCount: finished.length,
      trackedCount: steps.filter((s) => s.tracked).length,
    };
  });
  const steps = exportPhases.flatMap((p) => p.steps);
  for (const step of steps) step.predecessorNumbers = step.predecessorIds.map((id) => numbers.get(id)).filter((n): n is string => n !== undefined);

  // ---- summary -------------------------------------------------------------------------------
  const tracked = steps.filter((s) => s.tracked);
  const countOf = (status: StepStatusName) => tracked.filter((s) => s.status === status).length;
  const finished = steps.filter((s) => s.actualMinutes !== null);
  const inWindowSteps = steps.filter((s) => exportPhases[s.phaseIndex].inWindow && s.startedAt);
  const summary = {
    total: steps.length,
    tracked: tracked.length,
    done: countOf("DONE"),
    skipped: countOf("SKIPPED"),
    failed: countOf("FAILED"),
    inProgress: countOf("IN_PROGRESS"),
    pending: countOf("PENDING"),
    forwardSteps: steps.filter((s) => s.kind !== "ROLLBACK").length,
    plannedMinutesForward: steps.filter((s) => s.kind !== "ROLLBACK").reduce((sum, s) => sum + s.plannedMinutes, 0),
    plannedMinutesRollback: steps.filter((s) => s.kind === "ROLLBACK").reduce((sum, s) => sum + s.plannedMinutes, 0),
    finishedCount: finished.length,
    plannedMinutesOfFinished: finished.reduce((sum, s) => sum + s.plannedMinutes, 0),
    actualMinutesOfFinished: finished.reduce((sum, s) => sum + (s.actualMinutes ?? 0), 0),
    overruns: finished
      .filter((s) => Math.round(s.varianceMinutes ?? 0) > 0)
      .sort((a, b) => (b.varianceMinutes ?? 0) - (a.varianceMinutes ?? 0) || a.order - b.order)
      .slice(0, 5),
    windowWork: {
      firstStart: minDate(inWindowSteps.map((s) => s.startedAt)),
      lastFinish: maxDate(inWindowSteps.map((s) => s.finishedAt)),
    },
    gates: steps.filter((s) => s.kind === "GATE"),
  };

  // ---- fleet ---------------------------------------------------------------------------------
  let fleet: ExportFleet | null = null;
  const fleetSteps = wantFleet ? steps.filter((s) => s.isFleet) : [];
  if (fleetSteps.length > 0) {
    const column = new Map(fleetSteps.map((s, i) => [s.id, i]));
    // The run's own record of a client where it kept one (the client was edited after it ended).
    const recordedByClient = new Map(fleetRuns.filter((r) => r.hostname !== null).map((r) => [r.clientId, r]));
    const rowByClient = new Map<string, ExportFleetRow>(
      clients.map((c) => {
        const recorded = recordedByClient.get(c.id);
        const facts = recorded ? { hostname: recorded.hostname!, os: recorded.os ?? "", hardware: recorded.hardware ?? "", policy: recorded.policy ?? "", owner: recorded.owner ?? "" } : c;
        return [c.id, { clientId: c.id, hostname: facts.hostname, os: facts.os, hardware: facts.hardware, policy: facts.policy, owner: facts.owner, cells: fleetSteps.map(() => null) }];
      }),
    );
    const counts = fleetSteps.map(() => ({ PENDING: 0, UPDATED: 0, VERIFIED: 0, FAILED: 0 }) as Record<FleetStatusName, number>);
    for (const fr of fleetRuns) {
      const row = rowByClient.get(fr.clientId);
      const index = column.get(fr.stepId);
      if (!row || index === undefined) continue;
      const status = fr.status as FleetStatusName;
      row.cells[index] = { status, reason: fr.reason, updatedBy: fr.updatedByName, updatedAt: fr.updatedAt };
      counts[index][status]++;
    }
    fleet = {
      steps: fleetSteps.map((s, i) => ({ id: s.id, number: s.number, title: s.title, action: s.fleetAction, counts: counts[i], total: Object.values(counts[i]).reduce((a, b) => a + b, 0) })),
      rows: [...rowByClient.values()],
    };
  }

  // ---- audit ---------------------------------------------------------------------------------
  const stepNumberByStepRunId = new Map(run.stepRuns.map((s) => [s.id, numbers.get(s.stepId) ?? "?"]));
  const events: ExportAuditEvent[] = auditRows.map((e) => ({
    ...e,
    summary: summarizeAuditEvent(e, { stepNumberByStepRunId, stepNumberByStepId: numbers }),
    hashValid: hashAuditEvent(e.prevHash, e) === e.hash,
  }));
  // Earlier failures and undone sign-offs, which the step's current state no longer shows.
  const stepIdByStepRunId = new Map(run.stepRuns.map((sr) => [sr.id, sr.stepId]));
  const stepById = new Map(steps.map((st) => [st.id, st]));
  for (const e of events) {
    if (e.action !== "step.fail" && e.action !== "step.undo_signoff") continue;
    const step = stepById.get(stepIdByStepRunId.get(e.entityId) ?? "");
    if (!step) continue;
    const after = parseObject(e.after);
    const before = parseObject(e.before);
    // A failure queued offline happened at its own time (the step's finish), not when it was recorded.
    const failedAt = typeof after.finishedAt === "string" && !Number.isNaN(Date.parse(after.finishedAt)) ? new Date(after.finishedAt) : e.at;
    if (e.action === "step.fail") step.history.push({ at: failedAt, actor: e.actorName, kind: "failed", text: typeof after.reason === "string" ? after.reason : "" });
    else step.history.push({ at: e.at, actor: e.actorName, kind: "undone", text: `${typeof after.undoReason === "string" ? after.undoReason : ""}${typeof before.status === "string" ? ` (was ${before.status.toLowerCase().replace("_", " ")})` : ""}` });
  }
  for (const step of steps) {
    // A step that is failed right now shows that failure as its reason already.
    const lastEntry = step.history[step.history.length - 1];
    if (step.status === "FAILED" && lastEntry?.kind === "failed") step.history.pop();
  }

  const last = events[events.length - 1];

  return {
    generatedAt: now,
    project: {
      id: project.id,
      name: project.name,
      description: project.description,
      product: project.product,
      sourceHost: project.sourceHost,
      targetHost: project.targetHost,
      hostnameStrategy: project.hostnameStrategy as "KEEP" | "RENAME",
      mediaServers: parseStringArray(project.mediaServers),
      timezone: project.timezone,
      windowStart: project.windowStart,
      windowEnd: project.windowEnd,
      status: project.status,
    },
    run: {
      id: run.id,
      name: run.name,
      kind: run.kind as "REHEARSAL" | "LIVE",
      status: run.status as RunStatusName,
      mode: run.mode as RunModeName,
      windowStart: run.windowStart,
      windowEnd: run.windowEnd,
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      startedBy: run.startedByName,
      finished: runEnded,
      /** The plan version the run's frozen copy came from, and the SHA-256 of that copy (0 and "" for runs from before versions). */
      planVersion: run.planVersion,
      planHash: run.planHash,
      /** The change ticket the run ran under and its link ("" when none), as recorded when it started. */
      changeTicket: run.changeTicket,
      changeUrl: run.changeUrl,
      /** Who ended the run by hand (abort, rehearsal ended early) and why; "" otherwise. */
      endReason: run.endReason,
      endedBy: run.endedByName,
    },
    phases: exportPhases,
    steps,
    summary,
    fleet,
    audit: {
      events,
      runHead: last ? { seq: last.seq, hash: last.hash } : null,
      chainHead,
      /** The newest signed checkpoint when this was exported (normally the chain head itself). */
      signedHead,
      invalidSeqs: events.filter((e) => !e.hashValid).map((e) => e.seq),
    },
  };
}

function statusLabel(input: { tracked: boolean; status: StepStatusName; gateDecision: "GO" | "NO_GO" | null; runEnded: boolean }): string {
  if (!input.tracked) return "Not in this run";
  switch (input.status) {
    case "DONE":
      return input.gateDecision === "GO" ? "Go" : input.gateDecision === "NO_GO" ? "No-Go" : "Done";
    case "SKIPPED":
      return "Skipped";
    case "FAILED":
      return "Failed";
    case "IN_PROGRESS":
      return "In progress";
    default:
      return input.runEnded ? "Not run" : "Pending";
  }
}

/** Rows per page of the fleet reads: ~2–3 ms of the server's thread each on SQLite. */
const FLEET_PAGE_ROWS = 250;

/** Reads of the steps and the audit trail before the last one, which is done in one block. */
const CONSISTENT_READ_ATTEMPTS = 3;

/**
 * The reads behind a record, of one moment. The signed head is read by the caller before this
 * starts: signing may write the checkpoint file (a break), and the chain head read here is then at
 * or after the signed one.
 *
 * On PostgreSQL everything is read in one REPEATABLE READ snapshot, which holds back no writer.
 * On SQLite a snapshot would hold Prisma's only connection for the whole read, and every page
 * render behind it, so the steps are read in pages with breaks in which a sign-off may commit
 * instead. Every change to a run's steps, gates or evidence appends an audit event of that run in
 * the same transaction: when the run's newest event is the same before the steps are read and at
 * the end of the trail read after them, nothing changed in between. Otherwise they are read again;
 * a run that keeps changing is read once more without breaks, as one block (SQLite's reads run
 * synchronously, so nothing commits inside it). The fleet comes after, in pages with breaks: a
 * fleet tick may land in between, and a run in progress is exported as "not a final record",
 * while an ended run no longer changes.
 */
async function readRecord(options: { runId: string; wantAudit: boolean; wantFleet: boolean }) {
  if (isPostgres()) {
    return readInPostgresSnapshot(async (db) => {
      const steps = await readStepsAndTrail({ db, ...options, inOneBlock: false });
      return { ...steps, ...(await readFleet({ db, view: steps.view, wantFleet: options.wantFleet })) };
    });
  }
  for (let attempt = 1; ; attempt++) {
    const inOneBlock = attempt === CONSISTENT_READ_ATTEMPTS;
    const before = await getAuditHead({ runId: options.runId });
    const steps = await readStepsAndTrail({ db: prisma, ...options, inOneBlock });
    const after = options.wantAudit ? (steps.auditRows.at(-1) ?? null) : await getAuditHead({ runId: options.runId });
    if (inOneBlock || (before?.seq ?? null) === (after?.seq ?? null)) {
      await yieldToEventLoop();
      return { ...steps, ...(await readFleet({ db: prisma, view: steps.view, wantFleet: options.wantFleet })) };
    }
  }
}

async function readStepsAndTrail(options: { db: Tx; runId: string; wantAudit: boolean; inOneBlock: boolean }) {
  const { db, runId } = options;
  const view = await getRunView({ runId, inOneBlock: options.inOneBlock, db });
  const auditRows = options.wantAudit ? await db.auditEvent.findMany({ where: { runId }, orderBy: { seq: "asc" } }) : [];
  const chainHead = options.wantAudit ? await getAuditHead({ db }) : null;
  return { view, auditRows, chainHead };
}

/**
 * The fleet, the large part, in pages with breaks between, in which waiting requests go first
 * (lib/platform/db/read-in-pages.ts).
 */
async function readFleet(options: { db: Tx; view: Awaited<ReturnType<typeof getRunView>>; wantFleet: boolean }) {
  const { db, view } = options;
  const fleetStepIds = options.wantFleet ? view.phases.flatMap((p) => p.steps.filter((s) => s.isFleet).map((s) => s.id)) : [];
  if (fleetStepIds.length === 0) return { clients: [], fleetRuns: [] };
  const clients = await readInPages(
    (after: { hostname: string } | null) =>
      db.fleetClient.findMany({
        where: { projectId: view.run.projectId, ...(after ? { hostname: { gt: after.hostname } } : {}) },
        orderBy: { hostname: "asc" },
        take: FLEET_PAGE_ROWS,
        select: { id: true, hostname: true, os: true, hardware: true, policy: true, owner: true },
      }),
    FLEET_PAGE_ROWS,
  );
  const fleetRuns = [];
  // Step by step, in client order: pages that follow the (runId, stepId, clientId) index. Paged by
  // id instead, each page sorted all of the run's rows again.
  for (const stepId of fleetStepIds) {
    fleetRuns.push(
      ...(await readInPages(
        (after: { clientId: string } | null) =>
          db.fleetClientRun.findMany({
            where: { runId: view.run.id, stepId, ...(after ? { clientId: { gt: after.clientId } } : {}) },
            orderBy: { clientId: "asc" },
            take: FLEET_PAGE_ROWS,
            select: { id: true, stepId: true, clientId: true, status: true, reason: true, updatedAt: true, updatedByName: true, hostname: true, os: true, hardware: true, policy: true, owner: true },
          }),
        FLEET_PAGE_ROWS,
      )),
    );
  }
  return { clients, fleetRuns };
}

function minDate(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d.getTime() < best.getTime())) best = d;
  return best;
}

function maxDate(dates: (Date | null)[]): Date | null {
  let best: Date | null = null;
  for (const d of dates) if (d && (!best || d.getTime() > best.getTime())) best = d;
  return best;
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function parseStringArray(json: string): string[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}
