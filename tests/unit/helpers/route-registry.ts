/**
 * Who may call which route: every route under app/api, by "METHOD /api/pattern", with the status
 * each kind of caller gets while the installation shows projects to their members only.
 * tests/unit/route-access-matrix.integration.test.ts calls every entry as every actor and fails
 * for a route in app/api that has no entry here (and for an entry whose route is gone), so a new
 * route can't skip the matrix.
 *
 * The actors, all in relation to project A, the project every sample addresses:
 *   signedOut        no session
 *   viewerMember     installation viewer, member of A as viewer
 *   operatorMember   installation operator, member of A as operator
 *   cappedOperator   installation operator, member of A as viewer (the lower role applies)
 *   admin            installation admin, member of nothing (admins see every project)
 *   otherOperator    installation operator, member of project B only
 *   nonMemberViewer  installation viewer, member of nothing
 *
 * "ok" means the call got past every access check: 2xx, or 409 when an earlier allowed call had
 * already moved the resource on (a 409 is the resource's state, decided after access).
 */
export const ACTORS = ["signedOut", "viewerMember", "operatorMember", "cappedOperator", "admin", "otherOperator", "nonMemberViewer"] as const;
export type MatrixActor = (typeof ACTORS)[number];
export type Expected = number | "ok";
export type AccessRow = Record<MatrixActor, Expected>;

const all = (status: Expected): AccessRow => ({ signedOut: status, viewerMember: status, operatorMember: status, cappedOperator: status, admin: status, otherOperator: status, nonMemberViewer: status });

/** Installation admins only (they see every project); everyone else is refused by role, before the project is looked at. */
const ADMIN_ONLY: AccessRow = { signedOut: 401, viewerMember: 403, operatorMember: 403, cappedOperator: 403, admin: "ok", otherOperator: 403, nonMemberViewer: 403 };
/** Reading a project: its members and admins; 404 for anyone who may not see it, as if it didn't exist. */
const PROJECT_VIEW: AccessRow = { signedOut: 401, viewerMember: "ok", operatorMember: "ok", cappedOperator: "ok", admin: "ok", otherOperator: 404, nonMemberViewer: 404 };
/** Working a run: operators who are operator-members, and admins. A viewer is refused by role first (403, whatever the project). */
const PROJECT_OPERATE: AccessRow = { signedOut: 401, viewerMember: 403, operatorMember: "ok", cappedOperator: 403, admin: "ok", otherOperator: 404, nonMemberViewer: 403 };
/** Your own account: everyone signed in. */
const SIGNED_IN: AccessRow = { ...all("ok"), signedOut: 401 };

export interface RouteAccess {
  expect: AccessRow;
  why?: string;
}

