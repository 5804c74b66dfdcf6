"use client";
import Link from "next/link";
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { apiRequest, getJson, isAborted } from "@/lib/platform/http/api-client";

interface NotificationItem {
  id: string;
  kind: string;
  title: string;
  body: string;
  href: string;
  createdAt: string;
  read: boolean;
  acknowledgedAt: string | null;
  needsAcknowledgement: boolean;
}

interface NotificationList {
  unread: number;
  notifications: NotificationItem[];
}

/**
 * How often the bell asks for news. There is no per-user live stream (the live streams are per
 * project), so it polls: every 30 s, and at once when the tab comes back into focus.
 */
const POLL_MS = 30_000;

/** "3 min ago", short enough for a phone. */
function ago(iso: string, now: number): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 24 ? `${hours} h ago` : `${Math.round(hours / 24)} d ago`;
}

export function NotificationBell() {
  const [list, setList] = useState<NotificationList | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  const load = useCallback(async (signal?: AbortSignal) => {
    const result = await getJson<NotificationList>("/api/notifications?limit=30", { signal });
    if (result.ok) {
      setList(result.data);
      setError(null);
    } else if (!isAborted(result.error)) setError(result.error.message);
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    const timer = setInterval(() => void load(), POLL_MS);
    const onFocus = () => void load();
    const onVisible = () => {
      if (document.visibilityState === "visible") void load();
    };
    window.addEventListener("focus", onFocus);
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      controller.abort();
      clearInterval(timer);
      window.removeEventListener("focus", onFocus);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [load]);

  const close = useCallback((returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") close(true);
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) close(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    panelRef.current?.focus();
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open, close]);

  const acknowledge = async (id: string) => {
    setBusy(id);
    const result = await apiRequest("POST", `/api/notifications/${encodeURIComponent(id)}/acknowledge`, {});
    setBusy(null);
    if (!result.ok) setError(result.error.message);
    await load();
  };

  const markAllRead = async () => {
    setBusy("all");
    const result = await apiRequest("POST", "/api/notifications/read", {});
    setBusy(null);
    if (!result.ok) setError(result.error.message);
    await load();
  };

  const openItem = (item: NotificationItem) => {
    if (!item.read) void apiRequest("POST", "/api/notifications/read", { ids: [item.id] }).then(() => load());
    close(false);
  };

  const unread = list?.unread ?? 0;
  const now = Date.now();
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-label={`Notifications, ${unread} unread`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => (open ? close(true) : setOpen(true))}
        className="relative grid h-9 w-9 place-items-center rounded-md text-slate-300 hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 ? (
          <span aria-hidden="true" className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-rose-600 px-1 text-center text-[11px] font-bold leading-5 text-white">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </button>
      {open ? (
        <div
          ref={panelRef}
          id={panelId}
          role="dialog"
          aria-label="Notifications"
          tabIndex={-1}
          className="fixed inset-x-2 top-14 z-40 max-h-[75vh] overflow-y-auto rounded-xl bg-white text-slate-900 shadow-xl ring-1 ring-slate-200 outline-none sm:absolute sm:inset-x-auto sm:right-0 sm:top-11 sm:w-96 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700"
        >
          <div className="flex items-center justify-between gap-2 border-b border-slate-200 px-4 py-2.5 dark:border-slate-700">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <button
              type="button"
              onClick={markAllRead}
              disabled={unread === 0 || busy === "all"}
              className="rounded px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 disabled:text-slate-400 disabled:hover:bg-transparent dark:text-indigo-300 dark:hover:bg-slate-800 dark:disabled:text-slate-500"
            >
              Mark all read
            </button>
          </div>
          {error ? (
            <p role="alert" className="px-4 py-2 text-sm text-rose-700 dark:text-rose-300">
              {error}
            </p>
          ) : null}
          {list && list.notifications.length === 0 ? (
            <p className="px-4 py-8 text-center text-sm text-slate-600 dark:text-slate-400">Nothing yet. You&apos;ll hear here when a step of yours is ready, a gate waits for you, or a run ends.</p>
          ) : null}
          <ul aria-label="Your notifications" className="divide-y divide-slate-100 dark:divide-slate-800">
            {(list?.notifications ?? []).map((item) => (
              <li key={item.id} className={`px-4 py-3 ${item.read ? "" : "bg-indigo-50/60 dark:bg-indigo-950/40"}`}>
                <div className="flex items-start gap-2">
                  {item.read ? null : <span aria-hidden="true" className="mt-1.5 h-2 w-2 shrink-0 rounded-full bg-indigo-600 dark:bg-indigo-400" />}
                  <div className="min-w-0 flex-1">
                    <Link href={item.href || "/projects"} onClick={() => openItem(item)} className="block text-sm font-semibold break-words hover:underline">
                      {item.read ? null : <span className="sr-only">Unread: </span>}
                      {item.title}
                    </Link>
                    <p className="mt-0.5 text-xs break-words text-slate-600 dark:text-slate-400">{item.body}</p>
                    <div className="mt-1.5 flex flex-wrap items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
                      <time dateTime={item.createdAt}>{ago(item.createdAt, now)}</time>
                      {item.needsAcknowledgement && !item.acknowledgedAt ? (
                        <button
                          type="button"
                          onClick={() => acknowledge(item.id)}
                          disabled={busy === item.id}
                          aria-label={`Acknowledge: ${item.title}`}
                          className="rounded-md bg-indigo-600 px-2.5 py-1 font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
                        >
                          {busy === item.id ? "Acknowledging…" : "Acknowledge"}
                        </button>
                      ) : null}
                      {item.acknowledgedAt ? <span className="font-medium text-emerald-700 dark:text-emerald-400">Acknowledged</span> : null}
                    </div>
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
