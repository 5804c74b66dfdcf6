import type { HTMLAttributes, ReactNode, TableHTMLAttributes } from "react";

export interface TableProps extends TableHTMLAttributes<HTMLTableElement> {
  /** Read by screen readers (and names the table); not shown. */
  caption?: ReactNode;
  /** Wrap the table in a box that scrolls sideways on a narrow screen (the table is its only child). Default true. */
  scroll?: boolean;
  /** More classes for the scrolling box (margins, a height limit, a ring). */
  scrollClassName?: string;
  /** Extra-small text, for compact tables inside dialogs. */
  dense?: boolean;
}

/** A data table: full width, left-aligned, small text. Compose it with TableHead and TableBody. */
export function Table({ caption, scroll = true, scrollClassName = "", dense = false, className = "", children, ...props }: TableProps) {
  const table = (
    <table {...props} className={`w-full text-left ${dense ? "text-xs" : "text-sm"} ${className}`}>
      {caption ? <caption className="sr-only">{caption}</caption> : null}
      {children}
    </table>
  );
  return scroll ? <div className={`relative overflow-x-auto ${scrollClassName}`}>{table}</div> : table;
}

/**
 * The header row: small uppercase column names. `className` replaces the default colour
 * (text-slate-500) and can add a background or stickiness. Children are the <th scope="col"> cells.
 */
export function TableHead({ className = "text-slate-500", children }: { className?: string; children: ReactNode }) {
  return (
    <thead className={`text-xs uppercase tracking-wide ${className}`}>
      <tr>{children}</tr>
    </thead>
  );
}

/** Rows divided by a hairline. `className` replaces the default divider colours. */
export function TableBody({ className = "divide-slate-100 dark:divide-slate-800", ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody {...props} className={`divide-y ${className}`} />;
}
