import "server-only";
import dns from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { Webhook } from "standardwebhooks";
import { checkedLookup, checkUrlShape, classifyAddress, isIpLiteral, RefusedAddressError, type Resolver } from "./address-policy";

/** How long one attempt may take, connect to last byte. */
export const SEND_TIMEOUT_MS = 10_000;
const EXCERPT_CHARS = 300;
/** We read at most this much of an answer: only an excerpt is kept. */
const MAX_RESPONSE_BYTES = 16 * 1024;

/** Every A and AAAA address of a name, as the system resolver (hosts file included) sees it. */
export const systemResolver: Resolver = async (hostname) => (await dns.lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export interface SendResult {
  statusCode: number | null;
  durationMs: number;
  error: string;
  responseExcerpt: string;
  delivered: boolean;
}

/**
 * One signed POST (Standard Webhooks headers: webhook-id, webhook-timestamp, webhook-signature).
 * node:http with a checking `lookup`, so the socket connects only to an address the policy allowed;
 * redirects are not followed (a 3xx is a failed attempt: a receiver that moved must be updated by
 * an admin, not by whoever answers at the old address). Never throws: every outcome is a result.
 */
export async function sendWebhook(options: {
  url: string;
  secret: string;
  messageId: string;
  payload: string;
  allowPrivateNetwork: boolean;
  resolve?: Resolver;
  now?: Date;
  timeoutMs?: number;
}): Promise<SendResult> {
  const started = performance.now();
  const result = (fields: Partial<SendResult>): SendResult => ({
    statusCode: null,
    error: "",
    responseExcerpt: "",
    delivered: false,
    ...fields,
    durationMs: Math.round(performance.now() - started),
  });
  const shape = checkUrlShape(options.url);
  if (!shape.ok) return result({ error: shape.message });
  if (isIpLiteral(shape.hostname) && !options.allowPrivateNetwork) {
    const verdict = classifyAddress(shape.hostname);
    if (!verdict.ok) return result({ error: `Refused: ${shape.hostname} is ${verdict.range} (private networks are not allowed for this endpoint).` });
  }
  const timestamp = options.now ?? new Date();
  let signature: string;
  try {
    signature = new Webhook(options.secret).sign(options.messageId, timestamp, options.payload);
  } catch (error) {
    return result({ error: `Could not sign: ${(error as Error).message}` });
  }
  const body = Buffer.from(options.payload, "utf8");
  const client = shape.url.protocol === "https:" ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const request = client.request(
      shape.url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(body.length),
          "user-agent": "Runsheet-Webhooks/1",
          "webhook-id": options.messageId,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": signature,
        },
        lookup: checkedLookup({ allowPrivateNetwork: options.allowPrivateNetwork, resolve: options.resolve ?? systemResolver }) as unknown as http.RequestOptions["lookup"],
        agent: false,
        timeout: options.timeoutMs ?? SEND_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () => {
          const status = response.statusCode ?? null;
          const delivered = status !== null && status >= 200 && status < 300;
          const excerpt = Buffer.concat(chunks).toString("utf8").slice(0, EXCERPT_CHARS);
          const location = response.headers.location ? ` to ${String(response.headers.location).slice(0, 200)}` : "";
          const error = delivered ? "" : status !== null && status >= 300 && status < 400 ? `Answered ${status}, a redirect${location}; redirects are not followed.` : `Answered ${status}.`;
          finish(result({ statusCode: status, delivered, responseExcerpt: excerpt, error }));
        };
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    // The whole attempt, not just idle time, is bounded.
    const deadline = setTimeout(() => request.destroy(Object.assign(new Error(`No answer within ${(options.timeoutMs ?? SEND_TIMEOUT_MS) / 1000} s.`), { code: "ETIMEDOUT" })), options.timeoutMs ?? SEND_TIMEOUT_MS);
    request.on("timeout", () => request.destroy(Object.assign(new Error(`No answer within ${(options.timeoutMs ?? SEND_TIMEOUT_MS) / 1000} s.`), { code: "ETIMEDOUT" })));
    request.on("error", (error: NodeJS.ErrnoException) => {
      const message = error instanceof RefusedAddressError ? error.message : error.code === "ETIMEDOUT" ? error.message : `${error.code ? `${error.code}: ` : ""}${error.message}`;
      finish(result({ error: message.slice(0, 500) }));
    });
    request.on("close", () => clearTimeout(deadline));
    request.end(body);
  });
}
