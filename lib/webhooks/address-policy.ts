import ipaddr from "ipaddr.js";

/**
 * Where a webhook may point. A server-side request to an admin-supplied URL can reach what the
 * admin's browser can't: the metadata service (169.254.169.254), the database host on the private
 * network, this server's own loopback ports. So only public unicast addresses are allowed unless an
 * installation admin ticked "allow private network" for the endpoint (a receiver on the LAN, a
 * test receiver on loopback).
 *
 * Checked twice: when the endpoint is saved (the URL's literal address, or what its name resolves
 * to now), and at every send, after DNS resolution, on the very addresses the connection then
 * uses (see checkedLookup): a name that resolved to a public address at registration and to
 * 127.0.0.1 later (DNS rebinding) is refused at send time.
 */

export type AddressVerdict = { ok: true } | { ok: false; range: string };

/** A resolver: every address a host name has (A and AAAA). Injected so tests need no DNS. */
export type Resolver = (hostname: string) => Promise<string[]>;

const RANGE_NAMES: Record<string, string> = {
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  private: "a private-network address",
  carrierGradeNat: "a carrier-grade NAT address",
  uniqueLocal: "a unique-local address",
  reserved: "a reserved address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  benchmarking: "a benchmarking address",
  amt: "an AMT address",
  as112: "an AS112 address",
  deprecated: "a deprecated address",
  orchid2: "an ORCHIDv2 address",
  discard: "a discard-only address",
};

/** Whether an IP address (v4 or v6 text, IPv4-mapped IPv6 judged as the IPv4 inside) is public unicast. */
export function classifyAddress(address: string): AddressVerdict {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""));
  } catch {
    return { ok: false, range: "not an IP address" };
  }
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const range = parsed.range();
  if (range === "unicast") return { ok: true };
  return { ok: false, range: RANGE_NAMES[range] ?? `a ${range} address` };
}

export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ""));
}

export type UrlShape = { ok: true; url: URL; hostname: string } | { ok: false; message: string };

/** http(s) only, a host, no user name or password in the URL (they would end up in logs). */
export function checkUrlShape(value: string): UrlShape {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: "Enter a full URL, starting with https:// (or http://)." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, message: "Only http:// and https:// URLs can receive webhooks." };
  if (url.username || url.password) return { ok: false, message: "Put credentials in the secret, not in the URL." };
  if (!url.hostname) return { ok: false, message: "The URL has no host." };
  return { ok: true, url, hostname: url.hostname.replace(/^\[|\]$/g, "") };
}

const LOOPBACK_NAMES = /^(localhost|localhost\.localdomain|ip6-localhost|ip6-loopback)$|\.localhost$/i;

/**
 * The check at registration: the URL's shape, then its host: a literal address must be public,
 * a name must not be a loopback name nor resolve to a non-public address. A name that doesn't
 * resolve now is accepted (the receiver may not exist yet); sending checks again.
 */
export async function checkWebhookUrl(options: { url: string; allowPrivateNetwork: boolean; resolve: Resolver }): Promise<{ ok: true } | { ok: false; message: string }> {
  const shape = checkUrlShape(options.url);
  if (!shape.ok) return shape;
  if (options.allowPrivateNetwork) return { ok: true };
  const refused = (what: string) => ({
    ok: false as const,
    message: `${what}. Webhooks go to public addresses unless an admin allows private networks for this endpoint.`,
  });
  if (isIpLiteral(shape.hostname)) {
    const verdict = classifyAddress(shape.hostname);
    return verdict.ok ? { ok: true } : refused(`${shape.hostname} is ${verdict.range}`);
  }
  if (LOOPBACK_NAMES.test(shape.hostname)) return refused(`${shape.hostname} is this server itself`);
  let addresses: string[] = [];
  try {
    addresses = await options.resolve(shape.hostname);
  } catch {
    return { ok: true };
  }
  for (const address of addresses) {
    const verdict = classifyAddress(address);
    if (!verdict.ok) return refused(`${shape.hostname} resolves to ${address}, ${verdict.range}`);
  }
  return { ok: true };
}

/** Thrown at send time when an address is refused: the attempt is logged with its message. */
export class RefusedAddressError extends Error {
  readonly code = "EWEBHOOKREFUSED";
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http/https that resolves the name once, refuses the connection unless every
 * address is allowed, and hands the socket exactly those checked addresses: the connection can't
 * go anywhere the check didn't see. (A literal IP host never reaches a lookup; the sender checks
 * it before connecting.)
 */
export function checkedLookup(options: { allowPrivateNetwork: boolean; resolve: Resolver }) {
  return (hostname: string, lookupOptions: { all?: boolean } | number | undefined, callback: LookupCallback): void => {
    const all = typeof lookupOptions === "object" && lookupOptions !== null && lookupOptions.all === true;
    options
      .resolve(hostname)
      .then((addresses) => {
        if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no address.`), { code: "ENOTFOUND" });
        if (!options.allowPrivateNetwork) {
          if (LOOPBACK_NAMES.test(hostname)) throw new RefusedAddressError(`Refused: ${hostname} is this server itself (private networks are not allowed for this endpoint).`);
          for (const address of addresses) {
            const verdict = classifyAddress(address);
            if (!verdict.ok) throw new RefusedAddressError(`Refused: ${hostname} resolved to ${address}, ${verdict.range} (private networks are not allowed for this endpoint).`);
          }
        }
        const list = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
        if (all) callback(null, list);
        else callback(null, list[0].address, list[0].family);
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, all ? [] : "", undefined));
  };
}
