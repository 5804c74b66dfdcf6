import "server-only";
import { prisma, type Tx } from "../platform/db/client";
import { readInPages } from "../platform/db/read-in-pages";
import { NotFoundError } from "../platform/errors";
import { fleetOutcomeLine, type FleetOutcome } from "../fleet/model";
import { numberSteps } from "../plan/numbering";
import { approverLabel, stepFactsOf, type GateApprover, type NoGoOutcomeName } from "../plan/model";
import { gateNoGoOutcome } from "./model";
import { parseLags, scheduleSteps } from "../plan/timing";
import { runNotBeforeAt } from "./forecast";
import type { StepStatusName } from "./model";

/** Steps per read of getRunView: ~3 ms of the server's thread each on SQLite. */
const STEP_PAGE_ROWS = 100;

/**
 * Everything the run page shows, in a few queries (no per-step fetches), from the run's
 * frozen copy of the plan (lib/runs/frozen-plan.ts): phases and steps as they were when the run
 * started, people's names as they were when they acted. Shaped like the plan (phases with their
 * steps, ids of the plan's steps), so every reader of a run treats it as the plan it ran.
 */
export async function getRunView(options: { runId: string; inOneBlock?: boolean; /** A read snapshot to read in (lib/platform/db/snapshot-postgres.ts); the shared client by default. */ db?: Tx }) {
  const db = options.db ?? prisma;
  const found = await db.run.findUnique({
    where: { id: options.runId },
    include: {
      project: true,
      phases: { orderBy: { position: "asc" } },
      // Every approval, No-Go and hold of the run's gates, undone ones included (marked revoked).
      gateApprovals: { orderBy: [{ at: "asc" }, { id: "asc" }] },
      attachments: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
    },
  });
  if (!found) throw new NotFoundError("Run");
  // The steps, the long part (a 300-step run: ~20 ms of one block on SQLite), in pages with breaks
  // between, in which waiting sign-offs go first. A step may change between pages; the run page's
  // live stream delivers that change, and an export that needs one moment checks for it and
  // may read again `inOneBlock` (lib/exports/run-export-data.ts).
  const pageRows = options.inOneBlock ? Number.MAX_SAFE_INTEGER : STEP_PAGE_ROWS;
  const stepRunRows = await readInPages(
    (after: { position: number; id: string } | null) =>
      db.stepRun.findMany({
        where: { runId: found.id, ...(after ? { OR: [{ position: { gt: after.position } }, { position: after.position, id: { gt: after.id } }] } : {}) },
        orderBy: [{ position: "asc" }, { id: "asc" }],
        ...(options.inOneBlock ? {} : { take: pageRows }),
      }),
    pageRows,
  );
  const run = { ...found, stepRuns: stepRunRows };
  const person = (id: string | null, name: string | null) => (id !== null || name !== null ? { id, name: name ?? "" } : null);
  const stepRuns = run.stepRuns.map((sr) => ({
    ...sr,
    startedBy: person(sr.startedById, sr.startedByName),
    signedOffBy: person(sr.signedOffById, sr.signedOffByName),
    decidedBy: person(sr.decidedById, sr.decidedByName),
  }));
  const stepsByPhase = new Map<string, typeof stepRuns>();
  for (const sr of stepRuns) stepsByPhase.set(sr.runPhaseId, [...(stepsByPhase.get(sr.runPhaseId) ?? []), sr]);
  const phases = run.phases.map((phase) => ({
    id: phase.phaseId,
    title: phase.title,
    description: phase.description,
    position: phase.position,
    inWindow: phase.inWindow,
    steps: (stepsByPhase.get(phase.id) ?? []).map((sr) => ({
      id: sr.stepId,
      phaseId: phase.phaseId,
      position: sr.position,
      ...stepFactsOf(sr),
      assignee: sr.assigneeName !== null ? { id: sr.assigneeId, name: sr.assigneeName } : null,
      predecessors: (JSON.parse(sr.predecessorIds) as string[]).map((predecessorId) => ({ predecessorId })),
      predecessorLags: parseLags(sr.predecessorLags),
    })),
  }));
  const { phases: _frozenPhases, stepRuns: _rows, gateApprovals, attachments, ...runFields } = run;
  return { run: { ...runFields, stepRuns }, phases, gateApprovals, attachments };
}

/** A gate on the run page: what a No-Go does, the approvals asked for and given, a hold. */
function gateView(
  step: { noGoOutcome: NoGoOutcomeName; gateApprovers: GateApprover[]; fourEyes: boolean },
  state: { heldAt: Date | null; heldByName: string | null; holdNote: string } | null,
  approvals: readonly { slot: number | null; decision: string; userName: string; note: string; at: Date }[],
) {
  const given = approvals.filter((a) => a.decision === "GO");
  return {
    noGoOutcome: gateNoGoOutcome(step.noGoOutcome, state?.heldAt != null),
    fourEyes: step.fourEyes,
    /** The approvals as rules, for the permission check the page shares with the server. */
    approverRules: step.gateApprovers,
    approvers: step.gateApprovers.map((approver, slot) => {
      const approval = given.find((a) => a.slot === slot);
      return { label: approverLabel(approver), approvedBy: approval?.userName ?? null, note: approval?.note ?? "", at: approval?.at.toISOString() ?? null };
    }),
    held: state?.heldAt ? { at: state.heldAt.toISOString(), by: state.heldByName, note: state.holdNote } : null,
  };
}

