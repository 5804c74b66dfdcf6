"use client";
import { useEffect } from "react";

/**
 * Makes the run page reloadable without a network (public/sw.js): registers the service worker
 * and keeps this page and the static files it loaded, so the first visit with a connection is
 * enough. The page copy is the one the server rendered, so it shows the last known run state.
 */
export function OfflineShell() {
  useEffect(() => {
    if (!("serviceWorker" in navigator) || !("caches" in window)) return;
    let cancelled = false;
    // Keep the copy fresh while online: at most one extra render every two minutes per open page.
    const refreshCopy = setInterval(() => {
      if (navigator.onLine && document.visibilityState === "visible") void caches.open("runsheet-pages-v1").then((pages) => pages.add(new Request(location.pathname, { credentials: "same-origin" }))).catch(() => undefined);
    }, 120_000);
    void (async () => {
      try {
        await navigator.serviceWorker.register("/sw.js", { scope: "/" });
        await navigator.serviceWorker.ready;
        if (cancelled) return;
        // This load happened before the worker controlled the page: keep it and its files now.
        const pages = await caches.open("runsheet-pages-v1");
        await pages.add(new Request(location.pathname, { credentials: "same-origin" }));
        const files = performance
          .getEntriesByType("resource")
          .map((entry) => entry.name)
          .filter((name) => name.startsWith(`${location.origin}/_next/static/`));
        const statics = await caches.open("runsheet-static-v1");
        await Promise.all(
          files.map(async (file) => {
            if (!(await statics.match(file))) await statics.add(file).catch(() => undefined);
          }),
        );
        document.documentElement.dataset.offlineReady = "true";
      } catch {
        // No offline copy (private mode, storage full): the page still works online.
      }
    })();
    return () => {
      cancelled = true;
      clearInterval(refreshCopy);
    };
  }, []);
  return null;
}
