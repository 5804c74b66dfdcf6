import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth";
import { prisma } from "./db/client";
import type { RoleName } from "./roles";

export interface CurrentUser {
  id: string;
  name: string;
  email: string;
  role: RoleName;
}

/** The signed-in user of this request, or null. Deactivated users count as signed out. */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) return null;
  const user = await prisma.user.findUnique({
    where: { id: session.user.id },
    select: { id: true, name: true, email: true, role: true, deactivatedAt: true },
  });
  if (!user || user.deactivatedAt) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role };
});

/** For server pages: the user, or a redirect to sign-in. */
export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) {
    const userCount = await prisma.user.count();
    redirect(userCount === 0 ? "/setup" : "/login");
  }
  return user;
}
