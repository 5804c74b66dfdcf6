import "server-only";
import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/**
 * Reads a long list page by page (keyset: `read(last row so far)` returns the rows after it, in
 * order, at most `pageRows`), with a break for the event loop between pages.
 *
 * Why: SQLite answers synchronously, so a long read through Prisma is one block of the server's
 * only thread, and a sign-off that arrives meanwhile waits for all of it (issue 16: a run's
 * 5,000 fleet rows were 40 ms in one piece). Between pages, the requests that are waiting go
 * first. Rows may therefore change between pages: callers that need one moment check for that
 * (lib/exports/run-export-data.ts). There is no break after the last page, so the caller's next
 * read follows at once.
 *
 * The keyset must follow an index (a where + order by the index's columns): a page that sorts the
 * whole list again does the whole read's work again.
 */
export async function readInPages<T>(read: (after: T | null) => Promise<T[]>, pageRows: number): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const page = await read(rows.length > 0 ? rows[rows.length - 1] : null);
    rows.push(...page);
    if (page.length < pageRows) return rows;
    await yieldToEventLoop();
  }
}
