import "server-only";
import { planToRunbookDocument } from "../templates/from-project";
import type { RunbookDocument } from "../templates/runbook-document";
import { loadRunExportData, type RunExportData } from "./run-export-data";
import { RUN_EXPORT_FORMAT, RUN_EXPORT_VERSION, runExportSchema, type RunExport } from "./run-export-schema";
import { exportFilename } from "./text";
import { AUDIT_VERIFICATION_TEXT } from "./verification";

const iso = (date: Date) => date.toISOString();
/** Minutes to the hundredth: exact enough, and no 12.533333333333333 in the file. */
const minutes = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** The plan as a runbook document, exactly as "save project as template" writes it (step keys are the step numbers). */
export function planDocument(data: RunExportData): RunbookDocument {
  return planToRunbookDocument({ name: data.project.name, description: data.project.description, phases: data.phases });
}

export function runExportDocument(data: RunExportData, exportedBy: string): RunExport {
  const fleetByStep = new Map(
    (data.fleet?.steps ?? []).map((fs, column) => [
      fs.id,
      data.fleet!.rows.flatMap((row) => {
        const cell = row.cells[column];
        return cell ? [{ hostname: row.hostname, status: cell.status, reason: cell.reason, updatedBy: cell.updatedBy, updatedAt: iso(cell.updatedAt) }] : [];
      }),
    ]),
  );
  const s = data.summary;
  const document: RunExport = {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: iso(data.generatedAt),
    exportedBy,
    project: {
      id: data.project.id,
      name: data.project.name,
      description: data.project.description,
      product: data.project.product,
      sourceHost: data.project.sourceHost,
      targetHost: data.project.targetHost,
      hostnameStrategy: data.project.hostnameStrategy,
      mediaServers: data.project.mediaServers,
      timezone: data.project.timezone,
      windowStart: iso(data.project.windowStart),
      windowEnd: iso(data.project.windowEnd),
      status: data.project.status,
      fleetClients: (data.fleet?.rows ?? []).map((r) => ({ hostname: r.hostname, os: r.os, hardware: r.hardware, policy: r.policy, owner: r.owner })),
    },
    plan: planDocument(data),
    run: {
      id: data.run.id,
      name: data.run.name,
      kind: data.run.kind,
      status: data.run.status,
      mode: data.run.mode,
      final: data.run.finished,
      windowStart: iso(data.run.windowStart),
      windowEnd: iso(data.run.windowEnd),
      startedAt: iso(data.run.startedAt),
      endedAt: isoOrNull(data.run.endedAt),
      startedBy: data.run.startedBy,
      planVersion: data.run.planVersion,
      planHash: data.run.planHash,
      changeTicket: data.run.changeTicket,
      changeUrl: data.run.changeUrl,
      endReason: data.run.endReason,
      endedBy: data.run.endedBy,
      summary: {
        steps: s.total,
        done: s.done,
        skipped: s.skipped,
        failed: s.failed,
        inProgress: s.inProgress,
        pending: s.pending,
        plannedMinutesForward: s.plannedMinutesForward,
        plannedMinutesOfFinished: s.plannedMinutesOfFinished,
        actualMinutesOfFinished: minutes(s.actualMinutesOfFinished) ?? 0,
      },
      steps: Object.fromEntries(
        data.steps.map((step) => [
          step.number,
          {
            number: step.number,
            title: step.title,
            phase: step.phaseTitle,
            kind: step.kind,
            tracked: step.tracked,
            status: step.status,
            statusLabel: step.statusLabel,
            assignee: step.assigneeName,
            plannedMinutes: step.plannedMinutes,
            actualMinutes: minutes(step.actualMinutes),
            varianceMinutes: minutes(step.varianceMinutes),
            startedAt: isoOrNull(step.startedAt),
            startedBy: step.startedBy,
            finishedAt: isoOrNull(step.finishedAt),
            signedOffBy: step.signedOffBy,
            signedOffAt: isoOrNull(step.signedOffAt),
            note: step.note,
            reason: step.reason,
            gateDecision: step.gateDecision,
            decidedBy: step.decidedBy,
            ...(step.recordedValues.length > 0 ? { recorded: step.recordedValues } : {}),
            ...(step.evidence.length > 0 ? { evidence: step.evidence.map((e) => ({ name: e.name, size: e.size, sha256: e.sha256, by: e.by, at: iso(e.at), ...(e.client ? { client: e.client } : {}) })) } : {}),
            ...(step.fleetLine ? { fleetSignOff: { line: step.fleetLine, exceptions: step.fleetExceptions } } : {}),
            ...(step.isFleet ? { fleet: fleetByStep.get(step.id) ?? [] } : {}),
          },
        ]),
      ),
    },
    audit: {
      head: data.audit.chainHead,
      runHead: data.audit.runHead,
      signedHead: data.audit.signedHead,
      algorithm: "sha256",
      verification: AUDIT_VERIFICATION_TEXT,
      events: data.audit.events.map((e) => ({
        seq: e.seq,
        at: iso(e.at),
        actorId: e.actorId,
        actorName: e.actorName,
        projectId: e.projectId,
        runId: e.runId,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        before: e.before,
        after: e.after,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
    },
  };
  // Validate what we hand out: an export that wouldn't import again is a bug, not a download.
  return runExportSchema.parse(document);
}

export async function buildRunJson(options: { runId: string; exportedBy: string; now?: Date }): Promise<{ json: RunExport; filename: string }> {
  const data = await loadRunExportData(options);
  return { json: runExportDocument(data, options.exportedBy), filename: exportFilename(data.project.name, data.run.name, "json") };
}
