import { memo } from "react";
import ReactMarkdown from "react-markdown";

/**
 * Step details. react-markdown never renders raw HTML (skipHtml) and strips javascript: links.
 * Memoised: parsing is the expensive part, and boards re-render every second and on every refresh.
 */
export const Markdown = memo(function Markdown({ source }: { source: string }) {
  if (!source.trim()) return null;
  return (
    <div className="prose-step text-sm text-slate-700 dark:text-slate-300">
      <ReactMarkdown skipHtml>{source}</ReactMarkdown>
    </div>
  );
});
