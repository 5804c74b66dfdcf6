import type { ApiResult } from "@/lib/platform/http/api-client";

/** GET counterpart of lib/platform/http/api-client.ts apiRequest: same result shape, same error messages. */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" }, signal, cache: "no-store" });
  } catch {
    return { ok: false, error: { status: 0, code: "network", message: "No connection to the server. Check the network and try again.", fieldErrors: {} } };
  }
  const payload = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } } | T | null;
  if (response.ok) return { ok: true, data: payload as T };
  const error = (payload as { error?: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } } | null)?.error;
  return {
    ok: false,
    error: {
      status: response.status,
      code: error?.code ?? "http_error",
      message: error?.message ?? (response.status === 401 ? "Your session has expired. Sign in again." : `The server answered ${response.status}.`),
      fieldErrors: error?.fieldErrors ?? {},
    },
  };
}
