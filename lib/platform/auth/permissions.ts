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
/**
 * Your own password, sessions and API tokens: everyone signed in, in person. A request made with
 * an API token may not change the account behind it (nor mint more tokens).
 */
export const canManageOwnAccount = (user: Actor & { token?: unknown }) => ROLE_SET.has(user.role) && !user.token;
/** Service tokens, and every user's tokens listed and revoked: admins, in person. */
export const canManageAllTokens = (user: Actor & { token?: unknown }) => isAdmin(user) && !user.token;
export const canCreateProject = isAdmin;
export const canEditProject = isAdmin;
export const canEditPlan = isAdmin;
export const canManageUsers = isAdmin;
export const canManageTemplates = isAdmin;
/** Teams are installation-wide; renaming or merging one rewrites every plan that uses it. */
export const canManageTeams = isAdmin;
export const canStartRun = isAdmin;
/** Bringing plan changes into a running run changes what operators work from: admins only, with a reason. */
export const canApplyPlanToRun = isAdmin;
/** Ending a run by hand makes its record final: admins only, with a reason. */
export const canAbortRun = isAdmin;
export const canEndRehearsal = isAdmin;
/** Start, Done (sign-off), Skip and Fail. */
export const canOperateSteps = isOperatorOrAdmin;
export const canSignOffStep = (user: Actor, step: { kind: string }) => isOperatorOrAdmin(user) && step.kind !== "GATE";
/** How long the person who signed a step off may take it back themselves (a mistaken tap). */
export const OWN_UNDO_WINDOW_MS = 2 * 60_000;

/**
 * Undoing a sign-off changes the record, so admins may (with a reason, audited), and the signer
 * may undo their own within two minutes of it; never a gate decision.
 */
export const canUndoSignOff = (user: Actor, signOff?: { kind: string; signedOffById: string | null; signedOffAt: Date | string | null }, now = Date.now()) =>
  isAdmin(user) ||
  (signOff !== undefined &&
    isOperatorOrAdmin(user) &&
    signOff.kind !== "GATE" &&
    signOff.signedOffById === user.id &&
    signOff.signedOffAt !== null &&
    now - new Date(signOff.signedOffAt).getTime() <= OWN_UNDO_WINDOW_MS);
/** A go/no-go needs a named decision from an admin, the gate's assignee, or one of its approvers. */
export const canDecideGate = (user: Actor, gate: GateLike) =>
  gate.kind === "GATE" &&
  (isAdmin(user) ||
    (isOperatorOrAdmin(user) &&
      (gate.assigneeId === user.id || (gate.gateApprovers ?? []).some((a) => (a.kind === "role" ? a.role === user.role : a.userId === user.id)))));
export const canUpdateFleet = isOperatorOrAdmin;
/**
 * Role-level: whether the role may decide any gate at all (admins and operators). Routes check it
 * before reading the request; canDecideGate then decides for the gate itself.
 */
export const canDecideGates = isOperatorOrAdmin;

const ROLE_SET = new Set<string>(["ADMIN", "OPERATOR", "VIEWER"]);

/** Who sees which projects: their members only, or every signed-in user (an installation setting). */
export type ProjectVisibility = "members" | "all";
/** What a request wants to do in a project: read it, work a run (operators), or change it (admins). */
export type ProjectNeed = "view" | "operate" | "edit";

const RANK: Record<RoleName, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/**
 * A user's role in one project, or null when they may not see it at all. Installation admins see
 * and do everything. Anyone else who is a member has the lower of their installation role and
 * their project role (a project role can narrow, never widen). A non-member sees the project only
 * when the installation shows every project, with their installation role.
 */
export function effectiveProjectRole(user: Actor, project: { visibility: ProjectVisibility; memberRole: "OPERATOR" | "VIEWER" | null }): RoleName | null {
  if (user.role === "ADMIN") return "ADMIN";
  if (project.memberRole !== null) return RANK[project.memberRole] < RANK[user.role] ? project.memberRole : user.role;
  return project.visibility === "all" ? user.role : null;
}

/** Whether a role in a project is enough for what is asked. */
export const projectRoleAllows = (role: RoleName, need: ProjectNeed) => (need === "view" ? true : need === "operate" ? RANK[role] >= RANK.OPERATOR : role === "ADMIN");
/** Members and the visibility setting: admins only. */
export const canManageMembers = isAdmin;
/**
 * Your own bell: everyone signed in (a script's token too: reading and acknowledging your own
 * notifications changes nothing of anyone else's). Each service filters by the user, so nobody
 * ever sees or answers someone else's.
 */
export const canUseOwnNotifications = (user: Actor) => ROLE_SET.has(user.role);
/** Which kinds reach you how: an account setting, so in person only (like your password). */
export const canManageOwnNotificationPreferences = canManageOwnAccount;
/** The project lead receives escalations: admins set them, like members. */
export const canSetProjectLead = isAdmin;
export const canManageSettings = isAdmin;
/** Who hears from a run, how often and in which words: admins (it speaks for the team to management). */
export const canManageStakeholderUpdates = isAdmin;
/**
 * Outbound webhooks send a project's events to another system, with a secret: installation admins.
 * Pointing one at a private or loopback address (the LAN, this server) is also theirs alone: a
 * server-side request can reach what a browser can't.
 */
export const canManageWebhooks = isAdmin;
export const canAllowPrivateWebhooks = isAdmin;
