"use client";
import { useEffect, useRef, type ReactNode } from "react";
import { Button, type ButtonVariant } from "./button";

/** The native <dialog>: focus trapping, Esc to close and a backdrop come from the browser. */
export function Dialog({ open, onClose, title, children }: { open: boolean; onClose: () => void; title: string; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-label={title}
      className="m-auto w-[min(40rem,calc(100vw-1.5rem))] rounded-xl bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/60 dark:bg-slate-900 dark:text-slate-100"
    >
      {open ? (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <h2 className="text-lg font-semibold">{title}</h2>
            <button type="button" onClick={onClose} className="rounded p-1 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label="Close">
              ✕
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}

/**
 * A dialog's buttons, right-aligned: Cancel, then the confirming button, which reads
 * `pendingLabel` and is disabled while its request runs. It submits the dialog's form, or
 * with `onConfirm` it is a plain button.
 */
export function DialogActions({
  onCancel,
  confirmLabel,
  pending,
  pendingLabel = "Saving…",
  variant = "primary",
  onConfirm,
}: {
  onCancel: () => void;
  confirmLabel: string;
  pending: boolean;
  pendingLabel?: string;
  variant?: ButtonVariant;
  onConfirm?: () => void;
}) {
  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" onClick={onCancel}>
        Cancel
      </Button>
      <Button type={onConfirm ? "button" : "submit"} variant={variant} onClick={onConfirm} disabled={pending}>
        {pending ? pendingLabel : confirmLabel}
      </Button>
    </div>
  );
}