export const ROUTE_ACCESS: Record<string, RouteAccess | { skip: string }> = {
  "GET /api/auth/[...all]": { skip: "The auth library's own endpoints (tests/unit/auth-endpoints.test.ts)." },
  "POST /api/auth/[...all]": { skip: "The auth library's own endpoints (tests/unit/auth-endpoints.test.ts)." },
  "GET /api/bench/floor": { expect: all(404), why: "Off unless RUNSHEET_BENCH=1." },
  "POST /api/bench/floor": { expect: all(404), why: "Off unless RUNSHEET_BENCH=1." },
  "POST /api/setup": { expect: all(409), why: "First-run only: refused once any user exists." },
  "GET /api/openapi.json": { expect: all("ok"), why: "The API description holds no data." },
  "GET /api/health": { expect: all("ok"), why: "Whether the instance and its database answer: no data, for load balancers and the run page's offline check." },
  "POST /api/password-reset": { expect: all(400), why: "Public: the token is the credential (this one is unknown)." },

  "POST /api/account/password": { expect: SIGNED_IN },
  "GET /api/account/sessions": { expect: SIGNED_IN },
  "DELETE /api/account/sessions": { expect: SIGNED_IN },
  "DELETE /api/account/sessions/[sessionId]": { expect: { ...all(404), signedOut: 401 }, why: "Only your own sessions exist for you." },
  "GET /api/tokens": { expect: SIGNED_IN },
  "POST /api/tokens": { expect: SIGNED_IN },
  "DELETE /api/tokens/[tokenId]": { expect: { ...all(404), signedOut: 401 }, why: "Only your own tokens exist for you (admins: any, but this one doesn't exist)." },
  "GET /api/admin/tokens": { expect: ADMIN_ONLY },
  "GET /api/notifications": { expect: SIGNED_IN },
  "POST /api/notifications/read": { expect: SIGNED_IN },
  "POST /api/notifications/[notificationId]/acknowledge": { expect: { ...all(404), signedOut: 401 }, why: "Only your own notifications exist for you." },
  "GET /api/account/notification-preferences": { expect: SIGNED_IN },
  "PUT /api/account/notification-preferences": { expect: SIGNED_IN },
  "PUT /api/projects/[projectId]/notification-settings": { expect: ADMIN_ONLY },
  "POST /api/approve/[token]": { expect: all(400), why: "Public: the one-time token from a gate email is the credential (this one is unknown)." },

  "DELETE /api/demo": { expect: ADMIN_ONLY },
  "POST /api/users": { expect: ADMIN_ONLY },
  "PATCH /api/users/[userId]": { expect: ADMIN_ONLY },
  "POST /api/users/[userId]/password-reset": { expect: ADMIN_ONLY },
  "DELETE /api/users/[userId]/sessions": { expect: ADMIN_ONLY },
  "PATCH /api/settings": { expect: ADMIN_ONLY },
  "GET /api/templates": { expect: ADMIN_ONLY },
  "POST /api/templates": { expect: ADMIN_ONLY },
  "PATCH /api/templates/[templateId]": { expect: ADMIN_ONLY },
  "DELETE /api/templates/[templateId]": { expect: ADMIN_ONLY },
  "POST /api/templates/[templateId]/duplicate": { expect: ADMIN_ONLY },
  "POST /api/teams": { expect: ADMIN_ONLY },
  "PATCH /api/teams/[teamId]": { expect: ADMIN_ONLY },
  "POST /api/teams/[teamId]/merge": { expect: ADMIN_ONLY },

  "POST /api/projects": { expect: ADMIN_ONLY },
  "PATCH /api/projects/[projectId]": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/phases": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/steps": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/steps/bulk": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/steps/reorder": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/steps/paste": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/plan/undo": { expect: ADMIN_ONLY, why: "The admin may get 409 (the newest plan version is no longer the one sampled): a state, decided after access." },
  "POST /api/projects/[projectId]/runs": { expect: ADMIN_ONLY },
  "GET /api/projects/[projectId]/import": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/import": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/fleet/import": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/fleet/remove": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/recalibrate": {
    expect: { ...ADMIN_ONLY, admin: 400 },
    why: "The admin gets past access to the plan's own rule: no rehearsal has measured a step yet.",
  },
  "POST /api/projects/[projectId]/save-as-template": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/members": { expect: ADMIN_ONLY },
  "PATCH /api/projects/[projectId]/members/[userId]": { expect: ADMIN_ONLY },
  "DELETE /api/projects/[projectId]/members/[userId]": { expect: ADMIN_ONLY },
  "PATCH /api/phases/[phaseId]": { expect: ADMIN_ONLY },
  "DELETE /api/phases/[phaseId]": { expect: ADMIN_ONLY },
  "POST /api/phases/[phaseId]/move": { expect: ADMIN_ONLY },
  "PATCH /api/steps/[stepId]": { expect: ADMIN_ONLY },
  "DELETE /api/steps/[stepId]": { expect: ADMIN_ONLY },
  "POST /api/steps/[stepId]/move": { expect: ADMIN_ONLY },
  "PATCH /api/fleet-clients/[clientId]": { expect: ADMIN_ONLY },
  "GET /api/projects/[projectId]/webhooks": { expect: ADMIN_ONLY },
  "POST /api/projects/[projectId]/webhooks": { expect: ADMIN_ONLY },
  "GET /api/webhooks/[endpointId]": { expect: ADMIN_ONLY },
  "PATCH /api/webhooks/[endpointId]": { expect: ADMIN_ONLY },
  "DELETE /api/webhooks/[endpointId]": { expect: ADMIN_ONLY },
  "GET /api/webhooks/[endpointId]/deliveries": { expect: ADMIN_ONLY },
  "POST /api/webhooks/[endpointId]/test": { expect: ADMIN_ONLY },
  "POST /api/webhooks/[endpointId]/enable": { expect: ADMIN_ONLY },
  "POST /api/webhook-deliveries/[deliveryId]/redeliver": { expect: ADMIN_ONLY },
  "POST /api/runs/[runId]/abort": { expect: ADMIN_ONLY },
  "POST /api/runs/[runId]/end": { expect: ADMIN_ONLY },
  "POST /api/runs/[runId]/plan": { expect: ADMIN_ONLY },
  "GET /api/runs/[runId]/stakeholder-updates": { expect: ADMIN_ONLY },
  "PUT /api/runs/[runId]/stakeholder-updates": { expect: ADMIN_ONLY },
  "POST /api/runs/[runId]/stakeholder-updates/preview": { expect: ADMIN_ONLY },
  "POST /api/runs/[runId]/stakeholder-updates/send": { expect: ADMIN_ONLY },
  "GET /api/runs/[runId]/stakeholder-updates/log": { expect: ADMIN_ONLY },

  "GET /api/projects/[projectId]/events": { expect: PROJECT_VIEW },
  "POST /api/projects/[projectId]/presence": { expect: PROJECT_VIEW },
  "GET /api/projects/[projectId]/fleet": { expect: PROJECT_VIEW },
  "GET /api/projects/[projectId]/recalibrate": { expect: PROJECT_VIEW },
  "GET /api/attachments/[attachmentId]": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/export/csv": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/export/json": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/export/pdf": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/plan": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/status": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/fleet/[stepId]": { expect: PROJECT_VIEW },
  "GET /api/runs/[runId]/fleet/[stepId]/hostnames": { expect: PROJECT_VIEW },

  "POST /api/runs/[runId]/fleet/[stepId]": { expect: PROJECT_OPERATE },
  "POST /api/runs/[runId]/steps/[stepId]/actions": { expect: PROJECT_OPERATE },
  "POST /api/runs/[runId]/steps/[stepId]/evidence": { expect: PROJECT_OPERATE },
  "POST /api/runs/[runId]/steps/[stepId]/gate": {
    expect: { ...PROJECT_OPERATE, operatorMember: 403 },
    why: "The operator is neither the gate's assignee nor one of its approvers (a rule of the gate, after access).",
  },
  "POST /api/runs/[runId]/steps/[stepId]/undo": {
    expect: { ...PROJECT_OPERATE, operatorMember: 403 },
    why: "Only admins undo someone else's sign-off (a rule of the sign-off, after access).",
  },
};
