import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";
import { configSecurityHeaders, createNonce, pageContentSecurityPolicy, pageSecurityHeaders, RESOURCE_CONTENT_SECURITY_POLICY, STATIC_SECURITY_HEADERS } from "@/lib/platform/http/security-headers.mjs";
import { externalImageHref, markdownImageSource } from "@/lib/platform/markdown-images";
import { proxy } from "@/proxy";

/** "script-src 'self' 'nonce-x'; img-src …" → { "script-src": ["'self'", "'nonce-x'"], … } */
function parse(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(";")
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name, sources]),
  );
}

const NONCE = "AAAAAAAAAAAAAAAAAAAAAA==";

afterEach(() => {
  delete process.env.RUNSHEET_TRUSTED_PROXIES;
});

describe("a page's Content-Security-Policy", () => {
  it("lets only scripts with the request's nonce run: no unsafe-inline, no eval", () => {
    const csp = parse(pageContentSecurityPolicy({ nonce: NONCE, https: false }));
    expect(csp["script-src"]).toEqual(["'self'", `'nonce-${NONCE}'`, "'strict-dynamic'"]);
    expect(csp["style-src"]).toEqual(["'self'", `'nonce-${NONCE}'`]);
    // React's style={…} attributes; a nonce can't cover them, and they can't hold selectors.
    expect(csp["style-src-attr"]).toEqual(["'unsafe-inline'"]);
  });

  it("can't be framed and loads nothing from another host", () => {
    const csp = parse(pageContentSecurityPolicy({ nonce: NONCE, https: false }));
    expect(csp).toMatchObject({
      "default-src": ["'self'"],
      "img-src": ["'self'", "data:", "blob:"],
      "connect-src": ["'self'"],
      "worker-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'self'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
    });
    for (const sources of Object.values(csp)) for (const source of sources) expect(source).not.toMatch(/^(\*|https?:|http:\/\/|https:\/\/)/);
  });

  it("upgrades insecure requests only when the page came over HTTPS (a LAN over plain HTTP keeps working)", () => {
    expect(parse(pageContentSecurityPolicy({ nonce: NONCE, https: false }))).not.toHaveProperty("upgrade-insecure-requests");
    expect(parse(pageContentSecurityPolicy({ nonce: NONCE, https: true }))).toHaveProperty("upgrade-insecure-requests", []);
  });

  it("allows eval and unnonced styles only under next dev", () => {
    const csp = parse(pageContentSecurityPolicy({ nonce: NONCE, https: false, dev: true }));
    expect(csp["script-src"]).toContain("'unsafe-eval'");
    expect(csp["script-src"]).not.toContain("'unsafe-inline'");
    expect(csp["style-src"]).toContain("'unsafe-inline'");
  });

  it("refuses a nonce that could smuggle in sources", () => {
    expect(() => pageContentSecurityPolicy({ nonce: "x' 'unsafe-inline", https: false })).toThrow(/nonce/);
    expect(() => pageContentSecurityPolicy({ nonce: "short", https: false })).toThrow(/nonce/);
  });
});

