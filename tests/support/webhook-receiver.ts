/**
 * A webhook receiver for tests and the benchmark: a real HTTP server on 127.0.0.1 that records
 * every request (headers, body, whether its Standard Webhooks signature verifies against the
 * secrets it was told) and answers as the test decides.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  path: string;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Verified with Webhook.verify against one of the known secrets (false when none matched). */
  verified: boolean;
  /** What the receiver answered. */
  status: number;
  /** When the answer was sent (after any delay the test asked for). */
  at: number;
  /** When the request had fully arrived. */
  arrivedAt: number;
}

export type Answer = number | { status: number; delayMs?: number; body?: string };

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Secrets to verify signatures with (set once the endpoint is created). */
  secrets: string[];
  /** Decides each answer; default 200. */
  answer: (request: { path: string; id: string; nth: number }) => Answer;
  /** Deliveries (unique webhook-ids) answered 2xx. */
  deliveredIds: () => Set<string>;
  close: () => Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const seen = new Map<string, number>();
  const sockets = new Set<import("node:net").Socket>();
  const receiver: WebhookReceiver = {
    url: "",
    port: 0,
    received: [],
    secrets: [],
    answer: () => 200,
    deliveredIds: () => new Set(receiver.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.id)),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const arrivedAt = Date.now();
      const body = Buffer.concat(chunks).toString("utf8");
      const header = (name: string) => String(request.headers[name] ?? "");
      const id = header("webhook-id");
      const nth = (seen.get(id) ?? 0) + 1;
      seen.set(id, nth);
      const verified = receiver.secrets.some((secret) => {
        try {
          new Webhook(secret).verify(body, { "webhook-id": id, "webhook-timestamp": header("webhook-timestamp"), "webhook-signature": header("webhook-signature") });
          return true;
        } catch {
          return false;
        }
      });
      const path = request.url ?? "/";
      const decided = receiver.answer({ path, id, nth });
      const answer = typeof decided === "number" ? { status: decided } : decided;
      const reply = () => {
        receiver.received.push({ path, id, timestamp: header("webhook-timestamp"), signature: header("webhook-signature"), body, verified, status: answer.status, at: Date.now(), arrivedAt });
        response.writeHead(answer.status, { "content-type": "text/plain" });
        response.end(answer.body ?? (answer.status < 300 ? "ok" : "nope"));
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  return receiver;
}
