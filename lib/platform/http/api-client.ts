/**
 * Browser-side calls to our route handlers. A failed request is never treated as success:
 * every call returns either { ok: true, data } or { ok: false, error } with the server's message
 * and field errors, or a network error the caller can queue or show.
 */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  fieldErrors: Record<string, string[]>;
  current?: unknown;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiError };

export async function apiRequest<T = unknown>(method: "POST" | "PATCH" | "DELETE", url: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "No connection to the server. Check the network and try again.", fieldErrors: {} } };
  }
  const payload = (await response.json().catch(() => null)) as { error?: Partial<ApiError> } | T | null;
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

export const isNetworkError = (error: ApiError) => error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504;
