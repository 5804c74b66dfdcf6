"use client";
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

export type SheetField = "title" | "team" | "assigneeId" | "plannedMinutes";

export const SHEET_FIELD_LABELS: Record<SheetField, string> = { title: "Title", team: "Team", assigneeId: "Assignee", plannedMinutes: "Minutes" };

/**
 * One editable cell of the plan sheet. Shown as text; click, Enter or F2 edits; Enter saves,
 * Escape cancels, Tab saves and moves on. `save` resolves to an error message or null: the cell
 * shows "Saving…" meanwhile, and on an error goes back to the saved value (the error is shown by
 * the sheet), so a failed request never looks saved.
 */
export function SheetCell({
  cellId,
  label,
  field,
  value,
  display,
  options,
  suggestions,
  className = "",
  extra,
  onSave,
  onMove,
}: {
  cellId: string;
  /** "Title of step 3": the accessible name of the cell and its input. */
  label: string;
  field: SheetField;
  value: string;
  display: string;
  options?: { value: string; label: string }[];
  /** Typed values the input suggests (a datalist): the team cell's teams. */
  suggestions?: string[];
  className?: string;
  /** Shown under the value (not edited): badges, and on a phone the columns it hides. */
  extra?: ReactNode;
  onSave: (value: string) => Promise<string | null>;
  /** Focus the next (1) or previous (-1) cell after a Tab; false when there is none (Tab then leaves the sheet). */
  onMove: (cellId: string, delta: 1 | -1) => boolean;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(value);
  const [saving, setSaving] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement & HTMLSelectElement>(null);
  const cellRef = useRef<HTMLTableCellElement>(null);
  // Set while an edit is open: Enter, Escape, Tab and the blur of the closing input all end it, once.
  const open = useRef(false);

  useEffect(() => {
    if (editing) {
      inputRef.current?.focus();
      if (inputRef.current instanceof HTMLInputElement) inputRef.current.select();
    }
  }, [editing]);

  function start() {
    if (saving !== null) return;
    setDraft(value);
    open.current = true;
    setEditing(true);
  }

  async function commit(then?: 1 | -1) {
    if (!open.current) return;
    open.current = false;
    setEditing(false);
    if (draft === value) {
      if (then) onMove(cellId, then);
      else cellRef.current?.focus();
      return;
    }
    setSaving(draft);
    if (then) onMove(cellId, then);
    else cellRef.current?.focus();
    await onSave(draft);
    setSaving(null);
  }

  function onInputKey(event: KeyboardEvent) {
    if (event.key === "Enter") {
      event.preventDefault();
      void commit();
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      open.current = false;
      setEditing(false);
      setDraft(value);
      cellRef.current?.focus();
    } else if (event.key === "Tab") {
      event.preventDefault();
      void commit(event.shiftKey ? -1 : 1);
    }
    event.stopPropagation();
  }

  function onCellKey(event: KeyboardEvent) {
    if (editing) return;
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      start();
    } else if (event.key === "Tab") {
      if (onMove(cellId, event.shiftKey ? -1 : 1)) event.preventDefault();
    }
  }

  const shown = saving !== null ? (options?.find((o) => o.value === saving)?.label ?? (saving || "—")) : display;
  return (
    <td
      ref={cellRef}
      data-cell={cellId}
      tabIndex={editing ? -1 : 0}
      aria-label={editing ? undefined : `${label}: ${display || "empty"}`}
      onClick={() => (editing ? undefined : start())}
      onKeyDown={onCellKey}
      className={`cursor-text px-2 py-1.5 align-top outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 ${className}`}
    >
      {editing ? (
        options ? (
          <select
            ref={inputRef}
            aria-label={label}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onInputKey}
            onBlur={() => void commit()}
            className="w-full min-w-0 rounded border border-indigo-400 bg-white px-1 py-1 text-sm dark:bg-slate-900"
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        ) : (
          <input
            ref={inputRef}
            aria-label={label}
            value={draft}
            inputMode={field === "plannedMinutes" ? "numeric" : undefined}
            list={suggestions ? `${cellId}-suggestions` : undefined}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onInputKey}
            onBlur={() => void commit()}
            className="w-full min-w-0 rounded border border-indigo-400 bg-white px-1 py-1 text-sm dark:bg-slate-900"
          />
        )
      ) : (
        <span className={`block min-w-0 [overflow-wrap:anywhere] ${saving !== null ? "text-slate-400" : ""}`}>
          <span data-value>{shown || <span className="text-slate-400">—</span>}</span>
          {saving !== null ? (
            <span role="status" className="ml-1 text-xs text-slate-500">
              Saving…
            </span>
          ) : null}
          {extra}
        </span>
      )}
      {editing && suggestions ? (
        <datalist id={`${cellId}-suggestions`}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      ) : null}
    </td>
  );
}
