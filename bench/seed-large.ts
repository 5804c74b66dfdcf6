/**
 * Seeds a large project for the benchmark (and, smaller, for the fault tests) through the app's
 * own lib functions, so users, passwords, step runs, fleet rows and the audit hash chain are
 * exactly what the app would have written.
 *
 *   DATABASE_URL=file:/tmp/x.db tsx --conditions=react-server bench/seed-large.ts \
 *     [--steps 300] [--phases 8] [--clients 5000] [--operators 50] [--progress 80] [--no-live-run]
 *
 * The plan: phases 1…P-1 are forward phases, the last one holds the rollback steps. In every
 * forward phase most steps are independent tasks; the last four form a small dependency fan-in
 * (three checks that wait for the phase's first step, then a milestone that waits for them), the
 * third phase opens with a go/no-go gate and the fourth holds the fleet step (one FleetClientRun
 * per client in every run). Independent tasks are what the benchmark signs off: each can be
 * signed off at once, exactly once per run.
 *
 * Prints one line `SEED_RESULT {json}` (see SeedResult in bench/lib/server.ts).
 */
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "300" },
    phases: { type: "string", default: "8" },
    clients: { type: "string", default: "5000" },
    operators: { type: "string", default: "50" },
    progress: { type: "string", default: "80" },
    "no-live-run": { type: "boolean", default: false },
    password: { type: "string", default: "bench-password-1" },
  },
});

const STEPS = Number(args.steps);
const PHASES = Number(args.phases);
const CLIENTS = Number(args.clients);
const OPERATORS = Number(args.operators);
const PROGRESS = Number(args.progress);
const PASSWORD = args.password!;
if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL=file:<path> (the seeder refuses to guess which database to fill).");
if (PHASES < 2 || STEPS < PHASES * 6) throw new Error("Need at least 2 phases and 6 steps per phase.");

// lib/ modules open the database on import, so load them only after the checks above.
const { prisma, disconnectDatabase } = await import("../lib/platform/db/client");
const { runTransaction } = await import("../lib/platform/db/transaction");
const { appendAuditEvent } = await import("../lib/audit/service");
const { createFirstAdmin, createUser } = await import("../lib/users/service");
const { createProject, instantiateRunbook } = await import("../lib/projects/service");
const { runbookDocumentSchema } = await import("../lib/templates/runbook-document");
const { createProjectInput } = await import("../lib/projects/schemas");
const { performStepAction, startRun } = await import("../lib/runs/service");

const started = Date.now();
if ((await prisma.user.count()) > 0) throw new Error("The database already has users; seed an empty one.");

// --- users -------------------------------------------------------------------------------
const adminUser = await createFirstAdmin({ input: { name: "Bench Admin", email: "admin@bench.local", password: PASSWORD } });
const admin = { id: adminUser.id, name: adminUser.name, role: "ADMIN" as const };
const operators: { id: string; email: string; name: string; role: "OPERATOR" }[] = [];
for (let i = 1; i <= OPERATORS; i++) {
  const email = `operator${String(i).padStart(2, "0")}@bench.local`;
  const user = await createUser({ actor: admin, input: { name: `Operator ${String(i).padStart(2, "0")}`, email, password: PASSWORD, role: "OPERATOR" } });
  operators.push({ id: user.id, email, name: user.name, role: "OPERATOR" });
}

// --- project and plan ----------------------------------------------------------------------
const minute = 60_000;
const windowStart = new Date(Math.floor((Date.now() - 120 * minute) / (15 * minute)) * 15 * minute);
const project = await createProject({
  actor: admin,
  input: createProjectInput.parse({
    name: `Bench: ${STEPS}-step rehost of nbu-master-big`,
    description: "Synthetic large runbook for the benchmark.",
    sourceHost: "nbu-master-big",
    targetHost: "nbu-master-big-new",
    hostnameStrategy: "KEEP",
    mediaServers: ["nbu-media1", "nbu-media2"],
    timezone: "Europe/Berlin",
    windowStart: windowStart.toISOString(),
    windowEnd: new Date(windowStart.getTime() + 12 * 60 * minute).toISOString(),
    template: "empty",
  }),
});
// The operators work on this project: members with the operator role (a new install shows
// operators only the projects they are members of).
const { addProjectMember } = await import("../lib/projects/members");
for (const operator of operators) await addProjectMember({ actor: admin, projectId: project.id, input: { userId: operator.id, role: "OPERATOR" } });

