import "server-only";
import { requireProjectAccess, requireRunAccess } from "../projects/access";
import { appendAuditEvent } from "../audit/service";
import { canOperateSteps, canViewProjects, type ActingUser, type Actor } from "../platform/auth/permissions";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { readEvidence, sha256Of, storeEvidence } from "../platform/storage/evidence";
import { DEFAULT_MAX_EVIDENCE_MB, EVIDENCE_TYPES, evidenceContentType } from "./model";

/** The largest evidence file, in bytes: RUNSHEET_MAX_EVIDENCE_MB (default 10). */
export function maxEvidenceBytes(): number {
  const configured = Number(process.env.RUNSHEET_MAX_EVIDENCE_MB);
  return Math.round((Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_EVIDENCE_MB) * 1024 * 1024);
}

const NAME_MAX = 200;

/** What a file would be stored as, or why it can't be: empty, too large, or of a type we don't keep. */
export function checkEvidenceFile(file: { name: string; size: number; type: string }): { name: string; contentType: string } {
  // Control and bidirectional characters would make the name lie in the record.
  const name = file.name.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim().slice(-NAME_MAX);
  if (!name) throw new ValidationError("The file has no name.", { file: ["The file has no name."] });
  if (file.size === 0) throw new ValidationError(`"${name}" is empty.`, { file: ["The file is empty."] });
  const limit = maxEvidenceBytes();
  const shown = limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MB` : `${Math.round(limit / 1024)} KB`;
  if (file.size > limit) throw new ValidationError(`"${name}" is larger than ${shown}.`, { file: [`Files up to ${shown}.`] });
  const ext = name.toLowerCase().split(".").pop() ?? "";
  const declared = (file.type || "application/octet-stream").split(";")[0].trim().toLowerCase();
  const allowed = EVIDENCE_TYPES[ext];
  if (!allowed || !(allowed.includes(declared) || declared === "application/octet-stream")) {
    throw new ValidationError(`"${name}" isn't a kind of file kept as evidence. Attach a screenshot (PNG, JPEG, GIF, WebP), a text file or log (TXT, LOG, OUT, CSV, JSON) or a PDF.`, {
      file: ["Not an accepted kind of file."],
    });
  }
  return { name, contentType: evidenceContentType(name)! };
}

/**
 * Attaches a file to a step of an active run (or to one fleet client of it). The file is stored
 * under its SHA-256 first; the row and its audit event (with the hash) then commit together. A
 * refused file leaves nothing behind: it is checked before anything is written.
 */
export async function attachEvidence(options: { actor: ActingUser; runId: string; stepId: string; clientId?: string | null; clientHostname?: string | null; file: File }) {
  const { actor, file } = options;
  if (!canOperateSteps(actor)) throw new ForbiddenError("Your role can't attach evidence.");
  const checked = checkEvidenceFile(file);
  // Cheap checks against the database before the bytes are read and kept.
  const stepRun = await prisma.stepRun.findUnique({ where: { runId_stepId: { runId: options.runId, stepId: options.stepId } }, select: { id: true, title: true, kind: true, status: true, run: { select: { status: true, projectId: true } } } });
  if (!stepRun) throw new NotFoundError("Step in this run");
  await requireProjectAccess({ user: actor, projectId: stepRun.run.projectId, need: "operate", resource: "Step in this run" });
  if (stepRun.run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
  // Evidence goes with work: a step that has started or been signed off, not a gate's decision.
  if (stepRun.kind === "GATE") throw new ValidationError("A go/no-go decision takes a note, not files.", { file: ["Not on a gate."] });
  if (stepRun.status === "PENDING") throw new ConflictError("Start the step before attaching evidence to it.");
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.byteLength !== file.size || bytes.byteLength === 0) throw new ValidationError(`"${checked.name}" could not be read whole. Try again.`, { file: ["Read incompletely."] });
  const sha256 = sha256Of(bytes);
  return runTransaction(async (tx) => {
    const run = await tx.run.findUniqueOrThrow({ where: { id: options.runId }, select: { status: true, projectId: true } });
    if (run.status !== "ACTIVE") throw new ConflictError("This run has ended; its record can't be changed.");
    let clientHost: string | null = null;
    let clientId: string | null = null;
    if (options.clientId || options.clientHostname) {
      const wanted = options.clientHostname?.trim().toLowerCase();
      const rows = await tx.fleetClientRun.findMany({
        where: { runId: options.runId, stepId: options.stepId, ...(options.clientId ? { clientId: options.clientId } : {}) },
        select: { clientId: true, client: { select: { hostname: true } } },
      });
      const row = options.clientId ? rows[0] : rows.find((r) => r.client.hostname.toLowerCase() === wanted);
      if (!row) throw new ValidationError(`"${options.clientHostname ?? options.clientId}" isn't a client of this step.`, { client: ["Not a client of this step."] });
      clientHost = row.client.hostname;
      clientId = row.clientId;
    }
    // The same file, under the same name, on the same step (and client), by the same person: a
    // retried upload (the CLI resends when it didn't hear back), not new evidence. One record.
    const same = await tx.attachment.findFirst({
      where: { runId: options.runId, stepId: options.stepId, clientId, sha256, name: checked.name, uploadedById: actor.id },
      select: { id: true, name: true, size: true, createdAt: true },
    });
    if (same) return { id: same.id, name: same.name, size: same.size, sha256, createdAt: same.createdAt.toISOString(), replayed: true as const };
    // Stored inside the transaction's turn, after every check: a refused upload leaves no file.
    storeEvidence(bytes);
    const attachment = await tx.attachment.create({
      data: { runId: options.runId, stepId: options.stepId, clientId, clientHostname: clientHost, sha256, name: checked.name, size: bytes.byteLength, contentType: checked.contentType, uploadedById: actor.id, uploadedByName: actor.name },
    });
    await appendAuditEvent(tx, {
      actor,
      projectId: run.projectId,
      runId: options.runId,
      action: "evidence.attach",
      entityType: "attachment",
      entityId: attachment.id,
      before: null,
      after: { stepTitle: stepRun.title, name: checked.name, size: bytes.byteLength, sha256, ...(clientHost ? { client: clientHost } : {}) },
    });
    return { id: attachment.id, name: attachment.name, size: attachment.size, sha256, createdAt: attachment.createdAt.toISOString() };
  });
}

/** An attachment's bytes for download, checked against its recorded hash. */
export async function readAttachment(options: { actor: Actor; attachmentId: string }) {
  if (!canViewProjects(options.actor)) throw new ForbiddenError();
  const attachment = await prisma.attachment.findUnique({ where: { id: options.attachmentId } });
  if (!attachment) throw new NotFoundError("Attachment");
  await requireRunAccess({ user: options.actor, runId: attachment.runId, need: "view", resource: "Attachment" });
  const bytes = readEvidence(attachment.sha256);
  if (!bytes) throw new NotFoundError(`The file of "${attachment.name}"`);
  if (sha256Of(bytes) !== attachment.sha256) throw new ConflictError(`The stored file of "${attachment.name}" no longer matches its recorded SHA-256.`);
  return { attachment, bytes };
}
