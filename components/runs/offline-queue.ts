"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { apiRequest, isNetworkError, type ApiError } from "@/lib/platform/http/api-client";
import type { FleetStatusName } from "@/lib/fleet/model";
import type { StepAction } from "@/lib/runs/model";

/**
 * Start/Done/Skip/Fail and fleet-client ticks that couldn't reach the server (bad Wi-Fi on the
 * data-center floor) wait here, in localStorage so they survive a reload, with the time the
 * operator tapped. They are sent in order when the connection is back. Every item carries an
 * idempotency key, so a request that did reach the server before the connection dropped is
 * never applied twice.
 */
export interface QueuedStepAction {
  /** Absent in items queued before fleet ticks could queue. */
  kind?: "step";
  key: string;
  stepId: string;
  stepNumber: string;
  action: StepAction;
  note: string;
  reason: string;
  /** Done on a fleet step signed off with clients not done: why. */
  exceptionReason?: string;
  /** Done on a step that asks for values: the values. */
  fields?: Record<string, string>;
  occurredAt: string;
}

/** Clients ticked by id, with the version each showed (a "matching this filter" tick needs a connection). */
export interface QueuedFleetUpdate {
  kind: "fleet";
  key: string;
  stepId: string;
  stepNumber: string;
  status: FleetStatusName;
  reason: string;
  items: { id: string; version: number }[];
  hostnames: string[];
  occurredAt: string;
}

export type QueuedAction = QueuedStepAction | QueuedFleetUpdate;
type NewItem = Omit<QueuedStepAction, "key" | "occurredAt"> | Omit<QueuedFleetUpdate, "key" | "occurredAt">;

export const isFleetItem = (item: QueuedAction): item is QueuedFleetUpdate => item.kind === "fleet";

export interface ActionOutcome {
  ok: boolean;
  queued: boolean;
  error?: ApiError;
  /** The server's answer, when the request was sent now. */
  data?: unknown;
}

const storageKey = (runId: string) => `runsheet:queue:${runId}`;

function load(runId: string): QueuedAction[] {
  try {
    const raw = window.localStorage.getItem(storageKey(runId));
    return raw ? (JSON.parse(raw) as QueuedAction[]) : [];
  } catch {
    return [];
  }
}

/** False when the browser refused to store it (storage full or disabled). */
function save(runId: string, queue: QueuedAction[]): boolean {
  try {
    if (queue.length === 0) window.localStorage.removeItem(storageKey(runId));
    else window.localStorage.setItem(storageKey(runId), JSON.stringify(queue));
    return true;
  } catch {
    return false;
  }
}

/** What a queued item says about itself in messages; only a few host names are kept, to stay small. */
export const MAX_QUEUED_HOSTNAMES = 20;

const NOT_STORED: ApiError = {
  status: 0,
  code: "network",
  message: "No connection, and this browser can't store the tick for later (its storage is full or disabled). Nothing was queued; try again when the connection is back.",
  fieldErrors: {},
};

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function useOfflineQueue(options: { runId: string; onApplied: () => void; onRejected: (item: QueuedAction, error: ApiError) => void }) {
  const { runId } = options;
  const [queue, setQueue] = useState<QueuedAction[]>([]);
  const [online, setOnline] = useState(true);
  const flushing = useRef(false);
  const callbacks = useRef(options);
  callbacks.current = options;

  const send = (item: QueuedAction, offline: boolean) =>
    isFleetItem(item)
      ? apiRequest("POST", `/api/runs/${runId}/fleet/${item.stepId}`, {
          status: item.status,
          reason: item.reason,
          selection: { kind: "ids", items: item.items },
          idempotencyKey: item.key,
          ...(offline ? { occurredAt: item.occurredAt } : {}),
        })
      : apiRequest("POST", `/api/runs/${runId}/steps/${item.stepId}/actions`, {
          action: item.action,
          note: item.note,
          reason: item.reason,
          ...(item.exceptionReason ? { exceptionReason: item.exceptionReason } : {}),
          ...(item.fields ? { fields: item.fields } : {}),
          idempotencyKey: item.key,
          ...(offline ? { occurredAt: item.occurredAt } : {}),
        });

  const flush = useCallback(async () => {
    if (flushing.current) return;
    flushing.current = true;
    try {
      for (;;) {
        const [next] = load(runId);
        if (!next) break;
        const result = await send(next, true);
        if (!result.ok && isNetworkError(result.error)) break; // still offline: keep it, try later
        save(runId, load(runId).filter((q) => q.key !== next.key));
        setQueue(load(runId));
        if (result.ok) callbacks.current.onApplied();
        else callbacks.current.onRejected(next, result.error);
      }
    } finally {
      flushing.current = false;
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId]);

  useEffect(() => {
    setQueue(load(runId));
    setOnline(navigator.onLine);
    const goOnline = () => {
      setOnline(true);
      void flush();
    };
    const goOffline = () => setOnline(false);
    window.addEventListener("online", goOnline);
    window.addEventListener("offline", goOffline);
    if (navigator.onLine) void flush();
    // Retry now and then: "online" events are unreliable on flaky Wi-Fi.
    const timer = setInterval(() => {
      if (load(runId).length > 0) void flush();
    }, 5000);
    return () => {
      window.removeEventListener("online", goOnline);
      window.removeEventListener("offline", goOffline);
      clearInterval(timer);
    };
  }, [runId, flush]);

  /** Sends now if possible; queues on a network failure. Actions behind queued ones queue too, to keep the order. */
  const submit = useCallback(
    async (input: NewItem): Promise<ActionOutcome> => {
      const item = { ...input, key: newKey(), occurredAt: new Date().toISOString() } as QueuedAction;
      if (isFleetItem(item)) item.hostnames = item.hostnames.slice(0, MAX_QUEUED_HOSTNAMES);
      // A tick is only "queued" once it is stored: a failed save must not look like success.
      const enqueue = (): ActionOutcome => {
        if (!save(runId, [...load(runId), item])) return { ok: false, queued: false, error: NOT_STORED };
        setQueue(load(runId));
        return { ok: true, queued: true };
      };
      if (!navigator.onLine || load(runId).length > 0) return enqueue();
      const result = await send(item, false);
      if (result.ok) return { ok: true, queued: false, data: result.data };
      if (isNetworkError(result.error)) return enqueue();
      return { ok: false, queued: false, error: result.error };
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [runId],
  );

  return { queue, online, submit, flush };
}
