import { afterEach, describe, expect, it, vi } from "vitest";

vi.mock("server-only", () => ({}));

const { clientAddress, requestHost, requestOrigin, requestProtocol } = await import("@/lib/platform/http/client-address");

function headers(peer: string | null, extra: Record<string, string> = {}): Headers {
  return new Headers({ host: "runsheet.corp:3000", ...(peer ? { "x-runsheet-peer-address": peer, "x-runsheet-peer-protocol": "http" } : {}), ...extra });
}

afterEach(() => {
  delete process.env.RUNSHEET_TRUSTED_PROXIES;
});

describe("the client's address", () => {
  it("is the connection's peer; a client-sent X-Forwarded-For is ignored when no proxy is trusted", () => {
    expect(clientAddress(headers("192.168.1.20"))).toBe("192.168.1.20");
    expect(clientAddress(headers("192.168.1.20", { "x-forwarded-for": "1.2.3.4" }))).toBe("192.168.1.20");
  });

  it("comes from X-Forwarded-For only through a trusted proxy, skipping trusted hops from the right", () => {
    process.env.RUNSHEET_TRUSTED_PROXIES = "10.0.0.0/24, 10.1.1.1";
    expect(clientAddress(headers("10.0.0.7", { "x-forwarded-for": "198.51.100.9" }))).toBe("198.51.100.9");
    // A client behind the proxy forging an extra hop: the proxy appended the real one last.
    expect(clientAddress(headers("10.0.0.7", { "x-forwarded-for": "6.6.6.6, 198.51.100.9" }))).toBe("198.51.100.9");
    expect(clientAddress(headers("10.0.0.7", { "x-forwarded-for": "198.51.100.9, 10.1.1.1" }))).toBe("198.51.100.9");
    // A peer outside the list can't speak for anyone else.
    expect(clientAddress(headers("10.0.9.7", { "x-forwarded-for": "198.51.100.9" }))).toBe("10.0.9.7");
  });

  it("is 'unknown' without our server in front (next dev): limits still apply, shared", () => {
    expect(clientAddress(headers(null, { "x-forwarded-for": "1.2.3.4" }))).toBe("unknown");
  });
});

describe("the origin the browser addressed", () => {
  it("ignores X-Forwarded-Host and -Proto from an untrusted peer", () => {
    const forged = headers("192.168.1.20", { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" });
    expect(requestHost(forged)).toBe("runsheet.corp:3000");
    expect(requestProtocol(forged)).toBe("http");
    expect(requestOrigin(forged)).toBe("http://runsheet.corp:3000");
  });

  it("takes them from a trusted proxy", () => {
    process.env.RUNSHEET_TRUSTED_PROXIES = "loopback";
    const proxied = headers("127.0.0.1", { "x-forwarded-host": "runsheet.example.com", "x-forwarded-proto": "https" });
    expect(requestOrigin(proxied)).toBe("https://runsheet.example.com");
  });
});
