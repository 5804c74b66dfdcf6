import { memo } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import { MarkdownImage } from "./markdown-image";

// An image from another host becomes a visible link (MarkdownImage): nothing is fetched from it.
const components: Components = {
  img: ({ src, alt, title }) => <MarkdownImage src={typeof src === "string" ? src : undefined} alt={alt} title={title} />,
};

/**
 * Step details. react-markdown never renders raw HTML (skipHtml) and strips javascript: links;
 * images load only from the app itself (MarkdownImage), anything else becomes a visible link.
 * Memoised: parsing is the expensive part, and boards re-render every second and on every refresh.
 */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  if (!source.trim()) return null;
  return (
    <div className="prose-step text-sm text-slate-700 dark:text-slate-300">
      <ReactMarkdown skipHtml components={components}>{source}</ReactMarkdown>
    </div>
  );
});
