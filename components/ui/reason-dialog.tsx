"use client";
import { useState } from "react";
import { Dialog, DialogActions } from "./dialog";
import { Field, TextArea } from "./field";

export interface ReasonDialogProps {
  title: string;
  /** The text box's label: the question the reason answers. */
  label: string;
  /** The danger button that confirms ("Skip step", "Mark failed"…). */
  confirmLabel: string;
  /** Shown (without a request) when the reason is left empty. */
  requiredMessage?: string;
  placeholder?: string;
  /** What the reason is about, shown above the text box (a list of clients, a summary). */
  children?: React.ReactNode;
  onClose: () => void;
  /** Called with the trimmed reason; resolves to an error message to show, or null. Closing is the caller's job. */
  onConfirm: (reason: string) => Promise<string | null>;
}

/** Asks why before a destructive action (skip, fail, undo): a required reason, Cancel, and the confirming danger button. */
export function ReasonDialog({ title, label, confirmLabel, requiredMessage = "A reason is required.", placeholder, children, onClose, onConfirm }: ReasonDialogProps) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <Dialog open onClose={onClose} title={title}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (!reason.trim()) return setError(requiredMessage);
          setPending(true);
          setError(await onConfirm(reason.trim()));
          setPending(false);
        }}
      >
        {children}
        <Field label={label} error={error ? [error] : undefined}>
          {(a) => <TextArea {...a} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} autoFocus placeholder={placeholder} />}
        </Field>
        <DialogActions onCancel={onClose} confirmLabel={confirmLabel} pending={pending} variant="danger" />
      </form>
    </Dialog>
  );
}
