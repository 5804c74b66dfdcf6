// @ts-check
/**
 * The security headers of every response, in one place. Plain JavaScript (with JSDoc types) so
 * that next.config.js, which Node loads without TypeScript, shares it with proxy.ts and the tests.
 *
 * - Pages get a Content-Security-Policy with a fresh nonce per request (proxy.ts). Next.js reads
 *   the nonce from the request's CSP header and puts it on its own scripts, so no inline script
 *   runs without it: an injected <script> does nothing.
 * - Everything else (API answers, evidence files, static files, the service worker) gets a fixed
 *   policy from next.config.js `headers()`, which costs nothing per request and so stays off the
 *   sign-off hot path.
 * - `frame-ancestors 'none'` + `X-Frame-Options: DENY`: no other page may frame the app (a page
 *   of the same site framed the run page at 1% opacity and a click started a step).
 * - Nothing forces HTTPS over plain HTTP: installations on a LAN are reached at
 *   http://runsheet.corp:3000, and HSTS / upgrade-insecure-requests there would lock the browser
 *   out. They are sent only when the request itself came over HTTPS (directly, or from a trusted
 *   proxy: lib/platform/http/client-address.ts decides that).
 */

/** @typedef {{ key: string, value: string }} Header */

/**
 * Headers with no per-request part, for every response.
 * Referrer-Policy `same-origin`: a link in a step's Markdown (a vendor's runbook) must not tell
 * another host the run's address; the app itself gets full referrers.
 * @type {readonly Header[]}
 */
export const STATIC_SECURITY_HEADERS = Object.freeze([
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  {
    key: "Permissions-Policy",
    // Powerful features the app never uses: off for it and for anything that might be injected.
    value: "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
  },
]);

/** One year: the usual HSTS lifetime. No includeSubDomains: other hosts of the domain may be plain HTTP. */
const HSTS = "max-age=31536000";

/**
 * @param {Record<string, readonly string[]>} directives
 * @returns {string}
 */
function serialise(directives) {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(" "))
    .join("; ");
}

/**
 * The policy of an HTML page.
 *
 * - script-src: only scripts carrying this response's nonce, and what they load ('strict-dynamic':
 *   Next's chunk loader). 'self' is for browsers without 'strict-dynamic' (newer ones ignore it).
 *   No 'unsafe-inline'; 'unsafe-eval' only under `next dev` (React's dev tooling needs eval).
 * - style-src: <style> and stylesheets only from the app or with the nonce (Next puts it on
 *   the ones it inlines). Style *attributes* stay allowed (style-src-attr 'unsafe-inline'): React
 *   renders `style={…}` (progress bars, chart geometry, fleet columns) as attributes in the server's
 *   HTML, and a nonce can't cover an attribute. An attribute can't hold selectors, so it can't read
 *   the page the way an injected <style> could, and img-src keeps it from loading anything from
 *   elsewhere.
 * - img-src: the app itself, data: and blob: (pasted screenshots before upload). A step's Markdown
 *   can't pull an image from another host (a tracking pixel, or a way to see who opened a run).
 *
 * @param {{ nonce: string, https: boolean, dev?: boolean }} options
 * @returns {string}
 */
export function pageContentSecurityPolicy({ nonce, https, dev = false }) {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error("A CSP nonce must be at least 16 base64 characters.");
  /** @type {Record<string, string[]>} */
  const directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // next dev injects <style> elements without a nonce.
    "style-src": dev ? ["'self'", "'unsafe-inline'"] : ["'self'", `'nonce-${nonce}'`],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
  if (https) directives["upgrade-insecure-requests"] = [];
  return serialise(directives);
}

/**
 * The policy of everything that isn't a page of ours: API answers (JSON, CSV, PDF, evidence files),
 * static files and the service worker. Nothing in them may run a script: an SVG uploaded as
 * evidence and opened in a tab stays a picture (it can't script the app's origin). The service
 * worker keeps connect-src 'self', which it needs to fetch pages and files for offline use.
 * @type {string}
 */
export const RESOURCE_CONTENT_SECURITY_POLICY = serialise({
  "default-src": ["'none'"],
  "connect-src": ["'self'"],
  "img-src": ["'self'", "data:", "blob:"],
  // An SVG's own <style> (a diagram opened in a tab) may style it; it still can't load anything.
  "style-src": ["'unsafe-inline'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'none'"],
  "frame-ancestors": ["'none'"],
});

/**
 * The headers of a page response: the static ones, its CSP, and HSTS over HTTPS.
 * @param {{ nonce: string, https: boolean, dev?: boolean }} options
 * @returns {Header[]}
 */
export function pageSecurityHeaders(options) {
  return [
    ...STATIC_SECURITY_HEADERS,
    { key: "Content-Security-Policy", value: pageContentSecurityPolicy(options) },
    ...(options.https ? [{ key: "Strict-Transport-Security", value: HSTS }] : []),
  ];
}

/**
 * next.config.js `headers()` rules: the static headers on everything (pages get them again, with
 * their CSP, from proxy.ts), and the resource policy on what proxy.ts doesn't handle.
 * @returns {{ source: string, headers: Header[] }[]}
 */
export function configSecurityHeaders() {
  const resource = [...STATIC_SECURITY_HEADERS, { key: "Content-Security-Policy", value: RESOURCE_CONTENT_SECURITY_POLICY }];
  return [
    { source: "/:path*", headers: [...STATIC_SECURITY_HEADERS] },
    { source: "/api/:path*", headers: resource },
    { source: "/_next/:path*", headers: resource },
    { source: "/sw.js", headers: resource },
  ];
}

/** A fresh, unguessable nonce (128 random bits, base64). */
export function createNonce() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}
