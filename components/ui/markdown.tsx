import ReactMarkdown from "react-markdown";

/** Step details. react-markdown never renders raw HTML (skipHtml) and strips javascript: links. */
export function Markdown({ source }: { source: string }) {
  if (!source.trim()) return null;
  return (
    <div className="prose-step text-sm text-slate-700 dark:text-slate-300">
      <ReactMarkdown skipHtml>{source}</ReactMarkdown>
    </div>
  );
}
