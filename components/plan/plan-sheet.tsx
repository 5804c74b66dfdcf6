"use client";
import { closestCenter, DndContext, KeyboardSensor, PointerSensor, TouchSensor, useSensor, useSensors, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState, useTransition, type KeyboardEvent, type ReactNode } from "react";
import { apiRequest } from "@/lib/platform/http/api-client";
import { formatMinutes } from "@/lib/platform/time";
import type { PlanStep, PlanView } from "@/lib/plan/queries";
import { shiftTarget, type PhaseOrder } from "@/lib/plan/sheet-order";
import { Button } from "../ui/button";
import { Card } from "../ui/card";
import { Dialog, DialogActions } from "../ui/dialog";
import { FormError, FormSuccess, Select } from "../ui/field";
import { PasteRowsDialog } from "./paste-rows-dialog";
import { PhaseHeading } from "./phase-heading";
import { PlannedTimes } from "./planned-times";
import { SheetCell, SHEET_FIELD_LABELS, type SheetField } from "./sheet-cell";
import { kindTone } from "./step-badges";
import { KIND_LABELS } from "@/lib/runs/model";
import { Pill } from "../ui/status-badge";
import { TeamPicker, useTeamOptions } from "../teams/team-picker";

type Users = { id: string; name: string; email?: string }[];
type Target = { phaseId: string; beforeStepId: string | null };

/**
 * The plan as a sheet: title, team, assignee and minutes edited in place, rows selected for bulk
 * actions, reordered by drag or Alt+↑/↓, rows pasted from Excel, and the last edit undone. Every
 * change is one request; the page's data is refreshed before a cell stops showing "Saving…", so
 * what is on screen is what the server stored.
 */
