import { NoGoOutcome } from "@/lib/generated/prisma/enums";
import { enumValues } from "../platform/enums";

/** The longest a single step may be planned for; longer work is split so progress stays visible. */
export const MAX_STEP_MINUTES = 24 * 60;

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