/** The run page's props: small, serialisable, everything the board and its clocks need. */
export async function getRunBoard(options: { runId: string }) {
  // Read before the board: the page's live stream resumes after this event, so a change that
  // lands between this render and the stream's connect is still delivered (at worst twice).
  const head = await prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  const { run, phases, gateApprovals, attachments } = await getRunView({ runId: options.runId });
  const evidenceByStep = new Map<string, typeof attachments>();
  for (const a of attachments) evidenceByStep.set(a.stepId, [...(evidenceByStep.get(a.stepId) ?? []), a]);
  const numbers = numberSteps(phases);
  const approvalsByStep = new Map<string, typeof gateApprovals>();
  for (const a of gateApprovals) if (!a.revokedAt) approvalsByStep.set(a.stepId, [...(approvalsByStep.get(a.stepId) ?? []), a]);
  const stateByStep = new Map(run.stepRuns.map((s) => [s.stepId, s]));
  // Planned clock times in this run's own window: its start plus each in-window forward step's
  // planned start, following predecessors, lags and not-before times (lib/plan/timing.ts). A
  // rehearsal rehearses the steps, not the night's clock: its not-before times don't hold it.
  const windowStart = run.windowStart.getTime();
  const timeZone = run.project.timezone;
  const notBeforeAt = (hhmm: string) => runNotBeforeAt(hhmm, { kind: run.kind, windowStart }, timeZone);
  const { times: planned } = scheduleSteps(
    phases
      .filter((p) => p.inWindow)
      .flatMap((p) => p.steps.filter((s) => s.kind !== "ROLLBACK"))
      .map((s) => {
        const at = notBeforeAt(s.notBefore);
        return { id: s.id, minutes: s.plannedMinutes, predecessorIds: s.predecessors.map((p) => p.predecessorId), lags: s.predecessorLags, notBeforeMinute: at === null ? null : (at - windowStart) / 60_000 };
      }),
  );
  const iso = (minute: number) => new Date(windowStart + minute * 60_000).toISOString();
  let order = 0;
  const steps = phases.flatMap((phase) =>
    phase.steps.map((step) => {
      const state = stateByStep.get(step.id);
      return {
        id: step.id,
        number: numbers.get(step.id)!,
        position: ++order,
        phaseId: phase.id,
        inWindow: phase.inWindow,
        title: step.title,
        details: step.details,
        commands: step.commands,
        verification: step.verification,
        team: step.team,
        kind: step.kind,
        isFleet: step.isFleet,
        plannedMinutes: step.plannedMinutes,
        assigneeId: step.assigneeId,
        assigneeName: step.assignee?.name ?? null,
        predecessorIds: step.predecessors.map((p) => p.predecessorId),
        predecessorLags: step.predecessorLags,
        /** "HH:MM" as frozen, and the instant it means in this run (null for rehearsals and steps without one). */
        notBefore: step.notBefore,
        notBeforeAt: step.notBefore ? notBeforeAt(step.notBefore) : null,
        /** Planned start and finish in this run's window, for in-window forward steps. */
        plannedStart: planned[step.id] ? iso(planned[step.id].startMinute) : null,
        plannedFinish: planned[step.id] ? iso(planned[step.id].finishMinute) : null,
        // A step added to the plan after this run ended has no state in it.
        tracked: state !== undefined,
        status: (state?.status ?? "PENDING") as StepStatusName,
        version: state?.version ?? 0,
        startedAt: state?.startedAt?.toISOString() ?? null,
        finishedAt: state?.finishedAt?.toISOString() ?? null,
        startedBy: state?.startedBy?.name ?? null,
        signedOffBy: state?.signedOffBy?.name ?? null,
        signedOffAt: state?.signedOffAt?.toISOString() ?? null,
        note: state?.note ?? "",
        reason: state?.reason ?? "",
        gateDecision: state?.gateDecision ?? null,
        decidedBy: state?.decidedBy?.name ?? null,
        requiredFields: step.requiredFields,
        /** The values recorded with the sign-off, by field key. */
        fieldValues: state ? (JSON.parse(state.fieldValues) as Record<string, string>) : {},
        evidence: (evidenceByStep.get(step.id) ?? []).map((a) => ({ id: a.id, name: a.name, size: a.size, sha256: a.sha256, by: a.uploadedByName, at: a.createdAt.toISOString(), client: a.clientHostname })),
        gate: step.kind === "GATE" ? gateView(step, state ?? null, approvalsByStep.get(step.id) ?? []) : null,
        /** A signed-off fleet step: "9 of 10 verified, 1 exception: reason". */
        fleetLine: state?.fleetOutcome ? fleetOutcomeLine(JSON.parse(state.fleetOutcome) as FleetOutcome, state.exceptionReason) : null,
      };
    }),
  );
  return {
    run: {
      id: run.id,
      name: run.name,
      kind: run.kind,
      status: run.status,
      mode: run.mode,
      windowStart: run.windowStart.toISOString(),
      windowEnd: run.windowEnd.toISOString(),
      startedAt: run.startedAt.toISOString(),
      endedAt: run.endedAt?.toISOString() ?? null,
      /** Set when an admin aborted the run or ended a rehearsal early. */
      endReason: run.endReason,
      endedBy: run.endedByName,
      planVersion: run.planVersion,
    },
    project: { id: run.project.id, name: run.project.name, timezone: run.project.timezone, sourceHost: run.project.sourceHost, targetHost: run.project.targetHost },
    change: { ticket: run.changeTicket, url: run.changeUrl || null },
    phases: phases.map((p) => ({ id: p.id, title: p.title, inWindow: p.inWindow })),
    steps,
    /** The newest audit event this render may not include changes after. */
    renderedAfterSeq: head?.seq ?? 0,
  };
}
export type RunBoardData = Awaited<ReturnType<typeof getRunBoard>>;
export type RunBoardStep = RunBoardData["steps"][number];
