/**
 * The browser's one JSON client for our route handlers (client-safe: no server-only imports).
 * GET and the mutating verbs share one response and error mapping. A failed request is never
 * treated as success: every call resolves (it never rejects) to either { ok: true, data } or
 * { ok: false, error } with the server's message and field errors, or one of two errors that
 * carry no server answer:
 *
 * - `code: "network"` (status 0): no connection. The caller can queue the request or show it.
 * - `code: "aborted"` (status 0): the caller's AbortSignal fired, before or while the answer was
 *   read. Nobody is waiting for the answer any more: never show it, never use it as data.
 *   `isAborted(error)` tells it apart; `isNetworkError` is false for it.
 */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  fieldErrors: Record<string, string[]>;
  current?: unknown;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export type ApiMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ApiRequestOptions {
  /** Aborting it resolves the call to an "aborted" error (see isAborted). */
  signal?: AbortSignal;
}

const networkError = (): ApiError => ({ status: 0, code: "network", message: "No connection to the server. Check the network and try again.", fieldErrors: {} });
const abortedError = (): ApiError => ({ status: 0, code: "aborted", message: "The request was cancelled.", fieldErrors: {} });

export async function apiRequest<T = unknown>(method: ApiMethod, url: string, body?: unknown, options: ApiRequestOptions = {}): Promise<ApiResult<T>> {
  const { signal } = options;
  let response: Response;
  try {
    // A FormData body (a file upload) goes as multipart, with the boundary the browser sets.
    const multipart = typeof FormData !== "undefined" && body instanceof FormData;
    response = await fetch(url, {
      method,
      headers: body === undefined || multipart ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal,
    });
  } catch {
    return { ok: false, error: signal?.aborted ? abortedError() : networkError() };
  }
  const payload = (await response.json().catch(() => null)) as { error?: Partial<ApiError> } | T | null;
  // Aborted while the body was read: the answer is incomplete (or no longer wanted).
  if (signal?.aborted) return { ok: false, error: abortedError() };
  if (response.ok) return { ok: true, data: payload as T };
  const error = (payload as { error?: Partial<ApiError> } | null)?.error;
  return {
    ok: false,
    error: {
      status: response.status,
      code: error?.code ?? "http_error",
      message: error?.message ?? (response.status === 401 ? "Your session has expired. Sign in again." : `The server answered ${response.status}.`),
      fieldErrors: error?.fieldErrors ?? {},
      current: error?.current,
    },
  };
}

/** GET a JSON document: apiRequest("GET", url) with an optional AbortSignal. */
export function getJson<T = unknown>(url: string, options: ApiRequestOptions = {}): Promise<ApiResult<T>> {
  return apiRequest<T>("GET", url, undefined, options);
}

/** The caller aborted the request: not an error to show, and no data. */
export const isAborted = (error: ApiError) => error.code === "aborted";

/** No answer from the app (no connection, or a proxy saying the app is down): worth retrying later. */
export const isNetworkError = (error: ApiError) => (error.status === 0 && !isAborted(error)) || error.status === 502 || error.status === 503 || error.status === 504;
