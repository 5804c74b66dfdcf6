import "server-only";
import { prisma } from "../platform/db/client";
import { NotFoundError } from "../platform/errors";
import { numberSteps } from "../plan/numbering";
import type { StepStatusName } from "./model";

/** Everything the run page shows, in one round of queries (no per-step fetches). */
export async function getRunView(options: { runId: string }) {
  const run = await prisma.run.findUnique({
    where: { id: options.runId },
    include: {
      project: true,
      startedBy: { select: { name: true } },
      stepRuns: {
        include: {
          startedBy: { select: { id: true, name: true } },
          signedOffBy: { select: { id: true, name: true } },
          decidedBy: { select: { id: true, name: true } },
        },
      },
    },
  });
  if (!run) throw new NotFoundError("Run");
  const phases = await prisma.phase.findMany({
    where: { projectId: run.projectId },
    orderBy: { position: "asc" },
    include: {
      steps: {
        orderBy: { position: "asc" },
        include: { predecessors: { select: { predecessorId: true } }, assignee: { select: { id: true, name: true } } },
      },
    },
  });
  return { run, phases };
}

/** The run page's props: small, serialisable, everything the board and its clocks need. */
export async function getRunBoard(options: { runId: string }) {
  // Read before the board: the page's live stream resumes after this event, so a change that
  // lands between this render and the stream's connect is still delivered (at worst twice).
  const head = await prisma.auditEvent.findFirst({ orderBy: { seq: "desc" }, select: { seq: true } });
  const { run, phases } = await getRunView(options);
  const numbers = numberSteps(phases);
  const stateByStep = new Map(run.stepRuns.map((s) => [s.stepId, s]));
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
    },
    project: { id: run.project.id, name: run.project.name, timezone: run.project.timezone, sourceHost: run.project.sourceHost, targetHost: run.project.targetHost },
    phases: phases.map((p) => ({ id: p.id, title: p.title, inWindow: p.inWindow })),
    steps,
    /** The newest audit event this render may not include changes after. */
    renderedAfterSeq: head?.seq ?? 0,
  };
}
export type RunBoardData = Awaited<ReturnType<typeof getRunBoard>>;
export type RunBoardStep = RunBoardData["steps"][number];
