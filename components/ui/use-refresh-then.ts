"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useTransition } from "react";

/**
 * Refreshes the page's server data, then runs `then` once the new data is on screen. A dialog
 * that closed before the refresh landed could be reopened at once showing the old values, and
 * saving those again would hit a version conflict; closing after the refresh can't.
 */
export function useRefreshThen() {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const after = useRef<(() => void) | null>(null);
  useEffect(() => {
    if (refreshing || !after.current) return;
    const then = after.current;
    after.current = null;
    then();
  }, [refreshing]);
  const refreshThen = useCallback(
    (then: () => void) => {
      after.current = then;
      startTransition(() => router.refresh());
    },
    [router],
  );
  return { refreshing, refreshThen };
}
