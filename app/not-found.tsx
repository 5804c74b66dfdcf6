import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-md px-4 py-24 text-center">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-2 text-2xl font-bold">Not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">This page doesn&apos;t exist: the address may be mistyped, or what it showed was deleted.</p>
      <ButtonLink href="/projects" className="mt-6">
        Back to projects
      </ButtonLink>
    </main>
  );
}
