import type { RoleName } from "./roles";

/**
 * Named permission rules. Pure functions of the acting user and the resource, so the same rule
 * is unit-tested, enforced by the server and used by the UI to hide what a role can't do.
 */
export interface Actor {
  id: string;
  role: RoleName;
}

/** The acting user as services record them: who, with which role, under which name. */
export type ActingUser = Actor & { name: string };

export interface GateLike {
  kind: string;
  assigneeId: string | null;
  /** The approvals the gate asks for (lib/plan/model.ts GateApprover); their people may decide too. */
  gateApprovers?: readonly ({ kind: "role"; role: string } | { kind: "user"; userId: string })[];
}

const isAdmin = (user: Actor) => user.role === "ADMIN";
const isOperatorOrAdmin = (user: Actor) => user.role === "ADMIN" || user.role === "OPERATOR";

export const canViewProjects = (user: Actor) => ROLE_SET.has(user.role);
export const canCreateProject = isAdmin;
export const canEditProject = isAdmin;
export const canEditPlan = isAdmin;
export const canManageUsers = isAdmin;
export const canManageTemplates = isAdmin;
export const canStartRun = isAdmin;
/** Bringing plan changes into a running run changes what operators work from: admins only, with a reason. */
export const canApplyPlanToRun = isAdmin;
/** Ending a run by hand makes its record final: admins only, with a reason. */
export const canAbortRun = isAdmin;
export const canEndRehearsal = isAdmin;
/** Start, Done (sign-off), Skip and Fail. */
export const canOperateSteps = isOperatorOrAdmin;
export const canSignOffStep = (user: Actor, step: { kind: string }) => isOperatorOrAdmin(user) && step.kind !== "GATE";
/** Undoing a sign-off rewrites history, so only admins may, and it is audited. */
export const canUndoSignOff = isAdmin;
/** A go/no-go needs a named decision from an admin, the gate's assignee, or one of its approvers. */
export const canDecideGate = (user: Actor, gate: GateLike) =>
  gate.kind === "GATE" &&
  (isAdmin(user) ||
    (isOperatorOrAdmin(user) &&
      (gate.assigneeId === user.id || (gate.gateApprovers ?? []).some((a) => (a.kind === "role" ? a.role === user.role : a.userId === user.id)))));
export const canUpdateFleet = isOperatorOrAdmin;

const ROLE_SET = new Set<string>(["ADMIN", "OPERATOR", "VIEWER"]);