export function PlanSheet({ view, users, onEditStep, onAddStep }: { view: PlanView; users: Users; onEditStep: (step: PlanStep) => void; onAddStep: (phaseId: string) => void }) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const waiters = useRef<(() => void)[]>([]);
  useEffect(() => {
    if (refreshing) return;
    const done = waiters.current.splice(0);
    for (const resolve of done) resolve();
  }, [refreshing]);
  /** Refreshes the server data and resolves once it is on screen. */
  const refreshed = useCallback(
    () =>
      new Promise<void>((resolve) => {
        waiters.current.push(resolve);
        startTransition(() => router.refresh());
      }),
    [router],
  );

  const [selected, setSelected] = useState<Set<string>>(new Set());
  const anchor = useRef<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string[] | null>(null);
  const [paste, setPaste] = useState<(Target & { text: string }) | null>(null);
  const [bulkAssignee, setBulkAssignee] = useState("");
  const [bulkTeam, setBulkTeam] = useState("");
  const [bulkPhase, setBulkPhase] = useState("");
  const versions = useRef(new Map<string, number>());
  const sheetRef = useRef<HTMLDivElement>(null);

  const allSteps = useMemo(() => view.phases.flatMap((p) => p.steps), [view.phases]);
  const stepNumbers = useMemo(() => new Map(allSteps.map((s) => [s.id, s.number])), [allSteps]);
  const byId = useMemo(() => new Map(allSteps.map((s) => [s.id, s])), [allSteps]);
  const order: PhaseOrder[] = useMemo(() => view.phases.map((p) => ({ id: p.id, stepIds: p.steps.map((s) => s.id) })), [view.phases]);
  const flat = useMemo(() => order.flatMap((p) => p.stepIds), [order]);
  // The team cell takes typed text ("OS+BA" is saved as the set "BA+OS"); the list suggests the teams.
  const teamSuggestions = useTeamOptions().teams.map((t) => t.name);
  const userOptions = useMemo(() => [{ value: "", label: "Unassigned" }, ...users.map((u) => ({ value: u.id, label: u.name }))], [users]);

  // Steps deleted (here or by someone else) leave the selection.
  useEffect(() => {
    setSelected((current) => {
      const kept = [...current].filter((id) => byId.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [byId]);

  const versionOf = (step: PlanStep) => Math.max(step.version, versions.current.get(step.id) ?? 0);
  const seen = (ids: readonly string[]) => ids.map((id) => ({ id, version: versionOf(byId.get(id)!) }));
  const selectedInOrder = () => flat.filter((id) => selected.has(id));

  /** Runs one request; on success refreshes, shows `success`; a failure shows the server's message and changes nothing here. */
  async function act(request: () => ReturnType<typeof apiRequest>, success: string, after?: () => void) {
    setBusy(true);
    setError(null);
    setNotice(null);
    const result = await request();
    if (!result.ok) {
      setBusy(false);
      setError(result.error.message);
      return false;
    }
    await refreshed();
    setBusy(false);
    setNotice(success);
    after?.();
    return true;
  }

  async function saveCell(step: PlanStep, field: SheetField, raw: string): Promise<string | null> {
    let value: unknown = raw;
    if (field === "plannedMinutes") value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw.trim() === "" ? null : raw;
    if (field === "assigneeId") value = raw || null;
    setError(null);
    setNotice(null);
    const result = await apiRequest<{ id: string; version: number }>("PATCH", `/api/steps/${step.id}`, { [field]: value, expectedVersion: versionOf(step) });
    if (!result.ok) {
      const message = result.error.fieldErrors[field]?.join(" ") || result.error.message;
      setError(`Step ${step.number}, ${SHEET_FIELD_LABELS[field].toLowerCase()} not saved: ${message}`);
      return message;
    }
    versions.current.set(step.id, result.data.version);
    await refreshed();
    setNotice(`Step ${step.number} saved.`);
    return null;
  }

  function moveFocus(cellId: string, delta: 1 | -1) {
    const cells = [...(sheetRef.current?.querySelectorAll<HTMLElement>("[data-cell]") ?? [])].filter((c) => c.offsetParent !== null);
    const next = cells[cells.findIndex((c) => c.dataset.cell === cellId) + delta];
    next?.focus();
    return next !== undefined;
  }

  /** Puts focus back where it was (by cell or row) once the refreshed rows are on screen. */
  function refocus(selector: string | null) {
    if (!selector) return;
    requestAnimationFrame(() => sheetRef.current?.querySelector<HTMLElement>(selector)?.focus());
  }

  async function reorder(moved: string[], target: Target | null, label: string) {
    // One change at a time: a second Alt+↑ before the first one's refresh would carry stale versions.
    if (busy) return;
    if (!target) {
      setNotice(null);
      setError(`${label}: already at the ${label.endsWith("up") ? "top" : "bottom"} of the plan.`);
      return;
    }
    const active = document.activeElement as HTMLElement | null;
    const focus = active?.dataset.cell ? `[data-cell="${active.dataset.cell}"]` : active?.dataset.row ? `[data-row="${active.dataset.row}"]` : null;
    await act(() => apiRequest("POST", `/api/projects/${view.project.id}/steps/reorder`, { steps: seen(moved), ...target }), moved.length === 1 ? `Moved step ${byId.get(moved[0])?.title}.` : `Moved ${moved.length} steps.`, () => refocus(focus));
  }

  async function undo() {
    if (busy) return;
    const latest = view.latestVersion;
    if (!latest) return setError("There is no plan edit to undo.");
    await act(() => apiRequest("POST", `/api/projects/${view.project.id}/plan/undo`, { version: latest.version }), `Undone: ${latest.summary}.`);
  }

  function onDragEnd(event: DragEndEvent) {
    const activeId = String(event.active.id);
    const overId = event.over ? String(event.over.id) : null;
    if (!overId || overId === activeId) return;
    const from = order.find((p) => p.stepIds.includes(activeId));
    const to = order.find((p) => p.stepIds.includes(overId));
    if (!from || !to) return;
    let beforeStepId: string | null = overId;
    if (from.id === to.id && from.stepIds.indexOf(activeId) < from.stepIds.indexOf(overId)) beforeStepId = to.stepIds[to.stepIds.indexOf(overId) + 1] ?? null;
    void reorder([activeId], { phaseId: to.id, beforeStepId }, "Move");
  }

  function toggle(id: string, checked: boolean, range: boolean) {
    // Read the anchor now: the state updater runs later, after it has moved on.
    const from = anchor.current;
    const ids = range && from && flat.includes(from) ? flat.slice(Math.min(flat.indexOf(from), flat.indexOf(id)), Math.max(flat.indexOf(from), flat.indexOf(id)) + 1) : [id];
    setSelected((current) => {
      const next = new Set(current);
      for (const x of ids) if (checked) next.add(x);
      else next.delete(x);
      return next;
    });
    anchor.current = id;
  }

  function onSheetKey(event: KeyboardEvent) {
    const target = event.target as HTMLElement;
    if (target.closest("input, select, textarea, dialog")) return;
    if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === "z") {
      event.preventDefault();
      void undo();
      return;
    }
    const rowId = target.closest<HTMLElement>("[data-row]")?.dataset.row;
    if (rowId && event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      const moved = selected.has(rowId) ? selectedInOrder() : [rowId];
      const direction = event.key === "ArrowUp" ? "up" : "down";
      void reorder(moved, shiftTarget(order, { moved, direction }), `Move ${direction}`);
    }
  }

  function onSheetPaste(event: React.ClipboardEvent) {
    const target = event.target as HTMLElement;
    if (target.closest("input, select, textarea, dialog")) return;
    const text = event.clipboardData.getData("text/plain");
    if (!/[\t\n]/.test(text)) return;
    event.preventDefault();
    setPaste({ ...pasteTargetBelow(target.closest<HTMLElement>("[data-row]")?.dataset.row ?? null), text });
  }

  /** Pasting with a row focused puts the rows under it; otherwise at the end of the first phase. */
  function pasteTargetBelow(rowId: string | null): Target {
    const phase = order.find((p) => rowId !== null && p.stepIds.includes(rowId)) ?? order[0];
    const index = rowId ? phase.stepIds.indexOf(rowId) : -1;
    return { phaseId: phase.id, beforeStepId: index >= 0 ? (phase.stepIds[index + 1] ?? null) : null };
  }

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const count = selected.size;
  const latest = view.latestVersion;

  return (
    <div ref={sheetRef} onKeyDown={onSheetKey} onPaste={onSheetPaste} className="space-y-4">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <Button size="sm" variant="secondary" disabled={view.phases.length === 0} onClick={() => setPaste({ ...pasteTargetBelow(null), text: "" })}>
          Paste rows
        </Button>
        <Button size="sm" variant="secondary" disabled={busy || !latest?.undoable} onClick={() => void undo()} title="Ctrl+Z in the sheet">
          Undo last edit
        </Button>
        <span className="min-w-0 text-xs text-slate-500 [overflow-wrap:anywhere]">
          {latest?.undoable ? `Your last edit: ${latest.summary}.` : latest ? `Last edit by ${latest.actorName}: ${latest.summary}.` : null}
          <span className="hidden sm:inline"> Click a cell or press Enter to edit · Alt+↑/↓ moves a row · Ctrl+Z undoes your last edit.</span>
        </span>
      </div>
      <div aria-live="polite">
        <FormError message={error} />
        <FormSuccess message={notice} />
      </div>

      {count > 0 ? (
        <section aria-label="Selected steps" className="sticky top-0 z-20 flex flex-wrap items-end gap-2 rounded-lg bg-indigo-50 p-3 text-sm ring-1 ring-indigo-200 dark:bg-indigo-950 dark:ring-indigo-900">
          <p className="w-full font-semibold">
            {count} step{count === 1 ? "" : "s"} selected
          </p>
          <div className="flex min-w-0 items-end gap-1">
            <Select aria-label="Assign selected to" value={bulkAssignee} onChange={(e) => setBulkAssignee(e.target.value)} className="!w-40">
              <option value="">Choose a person…</option>
              <option value="none">Unassigned</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </Select>
            <Button size="sm" disabled={busy || !bulkAssignee} onClick={() => void act(() => apiRequest("POST", `/api/projects/${view.project.id}/steps/bulk`, { steps: seen(selectedInOrder()), change: { kind: "assign", assigneeId: bulkAssignee === "none" ? null : bulkAssignee } }), `Assigned ${count} step${count === 1 ? "" : "s"}.`, () => setBulkAssignee(""))}>
              Assign
            </Button>
          </div>
          <div className="flex min-w-0 items-end gap-1">
            <details className="relative">
              <summary className="cursor-pointer rounded-md bg-white px-2 py-1.5 ring-1 ring-slate-300 dark:bg-slate-900 dark:ring-slate-700">{bulkTeam || "Teams…"}</summary>
              <div className="absolute z-30 mt-1 w-72 rounded-md bg-white p-2 shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
                <TeamPicker label="Teams for selected" value={bulkTeam} onChange={setBulkTeam} compact />
              </div>
            </details>
            <Button size="sm" disabled={busy} onClick={() => void act(() => apiRequest("POST", `/api/projects/${view.project.id}/steps/bulk`, { steps: seen(selectedInOrder()), change: { kind: "team", team: bulkTeam } }), `Set the team of ${count} step${count === 1 ? "" : "s"}.`, () => setBulkTeam(""))}>
              Set team
            </Button>
          </div>
          <div className="flex min-w-0 items-end gap-1">
            <Select aria-label="Move selected to phase" value={bulkPhase} onChange={(e) => setBulkPhase(e.target.value)} className="!w-40">
              <option value="">Move to phase…</option>
              {view.phases.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </Select>
            <Button size="sm" disabled={busy || !bulkPhase} onClick={() => void reorder(selectedInOrder(), { phaseId: bulkPhase, beforeStepId: null }, "Move").then(() => setBulkPhase(""))}>
              Move
            </Button>
          </div>
          <Button size="sm" variant="secondary" disabled={busy} onClick={() => void reorder(selectedInOrder(), shiftTarget(order, { moved: selectedInOrder(), direction: "up" }), "Move up")}>
            Move up
          </Button>
          <Button size="sm" variant="secondary" disabled={busy} onClick={() => void reorder(selectedInOrder(), shiftTarget(order, { moved: selectedInOrder(), direction: "down" }), "Move down")}>
            Move down
          </Button>
          <Button size="sm" variant="danger" disabled={busy} onClick={() => setConfirmDelete(selectedInOrder())}>
            Delete selected
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setSelected(new Set())}>
            Clear selection
          </Button>
        </section>
      ) : null}

      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ screenReaderInstructions: { draggable: "To move a step, press Space or Enter on its handle, use the arrow keys, and press Space or Enter again to drop it; Escape cancels. Alt+↑/↓ on a row moves it too." } }}>
        {view.phases.map((phase, phaseIndex) => {
          const ids = phase.steps.map((s) => s.id);
          const allChecked = ids.length > 0 && ids.every((id) => selected.has(id));
          return (
            <Card key={phase.id} aria-label={`Phase ${phase.title}`}>
              <div className="flex flex-wrap items-start justify-between gap-2 border-b border-slate-200 px-3 py-3 dark:border-slate-800">
                <PhaseHeading index={phaseIndex} phase={phase} />
                <Button size="sm" variant="secondary" aria-label={`Add step to ${phase.title}`} onClick={() => onAddStep(phase.id)}>
                  Add step
                </Button>
              </div>
              {phase.steps.length === 0 ? <p className="px-4 py-4 text-sm text-slate-500">No steps in this phase yet.</p> : null}
              {phase.steps.length > 0 ? (
                <table className="w-full table-fixed text-left text-sm" aria-label={`Steps of ${phase.title}`}>
                  <colgroup>
                    <col className="w-8" />
                    <col className="w-7" />
                    <col className="w-9" />
                    <col />
                    <col className="hidden w-20 sm:table-column" />
                    <col className="hidden w-40 sm:table-column" />
                    <col className="hidden w-24 sm:table-column" />
                    <col className="w-10" />
                  </colgroup>
                  <thead className="text-xs uppercase tracking-wide text-slate-500">
                    <tr>
                      <th scope="col" className="px-2 py-1">
                        <input type="checkbox" className="h-4 w-4" aria-label={`Select all steps of ${phase.title}`} checked={allChecked} onChange={(e) => ids.forEach((id) => toggle(id, e.target.checked, false))} />
                      </th>
                      <th scope="col" className="px-0 py-1">
                        <span className="sr-only">Drag</span>
                      </th>
                      <th scope="col" className="px-1 py-1">#</th>
                      <th scope="col" className="px-2 py-1">Title</th>
                      <th scope="col" className="hidden px-2 py-1 sm:table-cell">Team</th>
                      <th scope="col" className="hidden px-2 py-1 sm:table-cell">Assignee</th>
                      <th scope="col" className="hidden px-2 py-1 sm:table-cell">Minutes</th>
                      <th scope="col" className="px-1 py-1">
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <SortableContext id={phase.id} items={ids} strategy={verticalListSortingStrategy}>
                    <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                      {phase.steps.map((step, stepIndex) => (
                        <SheetRow key={step.id} step={step} selected={selected.has(step.id)}>
                          {(handle) => (
                            <>
                              <td className="px-2 py-1.5 align-top">
                                <input
                                  type="checkbox"
                                  className="mt-1 h-4 w-4"
                                  aria-label={`Select step ${step.number}`}
                                  checked={selected.has(step.id)}
                                  onChange={() => undefined}
                                  onClick={(e) => toggle(step.id, e.currentTarget.checked, e.shiftKey)}
                                />
                              </td>
                              <td className="px-0 py-1.5 align-top">{handle}</td>
                              <td className="px-1 py-1.5 align-top font-mono text-xs text-slate-500">{step.number}</td>
                              <SheetCell
                                cellId={`${step.id}:title`}
                                label={`Title of step ${step.number}`}
                                field="title"
                                value={step.title}
                                display={step.title}
                                extra={
                                  <span className="mt-0.5 flex flex-wrap gap-1 text-xs text-slate-600 dark:text-slate-400">
                                    {step.kind !== "TASK" ? <Pill tone={kindTone[step.kind]}>{KIND_LABELS[step.kind]}</Pill> : null}
                                    <span className="sm:hidden">{[step.team, step.assigneeName, formatMinutes(step.plannedMinutes)].filter(Boolean).join(" · ")}</span>
                                    <PlannedTimes step={step} timeZone={view.project.timezone} numberOf={stepNumbers} />
                                  </span>
                                }
                                onSave={(v) => saveCell(step, "title", v)}
                                onMove={moveFocus}
                              />
                              <SheetCell
                                cellId={`${step.id}:team`}
                                label={`Team of step ${step.number}`}
                                field="team"
                                value={step.team}
                                display={step.team}
                                suggestions={teamSuggestions}
                                className="hidden sm:table-cell"
                                onSave={(v) => saveCell(step, "team", v)}
                                onMove={moveFocus}
                              />
                              <SheetCell
                                cellId={`${step.id}:assigneeId`}
                                label={`Assignee of step ${step.number}`}
                                field="assigneeId"
                                value={step.assigneeId ?? ""}
                                display={step.assigneeName ?? ""}
                                options={userOptions}
                                className="hidden sm:table-cell"
                                onSave={(v) => saveCell(step, "assigneeId", v)}
                                onMove={moveFocus}
                              />
                              <SheetCell
                                cellId={`${step.id}:plannedMinutes`}
                                label={`Minutes of step ${step.number}`}
                                field="plannedMinutes"
                                value={String(step.plannedMinutes)}
                                display={formatMinutes(step.plannedMinutes)}
                                className="hidden sm:table-cell"
                                onSave={(v) => saveCell(step, "plannedMinutes", v)}
                                onMove={moveFocus}
                              />
                              <td className="relative px-1 py-1.5 align-top">
                                <RowMenu
                                  step={step}
                                  canUp={phaseIndex > 0 || stepIndex > 0}
                                  canDown={phaseIndex < view.phases.length - 1 || stepIndex < phase.steps.length - 1}
                                  onEdit={() => onEditStep(step)}
                                  onMove={(direction) => void reorder([step.id], shiftTarget(order, { moved: [step.id], direction }), `Move ${direction}`)}
                                  onDelete={() => setConfirmDelete([step.id])}
                                />
                              </td>
                            </>
                          )}
                        </SheetRow>
                      ))}
                    </tbody>
                  </SortableContext>
                </table>
              ) : null}
            </Card>
          );
        })}
      </DndContext>

      {confirmDelete ? (
        <Dialog open onClose={() => setConfirmDelete(null)} title={`Delete ${confirmDelete.length} step${confirmDelete.length === 1 ? "" : "s"}?`}>
          <div className="space-y-4">
            <ul className="max-h-48 list-disc overflow-y-auto pl-5 text-sm [overflow-wrap:anywhere]">
              {confirmDelete.map((id) => (
                <li key={id}>
                  {byId.get(id)?.number} · {byId.get(id)?.title}
                </li>
              ))}
            </ul>
            <p className="text-sm text-slate-600 dark:text-slate-400">Steps that waited for a deleted step will wait for what it waited for. Runs already started keep their own copy of the plan. You can undo this.</p>
            <DialogActions
              onCancel={() => setConfirmDelete(null)}
              confirmLabel={`Delete ${confirmDelete.length} step${confirmDelete.length === 1 ? "" : "s"}`}
              variant="danger"
              pending={busy}
              pendingLabel="Deleting…"
              onConfirm={() => {
                const ids = confirmDelete;
                void act(() => apiRequest("POST", `/api/projects/${view.project.id}/steps/bulk`, { steps: seen(ids), change: { kind: "delete" } }), `Deleted ${ids.length} step${ids.length === 1 ? "" : "s"}.`, () => setConfirmDelete(null)).then((ok) => {
                  if (!ok) setConfirmDelete(null);
                });
              }}
            />
          </div>
        </Dialog>
      ) : null}
      {paste ? (
        <PasteRowsDialog
          projectId={view.project.id}
          phases={view.phases.map((p) => ({ id: p.id, title: p.title, steps: p.steps.map((s) => ({ id: s.id, number: s.number, title: s.title })) }))}
          users={users}
          initial={paste}
          onClose={() => setPaste(null)}
          onPasted={(n) => {
            void refreshed().then(() => {
              setPaste(null);
              setError(null);
              setNotice(`Pasted ${n} row${n === 1 ? "" : "s"}.`);
            });
          }}
        />
      ) : null}
    </div>
  );
}

