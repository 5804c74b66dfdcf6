"use client";
import { useSyncExternalStore } from "react";
import { externalImageHref, markdownImageSource } from "@/lib/platform/markdown-images";

const noSubscription = () => () => undefined;

/**
 * An image in a step's Markdown: shown when it is the app's own (relative, or this origin),
 * otherwise a visible link to it, so nothing is fetched from another host. The origin is known
 * only in the browser: the server's HTML (and hydration) allows relative URLs only, and an
 * absolute URL of this origin appears right after.
 */
export function MarkdownImage({ src, alt, title }: { src?: string; alt?: string; title?: string }) {
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => null);
  const allowed = markdownImageSource(src, origin);
  if (allowed) return <img src={allowed} alt={alt ?? ""} title={title} loading="lazy" className="inline-block h-auto max-w-full" />;

  const href = externalImageHref(src);
  const label = `External image not shown: ${alt || src || "no address"}`;
  const className = "inline-flex max-w-full items-center gap-1 rounded border border-dashed border-slate-400 px-1.5 py-0.5 text-xs text-slate-700 dark:border-slate-500 dark:text-slate-300";
  const icon = (
    <span aria-hidden="true" className="shrink-0">
      🖼
    </span>
  );
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer" className={`${className} underline`} title={href}>
      {icon}
      <span className="min-w-0 [overflow-wrap:anywhere]">{label}</span>
    </a>
  ) : (
    <span className={className}>
      {icon}
      <span className="min-w-0 [overflow-wrap:anywhere]">{label}</span>
    </span>
  );
}
