"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { liveDelta, type LiveDelta } from "@/lib/runs/live-delta";

export type LiveState = "connecting" | "live" | "reconnecting" | "offline";

/** The server sends a ping every 15 s; a stream silent for this long is taken for dead. */
const SILENCE_MS = 35_000;
export interface Viewer {
  userId: string;
  name: string;
  runId: string | null;
}

/**
 * Subscribes to the project's Server-Sent Events. Each event carries what changed (a delta,
 * lib/runs/live-delta.ts); a page that can patch itself says so from `onDelta` and nothing else
 * happens. Otherwise, and whenever an event's `prevSeq` shows that one was missed, the server
 * components re-render (router.refresh), coalesced so a burst of ticks costs one refresh. The
 * browser resends Last-Event-ID when it reconnects; if the stream dies for good (server restart,
 * 5xx), we open a new one that resumes after the last event we saw.
 */
export function useLiveUpdates(options: {
  projectId: string;
  runId: string | null;
  /** The newest audit seq the server render read before its data; events after it are replayed. */
  afterSeq?: number | null;
  /** Applies a delta to the page's state; true when the page is up to date without a re-render. */
  onDelta?: (delta: LiveDelta) => boolean;
}) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>("connecting");
  const [viewers, setViewers] = useState<Viewer[]>([]);
  const onDeltaRef = useRef(options.onDelta);
  onDeltaRef.current = options.onDelta;
  // Only the first render's seq matters: later renders come from refreshes this stream caused.
  const initialAfterSeq = useRef(options.afterSeq ?? null);

  useEffect(() => {
    let source: EventSource | null = null;
    const tab = newTabId();
    let lastSeq: string | null = initialAfterSeq.current !== null ? String(initialAfterSeq.current) : null;
    /** The newest event this page's state includes (rendered or patched); null: not known yet. */
    let applied: number | null = initialAfterSeq.current;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let refreshQueued = false;
    let refreshing = false;
    let disposed = false;

    const refresh = () => {
      if (refreshing) {
        refreshQueued = true;
        return;
      }
      refreshing = true;
      router.refresh();
      // router.refresh has no completion callback; allow the next one shortly after.
      setTimeout(() => {
        refreshing = false;
        if (refreshQueued) {
          refreshQueued = false;
          refresh();
        }
      }, 250);
    };

    const connect = () => {
      if (disposed) return;
      const params = new URLSearchParams();
      if (options.runId) params.set("runId", options.runId);
      if (lastSeq) params.set("after", lastSeq);
      params.set("tab", tab);
      source = new EventSource(`/api/projects/${options.projectId}/events?${params}`);
      source.onopen = () => {
        heard();
        setState(navigator.onLine ? "live" : "offline");
      };
      source.addEventListener("ping", heard);
      source.addEventListener("presence", heard);
      source.addEventListener("change", (event) => {
        heard();
        const message = event as MessageEvent<string>;
        if (message.lastEventId) lastSeq = message.lastEventId;
        let delta: LiveDelta;
        try {
          delta = liveDelta.parse(JSON.parse(message.data));
        } catch {
          // A malformed event must not stop the stream; the server's render is the truth.
          return refresh();
        }
        if (applied !== null && delta.seq <= applied) return; // already in the page (a replay)
        // A gap: this page never saw the event before this one, so a patch could build on a stale state.
        const gap = applied !== null && delta.prevSeq > applied;
        applied = delta.seq;
        // A delta holds whole states (a step's, not a diff of it), so applying one is safe even
        // after a gap; the refresh then brings whatever was missed.
        let patched = false;
        try {
          patched = onDeltaRef.current?.(delta) ?? false;
        } catch {
          patched = false;
        }
        if (gap || !patched) refresh();
      });
      source.addEventListener("presence", (event) => {
        try {
          setViewers(JSON.parse((event as MessageEvent<string>).data));
        } catch {
          setViewers([]);
        }
      });
      source.onerror = () => {
        // Offline, a failed stream is expected: say Offline, not Reconnecting, or the two states
        // flicker against the watchdog's every 2 s on a phone with no network.
        if (!navigator.onLine) setState("offline");
        else {
          // navigator.onLine only says a network interface is up: it stays true on a LAN whose
          // uplink is gone, and Chromium says true on a page reloaded from the offline copy. Ask
          // the server; a request that never arrives means Offline, an answer means it restarts.
          const failed = source;
          setState((current) => (current === "offline" ? current : "reconnecting"));
          void serverAnswers().then((answers) => {
            if (!disposed && failed === source && source?.readyState !== EventSource.OPEN) setState(answers ? "reconnecting" : "offline");
          });
        }
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          retryTimer = setTimeout(connect, 2000);
        }
      };
    };

    // "Live" only while the browser is online and the stream has been heard from recently: a
    // network that drops without closing the connection must not leave a green "Live" behind.
    // Presence: the stream's tab says it's still here, so a tab that silently lost its network
    // leaves "Viewing now" on the other screens.
    const presenceBeat = setInterval(() => {
      if (!navigator.onLine) return;
      void apiRequest("POST", `/api/projects/${options.projectId}/presence`, { tab });
    }, 15_000);
    let lastHeard = Date.now();
    const heard = () => {
      lastHeard = Date.now();
    };
    const watchdog = setInterval(() => {
      if (!navigator.onLine) return setState("offline");
      if (Date.now() - lastHeard > SILENCE_MS) {
        setState("reconnecting");
        source?.close();
        clearTimeout(retryTimer);
        lastHeard = Date.now();
        connect();
      }
    }, 2000);
    const onOffline = () => setState("offline");
    window.addEventListener("offline", onOffline);
    if (!navigator.onLine) setState("offline");
    connect();
    const onOnline = () => {
      if (source?.readyState === EventSource.OPEN) return setState("live");
      setState("reconnecting");
      source?.close();
      clearTimeout(retryTimer);
      connect();
    };
    window.addEventListener("online", onOnline);
    return () => {
      disposed = true;
      clearTimeout(retryTimer);
      clearInterval(watchdog);
      clearInterval(presenceBeat);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
      source?.close();
    };
  }, [options.projectId, options.runId, router]);

  return { state, viewers };
}

/** Whether a request reaches the server at all (any answer counts: a 503 is a server, not a network). */
async function serverAnswers(): Promise<boolean> {
  try {
    await fetch("/api/health", { cache: "no-store", credentials: "omit" });
    return true;
  } catch {
    return false;
  }
}

/** A v4 UUID. crypto.randomUUID exists only on HTTPS and localhost; a LAN over plain HTTP has getRandomValues. */
function newTabId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
