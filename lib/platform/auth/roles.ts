import { Role } from "@/lib/generated/prisma/enums";
import { enumValues } from "../enums";

/** Roles from the schema's enum (client-safe), so client components can use them without the Prisma client. */
export const ROLES = enumValues(Role);
export type RoleName = Role;

export const ROLE_LABELS: Record<RoleName, string> = {
  ADMIN: "Admin",
  OPERATOR: "Operator",
  VIEWER: "Viewer",
};
