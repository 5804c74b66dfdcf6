/**
 * The world of the authorization matrices (tests/unit/route-access-matrix.integration.test.ts and
 * tests/unit/token-access-matrix.integration.test.ts): two projects with their members, a run with
 * a started step and a file on it, and the resources the destructive routes act on, with each
 * route's parameters and a valid sample body.
 */
import type { TestDatabase } from "./db-setup";
import { buildRouteWorld, SAMPLE_PASSWORD, validBodies } from "./route-samples";

export type MatrixBody = { body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> };

export async function buildMatrixWorld(db: TestDatabase) {
  const { lib } = db;
  const world = await buildRouteWorld(lib);
  const { team, projects, plans, steps, fleetStep, run, clients, template } = world;
  const [projectA, projectB] = projects;
  const make = async (name: string, email: string, role: "OPERATOR" | "VIEWER") => lib.users.createUser({ actor: team.admin, input: { name, email, password: SAMPLE_PASSWORD, role } });
  const nina = await make("Nina Nonmember", "nina@example.test", "VIEWER");
  const carl = await make("Carl Capped", "carl@example.test", "OPERATOR");
  const sam = await make("Sam Spare", "sam@example.test", "VIEWER");
  const dora = await make("Dora Member", "dora@example.test", "VIEWER");
  const members = await import("@/lib/projects/members");
  const add = (projectId: string, userId: string, role: "OPERATOR" | "VIEWER") => members.addProjectMember({ actor: team.admin, projectId, input: { userId, role } });
  await add(projectA.id, team.operator.id, "OPERATOR");
  await add(projectA.id, team.viewer.id, "VIEWER");
  await add(projectA.id, carl.id, "VIEWER");
  await add(projectA.id, dora.id, "VIEWER");
  await add(projectB.id, team.operator2.id, "OPERATOR");

  // What the destructive routes act on, so that they don't take away what the other routes use.
  const phaseToDelete = await lib.plan.addPhase({ actor: team.admin, projectId: projectA.id, input: { title: "Phase to delete", description: "" } });
  const { createStepInput } = await import("@/lib/plan/schemas");
  const stepToDelete = await lib.plan.addStep({ actor: team.admin, projectId: projectA.id, input: createStepInput.parse({ phaseId: plans[0].phases[0].id, title: "Step to delete", plannedMinutes: 5, kind: "TASK" }) });
  const { createTemplate } = await import("@/lib/templates/service");
  const { runbookDocumentSchema } = await import("@/lib/templates/runbook-document");
  const small = runbookDocumentSchema.parse({ format: "runsheet.runbook", version: 1, name: "Small", phases: [{ title: "P", steps: [{ key: "1", title: "S", plannedMinutes: 5 }] }] });
  const templateToDelete = await createTemplate({ actor: team.admin, input: { name: "Template to delete", description: "", document: small } });
  const runToAbort = await lib.runs.startRun({ actor: team.admin, projectId: projectA.id, input: { kind: "REHEARSAL", name: "To abort" } });
  const runToEnd = await lib.runs.startRun({ actor: team.admin, projectId: projectA.id, input: { kind: "REHEARSAL", name: "To end" } });
  const { importFleetClients } = await import("@/lib/fleet/service");
  await importFleetClients({ actor: team.admin, projectId: projectA.id, input: { text: "hostname,os\nfz-spare.example.test,Linux\n", format: "csv", dryRun: false } });
  const spareClient = await lib.prisma.fleetClient.findFirstOrThrow({ where: { hostname: "fz-spare.example.test" }, select: { id: true } });
  // A started step with a file on it: the attachment route's sample, and a step evidence can go on.
  await lib.runs.performStepAction({ actor: team.admin, runId: run.id, stepId: steps[0].id, input: { action: "start", note: "", reason: "" } });
  const evidence = await import("@/lib/runs/evidence");
  const attachment = await evidence.attachEvidence({ actor: team.admin, runId: run.id, stepId: steps[0].id, file: new File(["catalog ok\n"], "catalog.log", { type: "text/plain" }) });
  const gateStep = steps.find((s) => s.kind === "GATE" && s.projectId === projectA.id)!;

  const base: Record<string, string> = {
    projectId: projectA.id,
    runId: run.id,
    stepId: steps[0].id,
    phaseId: plans[0].phases[0].id,
    clientId: clients[0].id,
    userId: sam.id,
    templateId: template.id,
    attachmentId: attachment.id,
    sessionId: "does-not-exist",
    tokenId: "does-not-exist",
    notificationId: "does-not-exist",
    token: "A".repeat(43),
    teamId: world.routeTeam.id,
    endpointId: world.webhook.id,
    deliveryId: world.webhookDelivery.id,
  };
  const overrides: Record<string, Record<string, string>> = {
    "DELETE /api/phases/[phaseId]": { phaseId: phaseToDelete.id },
    "DELETE /api/steps/[stepId]": { stepId: stepToDelete.id },
    "DELETE /api/templates/[templateId]": { templateId: templateToDelete.id },
    "POST /api/runs/[runId]/abort": { runId: runToAbort.id },
    "POST /api/runs/[runId]/end": { runId: runToEnd.id },
    "GET /api/runs/[runId]/fleet/[stepId]": { stepId: fleetStep.id },
    "POST /api/runs/[runId]/fleet/[stepId]": { stepId: fleetStep.id },
    "GET /api/runs/[runId]/fleet/[stepId]/hostnames": { stepId: fleetStep.id },
    "POST /api/runs/[runId]/steps/[stepId]/gate": { stepId: gateStep.id },
    "PATCH /api/projects/[projectId]/members/[userId]": { userId: dora.id },
    "DELETE /api/projects/[projectId]/members/[userId]": { userId: dora.id },
    "POST /api/teams/[teamId]/merge": { teamId: world.teamToMerge.id },
    "DELETE /api/webhooks/[endpointId]": { endpointId: world.webhookToDelete.id },
  };
  const paramsFor = (key: string): Record<string, string> => ({ ...base, ...(overrides[key] ?? {}) });

  const valid = validBodies(world);
  valid["POST /api/projects/[projectId]/members"] = { userId: sam.id, role: "VIEWER" };
  valid["POST /api/projects/[projectId]/fleet/remove"] = { clientIds: [spareClient.id] };
  const form = new FormData();
  form.set("file", new File(["more output\n"], "more.log", { type: "text/plain" }));
  const multipart = new Response(form);
  const evidenceBody = { body: new Uint8Array(await multipart.arrayBuffer()), headers: { "content-type": multipart.headers.get("content-type")! } };
  const bodyFor = (key: string): MatrixBody => {
    if (key === "POST /api/runs/[runId]/steps/[stepId]/evidence") return evidenceBody;
    if (key === "POST /api/bench/floor") return { body: "{}" };
    if (key.startsWith("GET ") || key.startsWith("DELETE ")) return {};
    if (!(key in valid)) throw new Error(`No sample body for ${key}: add one to tests/unit/helpers/route-samples.ts`);
    return { body: JSON.stringify(valid[key]) };
  };

  return { world, paramsFor, bodyFor, nina, carl, sam, dora, password: SAMPLE_PASSWORD };
}
