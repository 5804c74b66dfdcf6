import { AppNav } from "@/components/shell/app-nav";
import { DemoBanner } from "@/components/shell/demo-banner";
import { hasDemo } from "@/lib/demo/remove";
import { canManageUsers } from "@/lib/platform/auth/permissions";
import { requireUser } from "@/lib/platform/auth/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  const showDemoBanner = canManageUsers(user) && (await hasDemo());
  return (
    <>
      <AppNav user={{ name: user.name, email: user.email, role: user.role }} />
      {showDemoBanner ? <DemoBanner /> : null}
      <main className="mx-auto w-full max-w-6xl px-3 pb-24 pt-4 sm:px-6 sm:pt-6">{children}</main>
    </>
  );
}
