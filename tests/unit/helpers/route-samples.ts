/**
 * A small world of real rows (two projects from the NetBackup template, a fleet, a rehearsal run,
 * a saved template) and a valid request body for every mutating route under app/api, keyed
 * "METHOD /api/pattern". Shared by the route fuzz test (mutations of these bodies) and the
 * authorization matrix (these bodies as they are), so a new route's sample is written once.
 */
import { randomUUID } from "node:crypto";
import { createProject, createTeam } from "./db-fixtures";
import type { Lib } from "./db-setup";

export const SAMPLE_PASSWORD = "correct horse battery";

export async function buildRouteWorld(lib: Lib) {
  const team = await createTeam(lib);
  const projects = [await createProject(lib, team.admin, { name: "Route project A" }), await createProject(lib, team.admin, { name: "Route project B" })];
  const plans = await Promise.all(projects.map((p) => lib.projects.getProjectPlan({ projectId: p.id })));
  const steps = plans.flatMap((plan) => plan.phases.flatMap((phase) => phase.steps));
  const fleetStep = steps.find((s) => s.isFleet)!;
  const { importFleetClients } = await import("@/lib/fleet/service");
  await importFleetClients({ actor: team.admin, projectId: projects[0].id, input: { text: "hostname,os\nfz-client-1.example.test,Linux\nfz-client-2.example.test,Windows\n", format: "csv", dryRun: false } });
  const run = await lib.runs.startRun({ actor: team.admin, projectId: projects[0].id, input: { kind: "REHEARSAL", name: "Route rehearsal" } });
  const clients = await lib.prisma.fleetClient.findMany({ where: { projectId: projects[0].id }, select: { id: true }, orderBy: { hostname: "asc" } });
  const clientRuns = await lib.prisma.fleetClientRun.findMany({ where: { runId: run.id }, select: { id: true, version: true } });
  const { createTemplate } = await import("@/lib/templates/service");
  const { netbackupKeepHostnameTemplate } = await import("@/lib/templates/netbackup-keep-hostname");
  const { runbookDocumentSchema } = await import("@/lib/templates/runbook-document");
  const template = await createTemplate({ actor: team.admin, input: { name: "Route template", description: "", document: runbookDocumentSchema.parse(netbackupKeepHostnameTemplate) } });
  const templateRow = await lib.prisma.template.findUniqueOrThrow({ where: { id: template.id } });
  // Two teams of their own: one to rename, one merged into the other (deleted by the merge).
  const teamsService = await import("@/lib/teams/service");
  const routeTeam = await teamsService.createTeam({ actor: team.admin, input: { name: "Route team" } });
  const teamToMerge = await teamsService.createTeam({ actor: team.admin, input: { name: "Route team duplicate" } });
  // Webhooks: two endpoints on project A (one for the DELETE route) to a public literal address, so
  // no DNS is asked; the test delivery stays pending (no dispatcher runs in the tests).
  const webhooks = await import("@/lib/webhooks/service");
  const webhookInput = { name: "Route webhook", url: "https://93.184.216.34/hook", preset: "STANDARD" as const, events: ["*"], allowPrivateNetwork: false };
  const webhook = (await webhooks.createWebhookEndpoint({ actor: team.admin, projectId: projects[0].id, input: webhookInput })).endpoint;
  const webhookToDelete = (await webhooks.createWebhookEndpoint({ actor: team.admin, projectId: projects[0].id, input: { ...webhookInput, name: "Route webhook to delete" } })).endpoint;
  const webhookDelivery = (await webhooks.sendTestWebhook({ actor: team.admin, endpointId: webhook.id })).delivery;
  return { team, projects, plans, steps, fleetStep, run, clients, clientRuns, template, templateRow, routeTeam, teamToMerge, webhook, webhookToDelete, webhookDelivery };
}

export type RouteWorld = Awaited<ReturnType<typeof buildRouteWorld>>;

