/**
 * Which images a step's Markdown may load: only the app's own. An image from another host would
 * tell that host who opened the run and when (or be a pixel that changes after review), and the
 * page's CSP refuses it anyway (img-src 'self'), so the renderer shows a link in its place instead
 * of a broken image and a CSP violation.
 *
 * Client-safe (no server-only): the Markdown renderer runs in the browser too.
 */

/** Stands in for the app's origin while it isn't known (server render): only relative URLs pass then. */
const PLACEHOLDER_ORIGIN = "http://runsheet.invalid";
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The URL to load for a Markdown image `src`, or null when it isn't the app's own. `origin` is the
 * page's origin (location.origin), or null on the server, where only relative URLs are allowed.
 * Protocol-relative ("//host/x") and backslash tricks ("/\host/x") resolve to another origin and
 * are refused.
 */
export function markdownImageSource(src: string | null | undefined, origin: string | null): string | null {
  const raw = (src ?? "").trim();
  if (!raw) return null;
  const base = origin ?? PLACEHOLDER_ORIGIN;
  let resolved: URL;
  try {
    resolved = new URL(raw, base);
  } catch {
    return null;
  }
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") return null;
  if (resolved.origin !== new URL(base).origin) return null;
  // A relative URL stays relative (the same on the server and in the browser); an absolute one
  // can only be the page's own origin here.
  return HAS_SCHEME.test(raw) ? resolved.href : raw;
}

/** Where the fallback link of a refused image may point: http(s) only (never javascript: or data:). */
export function externalImageHref(src: string | null | undefined): string | null {
  const raw = (src ?? "").trim();
  if (!HAS_SCHEME.test(raw) && !raw.startsWith("//")) return null;
  try {
    const url = new URL(raw, PLACEHOLDER_ORIGIN);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