describe("nonces", () => {
  it("are 128 random bits, different every time", () => {
    const nonces = new Set(Array.from({ length: 200 }, createNonce));
    expect(nonces.size).toBe(200);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});

describe("the other headers", () => {
  it("send HSTS only over HTTPS", () => {
    const names = (https: boolean) => pageSecurityHeaders({ nonce: NONCE, https }).map((header) => header.key);
    expect(names(false)).not.toContain("Strict-Transport-Security");
    expect(pageSecurityHeaders({ nonce: NONCE, https: true }).find((header) => header.key === "Strict-Transport-Security")?.value).toBe("max-age=31536000");
    expect(names(false)).toEqual(expect.arrayContaining(["X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Content-Security-Policy"]));
  });

  it("give API answers, files and the service worker a policy under which nothing runs", () => {
    const csp = parse(RESOURCE_CONTENT_SECURITY_POLICY);
    expect(csp["default-src"]).toEqual(["'none'"]);
    expect(csp).not.toHaveProperty("script-src");
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    // The service worker fetches pages and files of the app for offline use.
    expect(csp["connect-src"]).toEqual(["'self'"]);
  });

  it("are configured for every path, with the resource policy where proxy.ts doesn't run", () => {
    const rules = configSecurityHeaders();
    expect(rules.map((rule) => rule.source)).toEqual(["/:path*", "/api/:path*", "/_next/:path*", "/sw.js"]);
    for (const rule of rules) expect(rule.headers).toEqual(expect.arrayContaining([...STATIC_SECURITY_HEADERS]));
    for (const rule of rules.slice(1)) expect(rule.headers).toContainEqual({ key: "Content-Security-Policy", value: RESOURCE_CONTENT_SECURITY_POLICY });
  });
});

describe("proxy.ts", () => {
  function run(headers: Record<string, string>) {
    const response = proxy(new NextRequest("http://runsheet.corp:3000/projects", { headers: { host: "runsheet.corp:3000", ...headers } }));
    const csp = response.headers.get("content-security-policy") ?? "";
    return {
      csp,
      nonce: /'nonce-([^']+)'/.exec(csp)?.[1],
      // What Next.js renders the page with (NextResponse.next({ request: { headers } })).
      requestCsp: response.headers.get("x-middleware-request-content-security-policy"),
      requestNonce: response.headers.get("x-middleware-request-x-nonce"),
      hsts: response.headers.get("strict-transport-security"),
      frameOptions: response.headers.get("x-frame-options"),
    };
  }

  it("renders the page with the nonce it sends, a new one per request, whatever the client sent", () => {
    const first = run({ "x-runsheet-peer-address": "192.168.1.20", "x-runsheet-peer-protocol": "http", "x-nonce": "chosen-by-the-client", "content-security-policy": "script-src *" });
    expect(first.nonce).toBeTruthy();
    expect(first.requestNonce).toBe(first.nonce);
    expect(first.requestCsp).toBe(first.csp);
    expect(first.frameOptions).toBe("DENY");
    expect(run({ "x-runsheet-peer-address": "192.168.1.20" }).nonce).not.toBe(first.nonce);
  });

  it("sends HSTS and upgrade-insecure-requests only for HTTPS from a trusted proxy, never for a forged X-Forwarded-Proto", () => {
    const forged = run({ "x-runsheet-peer-address": "192.168.1.20", "x-runsheet-peer-protocol": "http", "x-forwarded-proto": "https" });
    expect(forged.hsts).toBeNull();
    expect(forged.csp).not.toContain("upgrade-insecure-requests");

    process.env.RUNSHEET_TRUSTED_PROXIES = "10.0.0.5";
    const proxied = run({ "x-runsheet-peer-address": "10.0.0.5", "x-runsheet-peer-protocol": "http", "x-forwarded-proto": "https" });
    expect(proxied.hsts).toBe("max-age=31536000");
    expect(proxied.csp).toContain("upgrade-insecure-requests");
  });
});

describe("images in a step's Markdown", () => {
  const ORIGIN = "http://runsheet.corp:3000";

  it("load from the app itself: relative URLs everywhere, absolute ones of this origin in the browser", () => {
    expect(markdownImageSource("/api/attachments/abc", null)).toBe("/api/attachments/abc");
    expect(markdownImageSource("diagrams/rack.png", null)).toBe("diagrams/rack.png");
    expect(markdownImageSource("  /icon.svg ", ORIGIN)).toBe("/icon.svg");
    expect(markdownImageSource(`${ORIGIN}/api/attachments/abc`, ORIGIN)).toBe(`${ORIGIN}/api/attachments/abc`);
    // On the server the origin isn't known: an absolute URL waits for the browser.
    expect(markdownImageSource(`${ORIGIN}/api/attachments/abc`, null)).toBeNull();
  });

  it("never from another host, however it is written", () => {
    for (const src of [
      "http://127.0.0.1:9999/pixel.png",
      "https://tracker.example/p.gif",
      "//tracker.example/p.gif",
      "/\\tracker.example/p.gif",
      "\\\\tracker.example/p.gif",
      "http://runsheet.corp:3001/x.png",
      "https://runsheet.corp:3000/x.png",
      "javascript:alert(1)",
      "data:image/png;base64,iVBORw0KGgo=",
      "",
      undefined,
    ]) {
      expect(markdownImageSource(src, ORIGIN), String(src)).toBeNull();
    }
  });

  it("links a refused image only to an http(s) address", () => {
    expect(externalImageHref("https://tracker.example/p.gif")).toBe("https://tracker.example/p.gif");
    expect(externalImageHref("//tracker.example/p.gif")).toBe("http://tracker.example/p.gif");
    expect(externalImageHref("javascript:alert(1)")).toBeNull();
    expect(externalImageHref("data:image/png;base64,iVBORw0KGgo=")).toBeNull();
    expect(externalImageHref("")).toBeNull();
  });
});