const rollbackCount = Math.max(2, Math.round(STEPS / 15));
const forwardPhases = PHASES - 1;
const forwardSteps = STEPS - rollbackCount;
const teams = ["BA", "UNIX", "STORAGE", "NET", "DBA", "APP"];
type DocStep = {
  key: string;
  title: string;
  details: string;
  commands: string;
  verification: string;
  team: string;
  plannedMinutes: number;
  kind: "TASK" | "GATE" | "MILESTONE" | "ROLLBACK";
  isFleet: boolean;
  fleetAction: "UPDATE_BPCONF" | null;
  predecessors: string[];
};
const phases: { title: string; description: string; inWindow: boolean; steps: DocStep[] }[] = [];
let key = 0;
for (let p = 0; p < forwardPhases; p++) {
  const count = Math.floor(forwardSteps / forwardPhases) + (p < forwardSteps % forwardPhases ? 1 : 0);
  const steps: DocStep[] = [];
  for (let s = 0; s < count; s++) {
    key++;
    const fromEnd = count - s; // 1 = last step
    const base: DocStep = {
      key: String(key),
      title: `Phase ${p + 1} task ${s + 1}: ${["check", "stop", "copy", "verify", "update", "record"][key % 6]} ${["catalog", "policies", "media", "clients", "drives", "licences"][key % 6]}`,
      details: `Step **${key}** of the bench plan. Confirm the previous checks, then run the commands below.\n\n- keep the change ticket open\n- note anything unusual in the step note`,
      commands: `bpps -x | grep -c nb\nbpdbjobs -summary -L | tail -${(key % 5) + 2}`,
      verification: "Output attached to the step note.",
      team: teams[key % teams.length],
      plannedMinutes: 5 + (key % 7) * 5,
      kind: "TASK",
      isFleet: false,
      fleetAction: null,
      predecessors: [],
    };
    if (fromEnd === 1) {
      steps.push({ ...base, title: `Phase ${p + 1} complete`, kind: "MILESTONE", plannedMinutes: 0, predecessors: [String(key - 3), String(key - 2), String(key - 1)] });
    } else if (fromEnd <= 4) {
      steps.push({ ...base, title: `Phase ${p + 1} check ${5 - fromEnd}`, predecessors: [steps[0].key] });
    } else if (p === Math.min(2, forwardPhases - 1) && s === 0) {
      steps.push({ ...base, title: `Go/No-Go before phase ${p + 1}`, kind: "GATE", team: "PM", plannedMinutes: 10 });
    } else if (p === Math.min(3, forwardPhases - 1) && s === 1) {
      steps.push({ ...base, title: "Update bp.conf SERVER lines on every client", isFleet: true, fleetAction: "UPDATE_BPCONF", plannedMinutes: 90 });
    } else {
      steps.push(base);
    }
  }
  phases.push({ title: `Phase ${p + 1}`, description: `Forward phase ${p + 1}.`, inWindow: p >= 1, steps });
}
phases.push({
  title: "Rollback",
  description: "Only after a No-Go.",
  inWindow: true,
  steps: Array.from({ length: rollbackCount }, (_, i) => ({
    key: `R${i + 1}`,
    title: `Rollback ${i + 1}: restore the old master`,
    details: "",
    commands: "",
    verification: "",
    team: "BA",
    plannedMinutes: 10,
    kind: "ROLLBACK" as const,
    isFleet: false,
    fleetAction: null,
    predecessors: [],
  })),
});
const document = runbookDocumentSchema.parse({ format: "runsheet.runbook", version: 1, name: "Bench plan", description: "", phases });

const hostnames = Array.from({ length: CLIENTS }, (_, i) => `client-${String(i + 1).padStart(5, "0")}.bench.local`);
await runTransaction(async (tx) => {
  await instantiateRunbook(tx, { projectId: project.id, document });
  await appendAuditEvent(tx, { actor: admin, projectId: project.id, action: "plan.import", entityType: "project", entityId: project.id, before: null, after: { steps: STEPS, phases: PHASES } });
  if (CLIENTS > 0) {
    await tx.fleetClient.createMany({
      data: hostnames.map((hostname, i) => ({ projectId: project.id, hostname, os: ["Solaris10", "RedHat8", "Windows2019", "AIX7"][i % 4], hardware: ["Sun", "x86_64", "PC-x64", "RS6000"][i % 4], policy: `policy-${i % 40}` })),
    });
    await appendAuditEvent(tx, { actor: admin, projectId: project.id, action: "fleet.import", entityType: "project", entityId: project.id, before: null, after: { clients: CLIENTS } });
  }
});

const plan = await prisma.step.findMany({
  where: { projectId: project.id },
  orderBy: [{ phase: { position: "asc" } }, { position: "asc" }],
  select: { id: true, kind: true, isFleet: true, predecessors: { select: { predecessorId: true } } },
});
const signableStepIds = plan.filter((s) => s.kind === "TASK" && !s.isFleet && s.predecessors.length === 0).map((s) => s.id);
const fleetStepId = plan.find((s) => s.isFleet)?.id ?? null;

// --- the live run, part-way through -------------------------------------------------------------
let liveRunId: string | null = null;
let pendingInLiveRun = signableStepIds;
if (!args["no-live-run"]) {
  const run = await startRun({ actor: admin, projectId: project.id, input: { kind: "LIVE", name: "Live cutover" }, startedAt: new Date(windowStart.getTime() - 60 * minute) });
  liveRunId = run.id;
  const done = signableStepIds.slice(0, Math.min(PROGRESS, signableStepIds.length));
  let clock = windowStart.getTime() - 50 * minute;
  for (const [i, stepId] of done.entries()) {
    const actor = operators.length > 0 ? operators[i % operators.length] : admin;
    if (i % 4 === 0) {
      await performStepAction({ actor, runId: run.id, stepId, input: { action: "start", note: "", reason: "", occurredAt: new Date(clock) } });
    }
    clock += 30_000;
    await performStepAction({ actor, runId: run.id, stepId, input: { action: "done", note: i % 10 === 0 ? "Checked, output attached." : "", reason: "", occurredAt: new Date(Math.min(clock, Date.now())) } });
  }
  pendingInLiveRun = signableStepIds.slice(done.length);
}

const counts = {
  steps: await prisma.step.count({ where: { projectId: project.id } }),
  phases: await prisma.phase.count({ where: { projectId: project.id } }),
  clients: await prisma.fleetClient.count({ where: { projectId: project.id } }),
  fleetClientRuns: await prisma.fleetClientRun.count(),
  users: await prisma.user.count(),
  auditEvents: await prisma.auditEvent.count(),
};
await disconnectDatabase();

console.log(
  "SEED_RESULT " +
    JSON.stringify({
      password: PASSWORD,
      admin: { id: admin.id, email: adminUser.email },
      operators: operators.map(({ id, email, name }) => ({ id, email, name })),
      projectId: project.id,
      liveRunId,
      fleetStepId,
      signableStepIds,
      pendingInLiveRun,
      counts,
      ms: Date.now() - started,
    }),
);
