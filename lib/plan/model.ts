import { NoGoOutcome } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";
import type { FleetActionName, StepKindName } from "../runs/model";

/** The longest a single step may be planned for; longer work is split so progress stays visible. */
export const MAX_STEP_MINUTES = 24 * 60;

/** A value Done asks for: free text, a number, or one of a few choices. */
export interface RequiredField {
  key: string;
  label: string;
  type: "text" | "number" | "choice";
  options?: string[];
}
export const REQUIRED_FIELD_TYPES = ["text", "number", "choice"] as const;
export const MAX_REQUIRED_FIELDS = 5;

export function parseRequiredFields(json: string): RequiredField[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as RequiredField[]) : [];
  } catch {
    return [];
  }
}

/**
 * The values of a sign-off checked against what the step asks for: trimmed text, a finite number,
 * one of the choices. Errors are per field, keyed like the form's inputs ("fields.<key>").
 */
export function checkFieldValues(fields: readonly RequiredField[], values: Record<string, string>): { ok: true; values: Record<string, string> } | { ok: false; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = (values[field.key] ?? "").trim();
    if (!value) errors[`fields.${field.key}`] = [`${field.label} is required.`];
    else if (field.type === "number" && !Number.isFinite(Number(value.replace(/[\s,_]/g, "")))) errors[`fields.${field.key}`] = [`${field.label} must be a number.`];
    else if (field.type === "choice" && !(field.options ?? []).includes(value)) errors[`fields.${field.key}`] = [`Choose one of: ${(field.options ?? []).join(", ")}.`];
    else if (value.length > 500) errors[`fields.${field.key}`] = [`${field.label} must be at most 500 characters.`];
    else out[field.key] = value;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values: out };
}

/** A gate needs at most this many named approvals: more would stall a 3 a.m. decision. */
export const MAX_GATE_APPROVERS = 5;

/** What a No-Go at a gate does. Abort fits a gate before anything has changed (nothing to roll back). */
export const NO_GO_OUTCOMES = enumValues(NoGoOutcome);
export type NoGoOutcomeName = NoGoOutcome;
export const NO_GO_OUTCOME_LABELS: Record<NoGoOutcomeName, string> = {
  ROLLBACK: "Roll back",
  ABORT: "Abort the run (nothing has changed yet)",
  HOLD: "Hold for a second decision",
};

/** One approval a gate's Go needs: anyone with a role, or a named person (their name as it was when chosen). */
export type GateApprover = { kind: "role"; role: "ADMIN" | "OPERATOR" } | { kind: "user"; userId: string; name: string };

export const approverLabel = (approver: GateApprover) => (approver.kind === "role" ? (approver.role === "ADMIN" ? "An admin" : "An operator") : approver.name);

/** Whether `user` can give the approval `approver` asks for. */
export const fillsApprover = (user: { id: string; role: string }, approver: GateApprover) =>
  approver.kind === "role" ? user.role === approver.role : user.id === approver.userId;

export function parseGateApprovers(json: string): GateApprover[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as GateApprover[]) : [];
  } catch {
    return [];
  }
}

/** The plan columns a step row has, on the plan's `step` and on each run's frozen `step_run` alike. */
export interface StepFactColumns {
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  assigneeId: string | null;
  plannedMinutes: number;
  kind: string;
  isFleet: boolean;
  fleetAction: string | null;
  noGoOutcome: NoGoOutcomeName;
  gateApprovers: string;
  fourEyes: boolean;
  requiredFields: string;
  notBefore: string;
}

/** A step's plan facts from its row, JSON columns parsed: one reading for the plan, versions and runs. */
export function stepFactsOf(row: StepFactColumns) {
  return {
    title: row.title,
    details: row.details,
    commands: row.commands,
    verification: row.verification,
    team: row.team,
    assigneeId: row.assigneeId,
    plannedMinutes: row.plannedMinutes,
    kind: row.kind as StepKindName,
    isFleet: row.isFleet,
    fleetAction: row.fleetAction as FleetActionName | null,
    noGoOutcome: row.noGoOutcome,
    gateApprovers: parseGateApprovers(row.gateApprovers),
    fourEyes: row.fourEyes,
    requiredFields: parseRequiredFields(row.requiredFields),
    notBefore: row.notBefore,
  };
}

/** How an undo's plan version summary starts ("Undo of version 12 (1 step changed)"): an undo is not itself undone. */
export const UNDO_SUMMARY_PREFIX = "Undo of version ";
