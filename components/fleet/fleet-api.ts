import type { ApiResult } from "@/lib/platform/http/api-client";

/**
 * GET for the fleet components (lib/platform/http/api-client covers the mutating verbs). Same contract: a
 * failed request is never data; it comes back as { ok: false, error } with the server's message.
 */
export async function getJson<T>(url: string, options: { signal?: AbortSignal } = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", cache: "no-store", signal: options.signal });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    return { ok: false, error: { status: 0, code: "network", message: "No connection to the server. Check the network and try again.", fieldErrors: {} } };
  }
  const payload = (await response.json().catch(() => null)) as (T & { error?: { code?: string; message?: string; fieldErrors?: Record<string, string[]> } }) | null;
  if (response.ok && payload) return { ok: true, data: payload };
  return {
    ok: false,
    error: {
      status: response.status,
      code: payload?.error?.code ?? "http_error",
      message: payload?.error?.message ?? (response.status === 401 ? "Your session has expired. Sign in again." : `The server answered ${response.status}.`),
      fieldErrors: payload?.error?.fieldErrors ?? {},
    },
  };
}

/** Plain-text GET (the host-name list). */
export async function getText(url: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) return { ok: false, message: `The server answered ${response.status}.` };
    return { ok: true, text: await response.text() };
  } catch {
    return { ok: false, message: "No connection to the server." };
  }
}

export const formatCount = (n: number) => n.toLocaleString("en-GB");
