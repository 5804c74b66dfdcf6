/** Small HTTP helpers shared by the benchmark and the fault tests (loopback only). */
import http from "node:http";

/** Signs in through better-auth's route and returns the Cookie header value for later requests. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`sign-in of ${email} failed: ${response.status} ${text}`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (cookies.length === 0) throw new Error(`sign-in of ${email} set no cookie`);
  return cookies.join("; ");
}

export interface JsonResponse {
  status: number;
  body: unknown;
  text: string;
  headers: Headers;
  ms: number;
}

export async function postJson(baseUrl: string, pathname: string, cookie: string, body: unknown, timeoutMs = 60_000): Promise<JsonResponse> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie, origin: baseUrl },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: response.status, body: parsed, text, headers: response.headers, ms: performance.now() - started };
}

export function signOff(baseUrl: string, cookie: string, runId: string, stepId: string, timeoutMs?: number): Promise<JsonResponse> {
  return postJson(baseUrl, `/api/runs/${runId}/steps/${stepId}/actions`, cookie, { action: "done" }, timeoutMs);
}

/** GET with time to first byte (status line and headers received) and time to the last byte. */
export function timedGet(url: string, cookie: string): Promise<{ status: number; ttfbMs: number; totalMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get(url, { headers: { cookie, accept: "text/html" }, agent: false }, (response) => {
      // The response callback runs when the status line and headers arrived: the first byte.
      const ttfbMs = performance.now() - started;
      let bytes = 0;
      response.on("data", (chunk: Buffer) => (bytes += chunk.length));
      response.on("end", () => {
        const totalMs = performance.now() - started;
        resolve({ status: response.statusCode ?? 0, ttfbMs, totalMs, bytes });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.setTimeout(60_000, () => request.destroy(new Error(`GET ${url} timed out`)));
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;
