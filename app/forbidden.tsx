import { ButtonLink } from "@/components/ui/button";

/** Rendered with status 403 when a page calls forbidden(): signed in, but the role may not open it. */
export default function Forbidden() {
  return (
    <main className="mx-auto max-w-md px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">403</p>
      <h1 className="mt-2 text-2xl font-bold">Not for your role</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">You are signed in, but your role can&apos;t open this page. An admin can change your role on the Users page.</p>
      <ButtonLink href="/projects" className="mt-6">
        Back to projects
      </ButtonLink>
    </main>
  );
}
