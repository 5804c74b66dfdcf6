import "server-only";
import proxyAddr from "proxy-addr";

/** Set by lib/platform/server/serve.mjs from the socket; a client-sent value is overwritten there. */
const PEER_ADDRESS_HEADER = "x-runsheet-peer-address";
const PEER_PROTOCOL_HEADER = "x-runsheet-peer-protocol";

/**
 * The proxies whose X-Forwarded-For/-Host/-Proto we believe: RUNSHEET_TRUSTED_PROXIES, a comma-
 * separated list of addresses or CIDRs ("10.0.0.5, 192.168.1.0/24", or "loopback"). Empty by
 * default: a request's own connection is then the only source, and forged headers change nothing.
 */
function trustedProxyList(): string[] {
  return (process.env.RUNSHEET_TRUSTED_PROXIES ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

let compiled: { source: string; trust: (address: string, hop: number) => boolean } | null = null;
function trust(): (address: string, hop: number) => boolean {
  const source = process.env.RUNSHEET_TRUSTED_PROXIES ?? "";
  if (!compiled || compiled.source !== source) compiled = { source, trust: proxyAddr.compile(trustedProxyList()) };
  return compiled.trust;
}

/**
 * The address of whoever opened the connection. Without our server (e.g. `next dev`) it is
 * unknown: then "unknown", so that limits keyed on it still work, just shared.
 */
function peerAddress(headers: Headers): string {
  return headers.get(PEER_ADDRESS_HEADER) || "unknown";
}

function fromTrustedProxy(headers: Headers): boolean {
  const peer = peerAddress(headers);
  return peer !== "unknown" && trust()(peer, 0);
}

/**
 * The client's address: the peer, or, when the peer is a trusted proxy, the nearest address in
 * X-Forwarded-For that isn't one (proxy-addr walks the list from the right, as Express does).
 */
export function clientAddress(headers: Headers): string {
  const peer = peerAddress(headers);
  if (peer === "unknown") return peer;
  const forwardedFor = headers.get("x-forwarded-for");
  const fake = { socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {} };
  return proxyAddr(fake as unknown as Parameters<typeof proxyAddr>[0], trust());
}

/** "https" or "http" as the browser used it (`url`: the request URL, when there is one): X-Forwarded-Proto counts only from a trusted proxy. */
export function requestProtocol(headers: Headers, url?: string): "http" | "https" {
  if (fromTrustedProxy(headers)) {
    const forwarded = headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
    if (forwarded === "https" || forwarded === "http") return forwarded;
  }
  const peerProtocol = headers.get(PEER_PROTOCOL_HEADER);
  if (peerProtocol === "https" || peerProtocol === "http") return peerProtocol;
  return url && new URL(url).protocol === "https:" ? "https" : "http";
}

/** The host (and port) the browser addressed: X-Forwarded-Host counts only from a trusted proxy. */
export function requestHost(headers: Headers): string | null {
  if (fromTrustedProxy(headers)) {
    const forwarded = headers.get("x-forwarded-host")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  return headers.get("host");
}

/** scheme://host the browser addressed, for same-origin checks. */
export function requestOrigin(headers: Headers, url?: string): string | null {
  const host = requestHost(headers);
  return host ? `${requestProtocol(headers, url)}://${host}` : null;
}

/** 127.0.0.0/8 and ::1 (also IPv4-mapped): a connection from the machine itself. */
export function isLoopbackAddress(address: string): boolean {
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  return plain === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}
