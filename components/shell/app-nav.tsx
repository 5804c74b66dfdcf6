"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ROLE_LABELS, type RoleName } from "@/lib/platform/auth/roles";
import { useSignOut } from "./use-sign-out";
import { NotificationBell } from "@/components/notifications/notification-bell";

export function AppNav({ user }: { user: { name: string; email: string; role: RoleName } }) {
  const pathname = usePathname();
  const { signOut, signingOut, error } = useSignOut();

  const link = (href: string, label: string) => {
    const active = pathname === href || pathname.startsWith(`${href}/`);
    return (
      <Link
        href={href}
        aria-current={active ? "page" : undefined}
        className={`shrink-0 rounded-md px-2 py-1.5 text-sm font-medium sm:px-2.5 ${active ? "bg-slate-800 text-white" : "text-slate-300 hover:bg-slate-800 hover:text-white"}`}
      >
        {label}
      </Link>
    );
  };

  return (
    <header className="no-print sticky top-0 z-30 bg-slate-900 text-white shadow dark:bg-slate-950 dark:ring-1 dark:ring-slate-800">
      <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-3 sm:px-6">
        <Link href="/projects" className="mr-1 flex items-center gap-2 font-bold tracking-tight sm:mr-2">
          <span aria-hidden="true" className="grid h-7 w-7 place-items-center rounded-md bg-indigo-500 text-sm">
            ✓
          </span>
          <span className="hidden sm:inline">Runsheet</span>
        </Link>
        {/* On a phone an admin's four links, the bell and the avatar don't fit in 390 px: the links
            scroll within the bar (the page itself never scrolls sideways). */}
        <nav aria-label="Main" className="flex min-w-0 items-center gap-1 overflow-x-auto [scrollbar-width:none]">
          {link("/projects", "Projects")}
          {user.role === "ADMIN" ? link("/templates", "Templates") : null}
          {user.role === "ADMIN" ? link("/admin/teams", "Teams") : null}
          {user.role === "ADMIN" ? link("/admin/users", "Users") : null}
        </nav>
        <div className="ml-auto flex shrink-0 items-center gap-2 sm:gap-3">
          <NotificationBell />
          <Link
            href="/account"
            aria-label={`Your account: ${user.name}, ${ROLE_LABELS[user.role]}`}
            aria-current={pathname === "/account" ? "page" : undefined}
            className="flex items-center gap-2 rounded-md px-1.5 py-1 hover:bg-slate-800"
          >
            <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-full bg-slate-700 text-xs font-semibold">
              {initialsOf(user.name)}
            </span>
            <span aria-hidden="true" className="hidden text-left text-xs leading-tight sm:block">
              <span className="block font-semibold">{user.name}</span>
              <span className="block text-slate-400">{ROLE_LABELS[user.role]}</span>
            </span>
          </Link>
          {/* On a phone the bar has no room for it: Sign out is on the account page there. */}
          <button type="button" onClick={signOut} disabled={signingOut} className="hidden whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm text-slate-300 ring-1 ring-slate-700 hover:bg-slate-800 hover:text-white sm:block">
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </div>
      </div>
      {error ? (
        <p role="alert" className="bg-rose-700 px-4 py-1 text-center text-sm">
          {error}
        </p>
      ) : null}
    </header>
  );
}

function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase() || "?";
}
