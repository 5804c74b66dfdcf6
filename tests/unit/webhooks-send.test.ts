/**
 * The sender's address check at connect time: the name is resolved by the sender's own lookup,
 * every address is checked, and the socket goes to the checked address (a real receiver on
 * loopback stands in for "the address a name resolves to"; the resolver is a stub, no DNS).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWebhookUrl } from "@/lib/webhooks/address-policy";
import { sendWebhook } from "@/lib/webhooks/send";
import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiver.secrets.push(SECRET);
});
afterAll(async () => receiver?.close());

describe("sending a webhook", () => {
  it("connects to a name's checked address, and refuses one that resolves to a private address (DNS rebinding)", async () => {
    const url = `http://hooks.example.test:${receiver.port}/named`;
    // At registration the name resolved to a public address…
    expect(await checkWebhookUrl({ url, allowPrivateNetwork: false, resolve: async () => ["93.184.216.34"] })).toEqual({ ok: true });
    // …at send time it resolves to loopback: refused before connecting, and nothing arrives.
    const rebound = await sendWebhook({ url, secret: SECRET, messageId: "msg_rebound", payload: "{}", allowPrivateNetwork: false, resolve: async () => ["127.0.0.1"] });
    expect(rebound).toMatchObject({ delivered: false, statusCode: null });
    expect(rebound.error).toBe("Refused: hooks.example.test resolved to 127.0.0.1, a loopback address (private networks are not allowed for this endpoint).");
    expect(receiver.received.some((r) => r.id === "msg_rebound")).toBe(false);
    // A mixed answer is refused too: the check covers every address, not the first.
    const mixed = await sendWebhook({ url, secret: SECRET, messageId: "msg_mixed", payload: "{}", allowPrivateNetwork: false, resolve: async () => ["93.184.216.34", "10.0.0.1"] });
    expect(mixed.error).toMatch(/resolved to 10\.0\.0\.1/);

    // With private networks allowed, the same name connects to the address the lookup returned.
    const allowed = await sendWebhook({ url, secret: SECRET, messageId: "msg_allowed", payload: '{"type":"webhook.test"}', allowPrivateNetwork: true, resolve: async () => ["127.0.0.1"] });
    expect(allowed).toMatchObject({ delivered: true, statusCode: 200, error: "" });
    const got = receiver.received.find((r) => r.id === "msg_allowed")!;
    expect(got).toMatchObject({ path: "/named", verified: true, body: '{"type":"webhook.test"}' });
  });

  it("refuses a literal private address without a lookup, and reports a redirect as a failure without following it", async () => {
    const literal = await sendWebhook({ url: `http://127.0.0.1:${receiver.port}/literal`, secret: SECRET, messageId: "msg_literal", payload: "{}", allowPrivateNetwork: false });
    expect(literal.error).toMatch(/127\.0\.0\.1 is a loopback address/);
    expect(receiver.received.some((r) => r.id === "msg_literal")).toBe(false);

    receiver.answer = ({ path }) => (path === "/moved" ? { status: 301, body: "moved" } : 200);
    const moved = await sendWebhook({ url: `http://127.0.0.1:${receiver.port}/moved`, secret: SECRET, messageId: "msg_moved", payload: "{}", allowPrivateNetwork: true });
    expect(moved).toMatchObject({ delivered: false, statusCode: 301 });
    expect(moved.error).toMatch(/redirects are not followed/);
    expect(receiver.received.filter((r) => r.id === "msg_moved")).toHaveLength(1);
  });

  it("gives up after the timeout with a clear error", async () => {
    receiver.answer = () => ({ status: 200, delayMs: 2000 });
    const slow = await sendWebhook({ url: `http://127.0.0.1:${receiver.port}/slow`, secret: SECRET, messageId: "msg_slow", payload: "{}", allowPrivateNetwork: true, timeoutMs: 200 });
    expect(slow).toMatchObject({ delivered: false, statusCode: null });
    expect(slow.error).toMatch(/No answer within 0\.2 s/);
  });
});
