import { describe, expect, it } from "vitest";
import * as permissions from "@/lib/platform/auth/permissions";
import type { Actor } from "@/lib/platform/auth/permissions";
import type { RoleName } from "@/lib/platform/auth/roles";

const admin: Actor = { id: "u-admin", role: "ADMIN" };
const operator: Actor = { id: "u-op", role: "OPERATOR" };
const viewer: Actor = { id: "u-view", role: "VIEWER" };
const actors: Record<RoleName, Actor> = { ADMIN: admin, OPERATOR: operator, VIEWER: viewer };

/** Rules that take only the user, and which roles each allows. */
const simpleRules: Record<string, RoleName[]> = {
  canViewProjects: ["ADMIN", "OPERATOR", "VIEWER"],
  canManageOwnAccount: ["ADMIN", "OPERATOR", "VIEWER"],
  canCreateProject: ["ADMIN"],
  canEditProject: ["ADMIN"],
  canEditPlan: ["ADMIN"],
  canManageUsers: ["ADMIN"],
  canManageTemplates: ["ADMIN"],
  canManageTeams: ["ADMIN"],
  canStartRun: ["ADMIN"],
  canAbortRun: ["ADMIN"],
  canEndRehearsal: ["ADMIN"],
  canApplyPlanToRun: ["ADMIN"],
  canOperateSteps: ["ADMIN", "OPERATOR"],
  canUndoSignOff: ["ADMIN"],
  canUpdateFleet: ["ADMIN", "OPERATOR"],
  canDecideGates: ["ADMIN", "OPERATOR"],
  canManageMembers: ["ADMIN"],
  canManageSettings: ["ADMIN"],
  canManageStakeholderUpdates: ["ADMIN"],
  canManageAllTokens: ["ADMIN"],
  canUseOwnNotifications: ["ADMIN", "OPERATOR", "VIEWER"],
  canManageOwnNotificationPreferences: ["ADMIN", "OPERATOR", "VIEWER"],
  canSetProjectLead: ["ADMIN"],
  canManageWebhooks: ["ADMIN"],
  canAllowPrivateWebhooks: ["ADMIN"],
};

describe("user-only rules", () => {
  const cases = Object.entries(simpleRules).flatMap(([rule, allowed]) =>
    (Object.keys(actors) as RoleName[]).map((role) => ({ rule, role, allowed: allowed.includes(role) })),
  );

  it.each(cases)("$rule for $role → $allowed", ({ rule, role, allowed }) => {
    const fn = (permissions as unknown as Record<string, (user: Actor) => boolean>)[rule];
    expect(typeof fn).toBe("function");
    expect(fn(actors[role])).toBe(allowed);
  });

  it("every exported can* rule is covered by a test", () => {
    const exported = Object.keys(permissions).filter((k) => k.startsWith("can")).sort();
    expect(exported).toEqual([...Object.keys(simpleRules), "canDecideGate", "canSignOffStep"].sort());
  });

  it("an unknown role can't even view projects", () => {
    expect(permissions.canViewProjects({ id: "x", role: "GUEST" as RoleName })).toBe(false);
    expect(permissions.canOperateSteps({ id: "x", role: "GUEST" as RoleName })).toBe(false);
  });
});

describe("with an API token", () => {
  const token = { id: "t1", name: "scripts", kind: "PERSONAL", scope: "ADMIN", projectIds: null, ownerId: "u-admin", ownerRole: "ADMIN" };
  it("nobody changes their account (password, sessions, tokens) or all tokens with a token, whatever its scope", () => {
    for (const user of [admin, operator, viewer]) {
      expect(permissions.canManageOwnAccount({ ...user, token })).toBe(false);
      expect(permissions.canManageOwnNotificationPreferences({ ...user, token })).toBe(false);
      expect(permissions.canManageAllTokens({ ...user, token })).toBe(false);
    }
  });
});

describe("canSignOffStep", () => {
  it.each(["TASK", "MILESTONE", "ROLLBACK"])("admin and operator may sign off a %s step; viewer may not", (kind) => {
    expect(permissions.canSignOffStep(admin, { kind })).toBe(true);
    expect(permissions.canSignOffStep(operator, { kind })).toBe(true);
    expect(permissions.canSignOffStep(viewer, { kind })).toBe(false);
  });

  it("nobody signs off a GATE; gates are decided, not signed off", () => {
    for (const user of [admin, operator, viewer]) expect(permissions.canSignOffStep(user, { kind: "GATE" })).toBe(false);
  });
});

describe("canDecideGate", () => {
  const gate = (assigneeId: string | null, kind = "GATE") => ({ kind, assigneeId });

  it("admin may decide any gate, assigned or not", () => {
    expect(permissions.canDecideGate(admin, gate(null))).toBe(true);
    expect(permissions.canDecideGate(admin, gate("someone-else"))).toBe(true);
    expect(permissions.canDecideGate(admin, gate(admin.id))).toBe(true);
  });

  it("operator only when they are the gate's assignee", () => {
    expect(permissions.canDecideGate(operator, gate(operator.id))).toBe(true);
    expect(permissions.canDecideGate(operator, gate("someone-else"))).toBe(false);
    expect(permissions.canDecideGate(operator, gate(null))).toBe(false);
  });

  it("viewer never, even when assigned", () => {
    expect(permissions.canDecideGate(viewer, gate(viewer.id))).toBe(false);
    expect(permissions.canDecideGate(viewer, gate(null))).toBe(false);
  });

  it.each(["TASK", "MILESTONE", "ROLLBACK"])("a %s step is not a gate, for anyone", (kind) => {
    expect(permissions.canDecideGate(admin, gate(admin.id, kind))).toBe(false);
    expect(permissions.canDecideGate(operator, gate(operator.id, kind))).toBe(false);
    expect(permissions.canDecideGate(viewer, gate(viewer.id, kind))).toBe(false);
  });
});