function SheetRow({ step, selected, children }: { step: PlanStep; selected: boolean; children: (handle: ReactNode) => ReactNode }) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: step.id });
  const handle = (
    <button
      type="button"
      ref={setActivatorNodeRef}
      {...attributes}
      {...listeners}
      aria-label={`Drag step ${step.number}`}
      className="flex h-7 w-6 cursor-grab touch-none items-center justify-center rounded text-slate-400 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:hover:bg-slate-800"
    >
      ⠿
    </button>
  );
  return (
    <tr
      ref={setNodeRef}
      id={`step-${step.id}`}
      data-row={step.id}
      tabIndex={-1}
      aria-label={`Step ${step.number}: ${step.title}`}
      style={{ transform: CSS.Translate.toString(transform), transition }}
      className={`${selected ? "bg-indigo-50/70 dark:bg-indigo-950/40" : ""} ${isDragging ? "relative z-10 bg-white shadow-lg dark:bg-slate-900" : ""}`}
    >
      {children(handle)}
    </tr>
  );
}

function RowMenu({ step, canUp, canDown, onEdit, onMove, onDelete }: { step: PlanStep; canUp: boolean; canDown: boolean; onEdit: () => void; onMove: (direction: "up" | "down") => void; onDelete: () => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);
  const item = "block w-full px-3 py-2 text-left text-sm hover:bg-slate-100 disabled:opacity-40 dark:hover:bg-slate-800";
  const run = (fn: () => void) => () => {
    setOpen(false);
    fn();
  };
  return (
    <div ref={ref} onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <button type="button" aria-label={`Actions for step ${step.number}`} aria-expanded={open} onClick={() => setOpen((o) => !o)} className="flex h-7 w-8 items-center justify-center rounded text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800">
        ⋯
      </button>
      {open ? (
        <div role="menu" aria-label={`Step ${step.number}`} className="absolute right-1 top-8 z-30 w-44 overflow-hidden rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
          <button type="button" role="menuitem" className={item} onClick={run(onEdit)} autoFocus>
            Edit step {step.number}…
          </button>
          <button type="button" role="menuitem" className={item} disabled={!canUp} onClick={run(() => onMove("up"))}>
            Move up
          </button>
          <button type="button" role="menuitem" className={item} disabled={!canDown} onClick={run(() => onMove("down"))}>
            Move down
          </button>
          <button type="button" role="menuitem" className={`${item} text-rose-700 dark:text-rose-400`} onClick={run(onDelete)}>
            Delete step {step.number}…
          </button>
        </div>
      ) : null}
    </div>
  );
}
