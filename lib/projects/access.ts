import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import { NotFoundError, ForbiddenError } from "../platform/errors";
import { effectiveProjectRole, projectRoleAllows, type Actor, type ProjectNeed, type ProjectVisibility } from "../platform/auth/permissions";
import type { RoleName } from "../platform/auth/roles";
import { currentTokenCredential, lowerRole, tokenExcludesProject, tokenProjectRoles } from "../platform/auth/api-tokens";
import { readProjectAccess, readProjectVisibility, readRunProjectId } from "./store";
import { readProjectAccess as readProjectAccessSql, type ProjectAccessRow } from "./store.sqlite";
import { readProjectAccess as readProjectAccessPg } from "./store.postgres";

/*
 * The one place that decides who may see and act in a project (README: "Per-project access").
 * Every project page, project-scoped route and service that reaches a project (directly or through
 * a run, step, phase, fleet client or attachment) asks here, after deriving the project from the
 * resource it loaded: never from an id the request supplied next to it.
 *
 * Someone who may not see a project gets 404 "Project not found", exactly what a project that
 * doesn't exist gets, so a refusal doesn't confirm that it exists. Someone who may see it but not
 * do what they ask gets 403.
 */

/** The installation's setting; a missing row (a database edited by hand) counts as the stricter 'members'. */
export async function getProjectVisibility(): Promise<ProjectVisibility> {
  return (await readProjectVisibility()) === "all" ? "all" : "members";
}

/**
 * The user's role in the project, or null when they may not see it. A request made with an API
 * token limited to other projects sees this one as not there (404), whoever owns the token.
 */
export async function projectRoleOf(options: { user: Actor; projectId: string }): Promise<RoleName | null> {
  const row = projectAccessNeedsRow(options) ? await readProjectAccess({ userId: options.user.id, projectId: options.projectId }) : null;
  return projectRoleWith(options, () => {
    if (!row) throw new Error("projectRoleOf read no membership row where the role depends on it (see projectAccessNeedsRow).");
    return row;
  });
}

/** projectRoleOf with the membership row from `readRow`, called only when the role depends on it. */
function projectRoleWith(options: { user: Actor; projectId: string }, readRow: () => ProjectAccessRow): RoleName | null {
  if (tokenExcludesProject(options.projectId)) return null;
  // A token sees the projects its owner sees, with the lower of the owner's role there and its scope's.
  const token = tokenProjectRoles(options.user.id);
  if (token) {
    const ownerRole = roleInProject({ id: options.user.id, role: token.ownerRole }, readRow);
    return ownerRole && lowerRole(ownerRole, token.cap);
  }
  return roleInProject(options.user, readRow);
}

function roleInProject(user: Actor, readRow: () => ProjectAccessRow): RoleName | null {
  if (user.role === "ADMIN") return "ADMIN";
  const row = readRow();
  return effectiveProjectRole(user, { visibility: row.visibility === "all" ? "all" : "members", memberRole: row.memberRole });
}

/**
 * Whether deciding the user's role in a project needs its membership row (admins don't). A step
 * flow (lib/runs/step-flow.ts) asks first, reads the row through its store only then, and hands
 * it to requireProjectAccessWith.
 */
export function projectAccessNeedsRow(options: { user: Actor; projectId: string }): boolean {
  if (tokenExcludesProject(options.projectId)) return false;
  return (tokenProjectRoles(options.user.id)?.ownerRole ?? options.user.role) !== "ADMIN";
}

/** requireProjectAccess with the membership row already read (null when projectAccessNeedsRow said no). */
export function requireProjectAccessWith<U extends Actor>(row: ProjectAccessRow | null, options: Parameters<typeof requireProjectAccess<U>>[0]): U {
  return requireWithRole(
    projectRoleWith(options, () => {
      if (!row) throw new Error("requireProjectAccessWith needs the membership row here (see projectAccessNeedsRow).");
      return row;
    }),
    options,
  );
}

/** The membership row behind an access check, on SQLite (step stores read it in their transaction). */
export function readProjectAccessRow(options: { userId: string; projectId: string }): ProjectAccessRow {
  return readProjectAccessSql(options);
}

/** The membership row behind an access check, on PostgreSQL. */
export function readProjectAccessRowPg(db: Parameters<typeof readProjectAccessPg>[0], options: { userId: string; projectId: string }): Promise<ProjectAccessRow> {
  return readProjectAccessPg(db, options);
}

/**
 * Throws 404 when the user may not see the project, 403 when they may see it but not do `need`.
 * Returns the user with their role in this project, for the permission rules that follow (so a
 * viewer-member who is an operator elsewhere can't sign off here).
 */
export async function requireProjectAccess<U extends Actor>(options: {
  user: U;
  projectId: string;
  need: ProjectNeed;
  forbidden?: string;
  /** What the 404 names: the resource the request asked for ("Run", "Step"…), so it reads like a missing one. */
  resource?: string;
}): Promise<U> {
  return requireWithRole(await projectRoleOf(options), options);
}

function requireWithRole<U extends Actor>(role: RoleName | null, options: { user: U; need: ProjectNeed; forbidden?: string; resource?: string }): U {
  if (role === null) throw new NotFoundError(options.resource ?? "Project");
  if (!projectRoleAllows(role, options.need)) throw new ForbiddenError(options.forbidden ?? "Your role in this project can't do that.");
  return role === options.user.role ? options.user : { ...options.user, role };
}

/** For pages: the user with their role in the project, or null when they may not see it (the page answers 404). */
export async function projectUserOrNull<U extends Actor>(options: { user: U; projectId: string }): Promise<U | null> {
  const role = await projectRoleOf(options);
  if (role === null) return null;
  return role === options.user.role ? options.user : { ...options.user, role };
}

/** requireProjectAccess for a run's project; 404 "Run not found" for a run that doesn't exist. */
export async function requireRunAccess<U extends Actor>(options: { user: U; runId: string; need: ProjectNeed; forbidden?: string; resource?: string }): Promise<U & { projectId: string }> {
  const projectId = await readRunProjectId(options.runId);
  if (projectId === null) throw new NotFoundError("Run");
  return { ...(await requireProjectAccess({ resource: "Run", ...options, projectId })), projectId };
}

/** The Prisma filter of the projects the user may see (an empty filter, never undefined, for all). */
export async function visibleProjectsWhere(user: Actor): Promise<Prisma.ProjectWhereInput> {
  const limited = currentTokenCredential()?.projectIds;
  if (limited) return { AND: [{ id: { in: [...limited] } }, await visibleProjectsWhereForRole(user)] };
  return visibleProjectsWhereForRole(user);
}

async function visibleProjectsWhereForRole(requested: Actor): Promise<Prisma.ProjectWhereInput> {
  const token = tokenProjectRoles(requested.id);
  const user = token ? { id: requested.id, role: token.ownerRole } : requested;
  if (user.role === "ADMIN" || (await getProjectVisibility()) === "all") return {};
  return { members: { some: { userId: user.id } } };
}