/** A valid body for every mutating route (DELETE has none), against the world's project A. */
export function validBodies(world: RouteWorld): Record<string, unknown> {
  const { plans, steps, clients, clientRuns, templateRow, team } = world;
  const document = { format: "runsheet.runbook", version: 1, name: "Small", phases: [{ title: "Only phase", steps: [{ key: "1", title: "Only step", plannedMinutes: 5 }] }] };
  return {
    "POST /api/projects": {
      name: "Posted project",
      sourceHost: "old.example.test",
      targetHost: "new.example.test",
      hostnameStrategy: "KEEP",
      timezone: "Europe/Berlin",
      windowStart: "2030-03-02T20:00:00.000Z",
      windowEnd: "2030-03-03T04:00:00.000Z",
      template: "empty",
    },
    "PATCH /api/projects/[projectId]": { name: "Renamed", windowStart: "2030-03-02T20:00:00.000Z", windowEnd: "2030-03-03T04:00:00.000Z" },
    "POST /api/projects/[projectId]/phases": { title: "New phase", description: "Why" },
    "PATCH /api/phases/[phaseId]": { title: "Renamed phase" },
    "POST /api/phases/[phaseId]/move": { direction: "down" },
    "POST /api/projects/[projectId]/steps": { phaseId: plans[0].phases[0].id, title: "New step", plannedMinutes: 5, kind: "TASK", commands: "echo ok", predecessorIds: [steps[0].id] },
    "PATCH /api/steps/[stepId]": { plannedMinutes: 10, title: "Renamed step", expectedVersion: 1 },
    "POST /api/steps/[stepId]/move": { direction: "up" },
    "POST /api/projects/[projectId]/steps/bulk": { steps: [{ id: steps[0].id, version: 1 }, { id: steps[1].id, version: 1 }], change: { kind: "team", team: "BA" } },
    "POST /api/projects/[projectId]/steps/reorder": { steps: [{ id: steps[1].id, version: 1 }], phaseId: plans[0].phases[0].id, beforeStepId: steps[0].id },
    "POST /api/projects/[projectId]/steps/paste": { text: "Title\tMinutes\nPasted step\t5\n", phaseId: plans[0].phases[0].id, beforeStepId: null },
    "POST /api/projects/[projectId]/plan/undo": { version: 1 },
    "POST /api/projects/[projectId]/runs": { kind: "REHEARSAL", name: "Another" },
    "POST /api/runs/[runId]/steps/[stepId]/actions": { action: "start", occurredAt: new Date().toISOString(), idempotencyKey: randomUUID() },
    "POST /api/runs/[runId]/steps/[stepId]/gate": { decision: "GO", note: "Looks good" },
    "POST /api/runs/[runId]/steps/[stepId]/undo": { reason: "Mistake" },
    "POST /api/runs/[runId]/abort": { reason: "Stop" },
    "POST /api/runs/[runId]/end": { reason: "Enough" },
    "POST /api/runs/[runId]/plan": { reason: "Changes", expectedPlanVersion: 1 },
    "PUT /api/runs/[runId]/stakeholder-updates": {
      recipients: ["cab@example.test"],
      sendByEmail: true,
      sendByWebhook: false,
      intervalMinutes: 30,
      subjectTemplate: "{{run}}: {{progress}}",
      bodyTemplate: "Progress: {{progress}}",
      enabled: false,
    },
    "POST /api/runs/[runId]/stakeholder-updates/preview": { bodyTemplate: "Progress: {{progress}}" },
    "POST /api/runs/[runId]/stakeholder-updates/send": { subject: "Status", text: "All good." },
    "POST /api/runs/[runId]/fleet/[stepId]": { status: "UPDATED", reason: "", selection: { kind: "ids", items: clientRuns.map((c) => ({ id: c.id, version: c.version })) } },
    "POST /api/projects/[projectId]/fleet/import": { text: "hostname,os\nfz-new.example.test,Linux\n", format: "csv", dryRun: true },
    "POST /api/projects/[projectId]/fleet/remove": { clientIds: [clients[1].id] },
    "PATCH /api/fleet-clients/[clientId]": { os: "Linux", owner: "Team" },
    "POST /api/projects/[projectId]/import": { csv: "Title,Minutes\nA,5\nB,10\n", fileName: "steps.csv", options: { mapping: { title: 0, plannedMinutes: 1 }, predecessorsBy: "row", durationUnit: "minutes" } },
    "POST /api/projects/[projectId]/recalibrate": { basis: "last", runIds: [], expected: [{ stepId: steps[0].id, version: 1, newMinutes: 5 }] },
    "POST /api/projects/[projectId]/presence": { tab: randomUUID() },
    "POST /api/projects/[projectId]/save-as-template": { name: "Saved", description: "" },
    "POST /api/projects/[projectId]/members": { userId: team.operator2.id, role: "VIEWER" },
    "PATCH /api/projects/[projectId]/members/[userId]": { role: "OPERATOR" },
    "PATCH /api/settings": { projectVisibility: "members" },
    "POST /api/templates": { name: "Posted", description: "", document },
    "PATCH /api/templates/[templateId]": { name: "Renamed template", expectedUpdatedAt: templateRow.updatedAt.toISOString() },
    "POST /api/templates/[templateId]/duplicate": {},
    "POST /api/teams": { name: "Posted team", description: "From the route sample" },
    "PATCH /api/teams/[teamId]": { name: "Route team renamed" },
    "POST /api/teams/[teamId]/merge": { intoTeamId: world.routeTeam.id },
    "POST /api/users": { name: "New person", email: "new.person@example.test", password: "long enough password", role: "VIEWER" },
    "PATCH /api/users/[userId]": { name: "Renamed person" },
    "POST /api/setup": { name: "Second admin", email: "second@example.test", password: "long enough password" },
    "POST /api/account/password": { currentPassword: SAMPLE_PASSWORD, newPassword: "tape-vault-orange-kettle" },
    "POST /api/password-reset": { token: "A".repeat(32), newPassword: "tape-vault-orange-kettle" },
    "POST /api/users/[userId]/password-reset": {},
    "POST /api/tokens": { name: "Sample token", scope: "READ", expiresInDays: 30 },
    "POST /api/notifications/read": {},
    "POST /api/notifications/[notificationId]/acknowledge": {},
    "PUT /api/account/notification-preferences": { preferences: [{ kind: "READY", inApp: true, email: false }] },
    "POST /api/approve/[token]": { decision: "GO", note: "From my phone" },
    "PUT /api/projects/[projectId]/notification-settings": { leadUserId: team.admin.id, overdueMinutes: 15 },
    "POST /api/projects/[projectId]/webhooks": { name: "Posted webhook", url: "https://93.184.216.34/posted", preset: "SLACK", events: ["step.completed", "run.started"] },
    "PATCH /api/webhooks/[endpointId]": { name: "Renamed webhook", events: ["*"] },
    "POST /api/webhooks/[endpointId]/test": {},
    "POST /api/webhooks/[endpointId]/enable": {},
    "POST /api/webhook-deliveries/[deliveryId]/redeliver": {},
  };
}
