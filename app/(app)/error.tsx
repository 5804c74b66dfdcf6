"use client";

export default function AppError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="mx-auto max-w-md py-16 text-center">
      <h1 className="text-xl font-bold">Something went wrong</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">The page could not be loaded. Nothing you saved was lost.</p>
      <button type="button" onClick={reset} className="mt-4 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white">
        Try again
      </button>
    </div>
  );
}
