/** Roles as plain strings so client components can use them without the Prisma client. */
export const ROLES = ["ADMIN", "OPERATOR", "VIEWER"] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_LABELS: Record<RoleName, string> = {
  ADMIN: "Admin",
  OPERATOR: "Operator",
  VIEWER: "Viewer",
};
