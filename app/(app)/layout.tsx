import { AppNav } from "@/components/shell/app-nav";
import { requireUser } from "@/lib/platform/auth/session";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <>
      <AppNav user={{ name: user.name, email: user.email, role: user.role }} />
      <main className="mx-auto w-full max-w-6xl px-3 pb-24 pt-4 sm:px-6 sm:pt-6">{children}</main>
    </>
  );
}
