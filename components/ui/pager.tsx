import { Button } from "./button";

/** Previous / "Page x of y" / Next, for server-paginated lists. Renders nothing for a single page. */
export function Pager({ page, pageCount, onPage, label }: { page: number; pageCount: number; onPage: (page: number) => void; label: string }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={label} className="flex items-center justify-between gap-2 text-sm">
      <Button size="sm" variant="secondary" onClick={() => onPage(Math.max(1, page - 1))} disabled={page <= 1}>
        ← Previous
      </Button>
      <span>
        Page {page} of {pageCount}
      </span>
      <Button size="sm" variant="secondary" onClick={() => onPage(Math.min(pageCount, page + 1))} disabled={page >= pageCount}>
        Next →
      </Button>
    </nav>
  );
}
