import { truncate } from "./text";

/** Short names for audit actions, as printed in the export's appendix. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  "project.create": "Project created",
  "project.update": "Project edited",
  "project.seed_assignments": "Steps assigned",
  "phase.create": "Phase added",
  "phase.update": "Phase edited",
  "phase.delete": "Phase deleted",
  "phase.move": "Phase moved",
  "step.create": "Step added",
  "step.update": "Step edited",
  "step.delete": "Step deleted",
  "step.move": "Step moved",
  "run.start": "Run started",
  "run.complete": "Run completed",
  "run.rolled_back": "Run rolled back",
  "run.rollback_started": "Rollback started",
  "step.start": "Step started",
  "step.done": "Step signed off",
  "step.skip": "Step skipped",
  "step.fail": "Step failed",
  "step.undo_signoff": "Sign-off undone",
  "gate.go": "Gate: Go",
  "gate.no_go": "Gate: No-Go",
  "gate.approve": "Gate: approval",
  "gate.hold": "Gate: held",
  "run.abort": "Run aborted",
  "run.end_early": "Rehearsal ended early",
  "run.plan_applied": "Plan changes applied",
  "evidence.attach": "Evidence attached",
};

export function auditActionLabel(action: string): string {
  if (AUDIT_ACTION_LABELS[action]) return AUDIT_ACTION_LABELS[action];
  const [entity, verb] = action.split(".");
  if (!verb) return action;
  const words = `${entity} ${verb.replace(/_/g, " ")}`;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function parse(json: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * One line saying what an event did, for people: which step (by its number), what was noted,
 * why it was skipped. The full before/after JSON is in the JSON export.
 */
export function summarizeAuditEvent(
  event: { action: string; entityType: string; entityId: string; before: string; after: string },
  context: { stepNumberByStepRunId: ReadonlyMap<string, string>; stepNumberByStepId?: ReadonlyMap<string, string> },
): string {
  const after = parse(event.after) ?? {};
  const before = parse(event.before) ?? {};
  const number = event.entityType === "step_run" ? context.stepNumberByStepRunId.get(event.entityId) : event.entityType === "step" ? context.stepNumberByStepId?.get(event.entityId) : undefined;
  const title = str(after.stepTitle) || str(after.title) || str(before.title);
  const stepRef = [number ? `Step ${number}` : "", title ? `“${truncate(title, 70)}”` : ""].filter(Boolean).join(" ");
  const note = str(after.note);
  const reason = str(after.reason);
  const offline = after.offline === true ? " (queued offline)" : "";
  switch (event.action) {
    case "run.start":
      return `${str(after.kind) === "LIVE" ? "Live run" : str(after.kind) === "REHEARSAL" ? "Rehearsal" : "Run"} “${truncate(str(after.name), 60)}” started`;
    case "run.complete":
      return "Every step in scope finished; run completed";
    case "run.rolled_back":
      return "Every rollback step finished; run rolled back";
    case "run.rollback_started":
      return `Switched to the rollback steps${str(after.gate) ? ` after No-Go on “${truncate(str(after.gate), 60)}”` : ""}`;
    case "step.start":
      return `${stepRef}${offline}`;
    case "step.done":
      return `${stepRef}${note ? ` — note: ${truncate(note, 90)}` : ""}${offline}`;
    case "step.skip":
    case "step.fail":
      return `${stepRef}${reason ? ` — reason: ${truncate(reason, 90)}` : ""}${offline}`;
    case "step.undo_signoff":
      return `${stepRef}${str(after.undoReason) ? ` — why: ${truncate(str(after.undoReason), 90)}` : ""}`;
    case "gate.go":
    case "gate.no_go":
    case "gate.approve":
    case "gate.hold":
      return `${stepRef}${note ? ` — ${truncate(note, 100)}` : ""}`;
    case "run.abort":
    case "run.end_early":
    case "run.plan_applied":
      return reason ? `Why: ${truncate(reason, 120)}` : auditActionLabel(event.action);
    case "evidence.attach":
      return `${stepRef} — ${truncate(str(after.name), 60)} (SHA-256 ${str(after.sha256).slice(0, 16)}…)`;
    default: {
      if (stepRef) return stepRef;
      const name = str(after.name) || str(after.hostname) || str(after.title);
      return name ? `“${truncate(name, 80)}”` : `${event.entityType} ${event.entityId.slice(0, 12)}`;
    }
  }
}
