/**
 * Users, projects and small utilities shared by the integration tests. Everything goes through
 * the real lib functions, so the audit chain grows exactly as it does in the app.
 */
import { netbackupKeepHostnameTemplate } from "@/lib/templates/netbackup-keep-hostname";
import { createProjectInput } from "@/lib/projects/schemas";
import type { RoleName } from "@/lib/platform/auth/roles";
import type { RunbookDocumentInput } from "@/lib/templates/runbook-document";
import type { Lib } from "./db-setup";

export interface TestActor {
  id: string;
  name: string;
  role: RoleName;
}

const PASSWORD = "correct horse battery";

export async function createTeam(lib: Lib) {
  const first = await lib.users.createFirstAdmin({ input: { name: "Ada Admin", email: "ada@example.test", password: PASSWORD } });
  const admin: TestActor = { id: first.id, name: first.name, role: first.role };
  const make = async (name: string, email: string, role: RoleName): Promise<TestActor> => {
    const u = await lib.users.createUser({ actor: admin, input: { name, email, password: PASSWORD, role } });
    return { id: u.id, name: u.name, role: u.role };
  };
  const operator = await make("Olivia Operator", "olivia@example.test", "OPERATOR");
  const operator2 = await make("Otto Operator", "otto@example.test", "OPERATOR");
  const viewer = await make("Vera Viewer", "vera@example.test", "VIEWER");
  return { admin, operator, operator2, viewer };
}

export const PROJECT_TIMEZONE = "Europe/Berlin";

/** A project from a template, through the same schema the API route parses its body with. */
export async function createProject(lib: Lib, admin: TestActor, options: { name: string; template?: "netbackup-keep-hostname" | "empty"; windowStart?: Date; windowEnd?: Date }) {
  const windowStart = options.windowStart ?? new Date(Date.now() + 24 * 3_600_000);
  const windowEnd = options.windowEnd ?? new Date(windowStart.getTime() + 6 * 3_600_000);
  const input = createProjectInput.parse({
    name: options.name,
    sourceHost: "nbu-old.example.test",
    targetHost: "nbu-new.example.test",
    hostnameStrategy: "KEEP",
    timezone: PROJECT_TIMEZONE,
    windowStart: windowStart.toISOString(),
    windowEnd: windowEnd.toISOString(),
    template: options.template ?? "netbackup-keep-hostname",
  });
  return lib.projects.createProject({ actor: admin, input });
}

export interface PlanStep {
  id: string;
  key: string;
  title: string;
  kind: string;
  order: number;
}

/**
 * The project's steps keyed by the template's step keys ("1" … "30", "R1" … "R5"), plus all steps
 * in plan order (phase position, then step position). Matched by position in the plan, not by
 * title, since createProject may fill host placeholders into titles.
 */
export async function templateSteps(lib: Lib, projectId: string) {
  const plan = await lib.projects.getProjectPlan({ projectId });
  const ordered = plan.phases.flatMap((phase) => phase.steps);
  const template: RunbookDocumentInput = netbackupKeepHostnameTemplate;
  const templateOrder = template.phases.flatMap((phase) => phase.steps);
  if (ordered.length !== templateOrder.length) throw new Error(`The plan has ${ordered.length} steps, the template ${templateOrder.length}`);
  const byKey = new Map<string, PlanStep>();
  ordered.forEach((s, order) => {
    const t = templateOrder[order];
    const kind = t.kind ?? "TASK";
    if (s.kind !== kind) throw new Error(`Step ${order + 1} ("${s.title}") is a ${s.kind}, the template's "${t.key}" a ${kind}`);
    byKey.set(t.key, { id: s.id, key: t.key, title: s.title, kind: s.kind, order });
  });
  const get = (key: string): PlanStep => {
    const step = byKey.get(key);
    if (!step) throw new Error(`No step ${key}`);
    return step;
  };
  return { get, ordered: [...byKey.values()].sort((a, b) => a.order - b.order) };
}

/** Runs `fn` and returns what it threw; fails the test if it resolved. */
export async function caught(fn: () => Promise<unknown>): Promise<Error & { fieldErrors?: Record<string, string[]>; current?: unknown }> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("Expected the call to throw, but it succeeded.");
}

export async function auditCount(lib: Lib, where: { action?: string; entityId?: string; runId?: string } = {}) {
  return lib.prisma.auditEvent.count({ where });
}
