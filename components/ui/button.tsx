import Link from "next/link";
import type { AnchorHTMLAttributes, ButtonHTMLAttributes } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost" | "success";
export type ButtonSize = "sm" | "md" | "lg";

const variants: Record<ButtonVariant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 focus-visible:outline-indigo-600 disabled:bg-indigo-300 dark:disabled:bg-indigo-900",
  success: "bg-emerald-700 text-white hover:bg-emerald-800 focus-visible:outline-emerald-700 disabled:bg-emerald-300 dark:disabled:bg-emerald-900",
  secondary:
    "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-700 disabled:opacity-50",
  danger: "bg-rose-600 text-white hover:bg-rose-500 focus-visible:outline-rose-600 disabled:bg-rose-300 dark:disabled:bg-rose-900",
  ghost: "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800 disabled:opacity-50",
};

const sizes: Record<ButtonSize, string> = {
  sm: "px-2.5 py-1.5 text-xs",
  md: "px-3.5 py-2 text-sm",
  // Touch targets on the data-center floor: at least 44 px high.
  lg: "min-h-11 px-4 py-2.5 text-base",
};

export interface ButtonStyle {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
}

/** The class list of a Button, for anything that must look like one. */
export function buttonClasses({ variant = "primary", size = "md", className = "" }: ButtonStyle = {}): string {
  return `inline-flex items-center justify-center gap-1.5 rounded-md font-semibold shadow-sm transition focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed ${variants[variant]} ${sizes[size]} ${className}`;
}

export function Button({ variant = "primary", size = "md", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & ButtonStyle) {
  return <button type="button" {...props} className={buttonClasses({ variant, size, className })} />;
}

/**
 * A link that looks like a Button. A next/link for pages; with `download`, a plain <a> (a file
 * from a route handler: no client-side navigation, no prefetch).
 */
export function ButtonLink({ href, variant = "primary", size = "md", className = "", download, ...props }: Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & ButtonStyle & { href: string }) {
  const classes = buttonClasses({ variant, size, className });
  if (download !== undefined) return <a {...props} href={href} download={download} className={classes} />;
  return <Link {...props} href={href} className={classes} />;
}
