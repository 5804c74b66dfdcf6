import "server-only";
import type { z } from "zod";
import { appendAuditEvent } from "../audit/service";
import { prisma } from "../platform/db/client";
import { runTransaction } from "../platform/db/transaction";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../platform/errors";
import { canManageMembers, canManageSettings, type ActingUser } from "../platform/auth/permissions";
import { getProjectVisibility } from "./access";
import type { addProjectMemberInput, projectSettingsInput, updateProjectMemberInput } from "./schemas";

/** The project's members and the people who could be added (active users who aren't members). */
export async function listProjectMembers(options: { projectId: string }) {
  const [members, users] = await Promise.all([
    prisma.projectMember.findMany({
      where: { projectId: options.projectId },
      select: { role: true, createdAt: true, user: { select: { id: true, name: true, email: true, role: true, deactivatedAt: true } } },
      orderBy: { user: { name: "asc" } },
    }),
    prisma.user.findMany({ where: { deactivatedAt: null, projectMemberships: { none: { projectId: options.projectId } } }, select: { id: true, name: true, email: true, role: true }, orderBy: { name: "asc" } }),
  ]);
  return {
    visibility: await getProjectVisibility(),
    members: members.map((m) => ({ userId: m.user.id, name: m.user.name, email: m.user.email, installationRole: m.user.role, role: m.role, active: m.user.deactivatedAt === null })),
    candidates: users,
  };
}

async function loadProject(tx: Parameters<Parameters<typeof runTransaction>[0]>[0], projectId: string) {
  const project = await tx.project.findUnique({ where: { id: projectId }, select: { id: true, name: true } });
  if (!project) throw new NotFoundError("Project");
  return project;
}

export async function addProjectMember(options: { actor: ActingUser; projectId: string; input: z.infer<typeof addProjectMemberInput> }) {
  const { actor, input } = options;
  if (!canManageMembers(actor)) throw new ForbiddenError("Only admins can manage project members.");
  return runTransaction(async (tx) => {
    const project = await loadProject(tx, options.projectId);
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true, name: true, email: true, deactivatedAt: true } });
    if (!user || user.deactivatedAt !== null) throw new ValidationError("Choose an active user.", { userId: ["Choose an active user."] });
    const existing = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId: project.id, userId: user.id } }, select: { role: true } });
    if (existing) throw new ConflictError(`${user.name} is already a member of this project. Nothing was changed.`);
    await tx.projectMember.create({ data: { projectId: project.id, userId: user.id, role: input.role, addedById: actor.id } });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.member_add",
      entityType: "project_member",
      entityId: user.id,
      before: null,
      after: { user: user.name, email: user.email, role: input.role },
    });
    return { userId: user.id, role: input.role };
  });
}

export async function updateProjectMember(options: { actor: ActingUser; projectId: string; userId: string; input: z.infer<typeof updateProjectMemberInput> }) {
  const { actor, input } = options;
  if (!canManageMembers(actor)) throw new ForbiddenError("Only admins can manage project members.");
  return runTransaction(async (tx) => {
    const project = await loadProject(tx, options.projectId);
    const member = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId: project.id, userId: options.userId } }, select: { role: true, user: { select: { name: true, email: true } } } });
    if (!member) throw new NotFoundError("Member");
    if (member.role === input.role) return { userId: options.userId, role: input.role };
    await tx.projectMember.update({ where: { projectId_userId: { projectId: project.id, userId: options.userId } }, data: { role: input.role } });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.member_update",
      entityType: "project_member",
      entityId: options.userId,
      before: { user: member.user.name, email: member.user.email, role: member.role },
      after: { user: member.user.name, email: member.user.email, role: input.role },
    });
    return { userId: options.userId, role: input.role };
  });
}

export async function removeProjectMember(options: { actor: ActingUser; projectId: string; userId: string }) {
  const { actor } = options;
  if (!canManageMembers(actor)) throw new ForbiddenError("Only admins can manage project members.");
  return runTransaction(async (tx) => {
    const project = await loadProject(tx, options.projectId);
    const member = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId: project.id, userId: options.userId } }, select: { role: true, user: { select: { name: true, email: true } } } });
    if (!member) throw new NotFoundError("Member");
    await tx.projectMember.delete({ where: { projectId_userId: { projectId: project.id, userId: options.userId } } });
    await appendAuditEvent(tx, {
      actor,
      projectId: project.id,
      action: "project.member_remove",
      entityType: "project_member",
      entityId: options.userId,
      before: { user: member.user.name, email: member.user.email, role: member.role },
      after: null,
    });
    return { ok: true };
  });
}

/** The installation's project visibility; audited on the installation's chain. */
export async function updateProjectSettings(options: { actor: ActingUser; input: z.infer<typeof projectSettingsInput> }) {
  const { actor, input } = options;
  if (!canManageSettings(actor)) throw new ForbiddenError("Only admins can change settings.");
  return runTransaction(async (tx) => {
    const current = await tx.setting.findUnique({ where: { key: "projectVisibility" }, select: { value: true } });
    const before = current?.value === "all" ? "all" : "members";
    if (before === input.projectVisibility && current) return { projectVisibility: before };
    await tx.setting.upsert({ where: { key: "projectVisibility" }, create: { key: "projectVisibility", value: input.projectVisibility }, update: { value: input.projectVisibility } });
    await appendAuditEvent(tx, {
      actor,
      projectId: null,
      action: "settings.update",
      entityType: "setting",
      entityId: "projectVisibility",
      before: { projectVisibility: before },
      after: { projectVisibility: input.projectVisibility },
    });
    return { projectVisibility: input.projectVisibility };
  });
}
