import "server-only";
import { effectiveProjectRole, type ProjectVisibility } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { prisma, type Tx } from "../platform/db/client";
import { ValidationError } from "../platform/errors";

/*
 * Who a step may be assigned to: someone who can act on it in that project, i.e. an active user
 * whose role there (lib/projects/access.ts rules: the lower of the installation role and the
 * membership) is operator or admin. A viewer-member, or someone who can't see the project, would
 * be an owner who can't tick the step at 3 a.m.
 */

interface Candidate {
  name: string;
  role: RoleName;
  deactivatedAt: Date | null;
  memberRole: "OPERATOR" | "VIEWER" | null;
}

/** Why this person can't be assigned steps in the project, or null when they can. */
export function assigneeProblem(user: Candidate, visibility: ProjectVisibility): string | null {
  if (user.deactivatedAt) return `${user.name} is deactivated and can't be assigned steps.`;
  const role = effectiveProjectRole({ id: "", role: user.role }, { visibility, memberRole: user.memberRole });
  if (role === null) return `${user.name} has no access to this project; add them as an operator under Members first.`;
  if (role === "VIEWER") return `${user.name} is a viewer in this project and can't tick steps.`;
  return null;
}

type Db = Tx | typeof prisma;

async function readVisibility(db: Db): Promise<ProjectVisibility> {
  // A missing row (a database edited by hand) counts as the stricter 'members', as access.ts does.
  const row = await db.setting.findUnique({ where: { key: "projectVisibility" }, select: { value: true } });
  return row?.value === "all" ? "all" : "members";
}

async function readCandidates(db: Db, options: { projectId: string; userIds?: readonly string[] }) {
  const users = await db.user.findMany({
    where: options.userIds ? { id: { in: [...options.userIds] } } : { deactivatedAt: null },
    select: { id: true, name: true, email: true, role: true, deactivatedAt: true, projectMemberships: { where: { projectId: options.projectId }, select: { role: true } } },
    orderBy: { name: "asc" },
  });
  return users.map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role as RoleName, deactivatedAt: u.deactivatedAt, memberRole: (u.projectMemberships[0]?.role ?? null) as Candidate["memberRole"] }));
}

/** The people the project's pickers offer: active, and operator or admin in this project. */
export async function listAssignableUsersForProject(options: { projectId: string; db?: Db }) {
  const db = options.db ?? prisma;
  const visibility = await readVisibility(db);
  const users = await readCandidates(db, { projectId: options.projectId });
  return users.filter((u) => assigneeProblem(u, visibility) === null).map((u) => ({ id: u.id, name: u.name, email: u.email, role: u.role }));
}

/** Every active user with why they can't be assigned in the project (null: they can). For the import's warnings. */
export async function listUsersWithAssignability(options: { projectId: string; db?: Db }) {
  const db = options.db ?? prisma;
  const visibility = await readVisibility(db);
  const users = await readCandidates(db, { projectId: options.projectId });
  return users.map((u) => ({ id: u.id, name: u.name, email: u.email, problem: assigneeProblem(u, visibility) }));
}

/** A 400 naming the person and why, unless `userId` may be assigned steps in the project. */
export async function assertAssignable(tx: Tx, options: { projectId: string; userId: string | null | undefined; field?: string }) {
  if (!options.userId) return;
  const field = options.field ?? "assigneeId";
  const [user] = await readCandidates(tx, { projectId: options.projectId, userIds: [options.userId] });
  if (!user) throw new ValidationError("Unknown assignee.", { [field]: ["Unknown or deactivated user."] });
  const problem = assigneeProblem(user, await readVisibility(tx));
  if (problem) throw new ValidationError(problem, { [field]: [problem] });
}
