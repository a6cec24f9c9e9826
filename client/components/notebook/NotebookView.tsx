/**
 * The notebook itself, given an open session: title, cells from the Y.Doc, command-mode
 * keyboard shortcuts, drag-and-drop reordering and per-cell presence. It takes only what editing
 * needs (doc, undo manager, local origin), so tests drive it with a real Y.Doc and no socket;
 * `NotebookPage` wires the real session, presence and Monaco.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { getCellSource, setCellName, setCellSpec, type CellKind } from '../../../shared/schema/notebook.ts';
import { MadangError } from '../../../shared/errors.ts';
import type { Peer } from '../../sync/peers.ts';
import { readCommandKey, type Pending } from '../../keyboard/commandMode.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { pushToast } from '../../state/toastStore.ts';
import { CellView, type RenderSqlEditor } from '../cells/CellView.tsx';
import { AddCellBar } from './AddCellBar.tsx';
import { NotebookTitle } from './NotebookTitle.tsx';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { useCells } from './useCells.ts';
import {
  changeCellKind,
  deleteCellAndPickNext,
  insertCellNear,
  moveCellBy,
  moveCellTo,
  runCommand,
  type EditingSession,
} from './notebookCommands.ts';

export interface NotebookViewProps {
  session: EditingSession;
  readOnly: boolean;
  peers: readonly Peer[];
  renderSqlEditor: RenderSqlEditor;
  /** Called when the selected cell changes (presence: "I am in this cell"). */
  onActiveCellChange?(cellId: string | null): void;
  /** Presence avatars, connection badge, share button, read-only notice. */
  headerExtras?: ReactNode;
  /** Shown above the cells (e.g. the read-only notice). */
  banner?: ReactNode;
}

const dragType = 'application/x-madang-cell';

/** Keys typed here belong to a control, not to command mode. */
function isControlTarget(el: HTMLElement): boolean {
  return el.closest('input, textarea, select, button, a, [contenteditable="true"], .monaco-editor') !== null;
}

/** Markdown's textarea, or Monaco's input (a textarea, or EditContext's div in Monaco >= 0.57). */
function findEditorInput(cell: HTMLElement): HTMLElement | null {
  return cell.querySelector<HTMLElement>('.cell-body textarea, .cell-body .native-edit-context, .cell-body [contenteditable="true"]');
}

function isEditorTarget(el: HTMLElement): boolean {
  return el.closest('.cell-body') !== null && el.closest('textarea, input, [contenteditable="true"], .monaco-editor') !== null;
}

export function NotebookView({ session, readOnly, peers, renderSqlEditor, onActiveCellChange, headerExtras, banner }: NotebookViewProps) {
  const { t, i18n } = useTranslation(['notebook', 'common']);
  const { doc, undoManager, localOrigin } = session;
  const cells = useCells(doc);
  const sqlNames = useMemo(() => cells.filter((c) => c.kind === 'sql' && c.name).map((c) => c.name), [cells]);
  const selectedCellId = useUiStore((s) => s.selectedCellId);
  const editingCellId = useUiStore((s) => s.editingCellId);
  const isShortcutsOpen = useUiStore((s) => s.isShortcutsOpen);
  const { select, startEditing, stopEditing, setShortcutsOpen, reset } = useUiStore.getState();
  const pending = useRef<Pending>(null);
  const sectionRefs = useRef(new Map<string, HTMLElement>());
  const dragging = useRef<string | null>(null);
  const [drop, setDrop] = useState<{ targetId: string; position: 'before' | 'after' } | null>(null);

  // A fresh page starts in command mode with nothing selected.
  useEffect(() => {
    reset();
    return reset;
  }, [doc, reset]);

  // The selection may vanish (deleted by someone else, or undone): select the cell that took its
  // place, and keep the keyboard there if it was in the removed cell.
  const previousIds = useRef<string[]>([]);
  useEffect(() => {
    const before = previousIds.current;
    previousIds.current = cells.map((c) => c.id);
    if (!selectedCellId || cells.some((c) => c.id === selectedCellId)) return;
    const i = before.indexOf(selectedCellId);
    const next = cells.length === 0 ? null : cells[Math.min(Math.max(i, 0), cells.length - 1)].id;
    select(next);
    const lostFocus = document.activeElement === document.body || document.activeElement === null;
    if (next && lostFocus) requestFocus(next);
  }, [cells, selectedCellId, select]);

  useEffect(() => {
    onActiveCellChange?.(selectedCellId);
  }, [selectedCellId, onActiveCellChange]);

  // Keyboard focus follows the selection only when a command or toolbar action moved it. A mouse
  // click must not: Monaco focuses itself on mousedown, and taking focus back would eat the click.
  const focusRequest = useRef<{ id: string; editor: boolean } | null>(null);
  const editorWatch = useRef<MutationObserver | null>(null);
  // Each request forces one render so it is handled now, never later by an unrelated render
  // (which would steal focus from wherever the person has gone since).
  const [, forceRender] = useReducer((n: number) => n + 1, 0);
  const requestFocus = (id: string | null | undefined, editor = false) => {
    focusRequest.current = id ? { id, editor } : null;
    forceRender();
  };
  useEffect(() => {
    const request = focusRequest.current;
    if (!request) return;
    focusRequest.current = null;
    const el = sectionRefs.current.get(request.id);
    if (!el) return;
    const editor = request.editor ? findEditorInput(el) : null;
    const target = editor ?? el;
    if (!target.contains(document.activeElement)) target.focus();
    if (!request.editor || editor) return;
    // Monaco loads lazily: focus its input once it appears, unless the person has moved on.
    editorWatch.current?.disconnect();
    const observer = new MutationObserver(() => {
      const input = findEditorInput(el);
      if (!input) return;
      observer.disconnect();
      if (document.activeElement === el) input.focus();
    });
    observer.observe(el, { childList: true, subtree: true });
    editorWatch.current = observer;
  });
  useEffect(() => () => editorWatch.current?.disconnect(), []);

  // Focus decides the mode: on the cell itself = command mode, inside its editor = edit mode.
  const onFocus = (e: React.FocusEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const section = target.closest<HTMLElement>('[data-cell-id]');
    const id = section?.dataset.cellId;
    if (!id) return;
    if (target === section) {
      select(id);
      stopEditing();
    } else if (!readOnly && isEditorTarget(target)) {
      if (useUiStore.getState().editingCellId !== id) startEditing(id);
    } else {
      select(id);
    }
  };

  const guard = useCallback(<T,>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      const detail = err instanceof MadangError ? err.detail : { ko: String(err), en: String(err) };
      pushToast({ kind: 'error', title: { ko: i18n.getFixedT('ko', 'notebook')('editFailed'), en: i18n.getFixedT('en', 'notebook')('editFailed') }, detail });
      return undefined;
    }
  }, [i18n]);

  /** Command mode: a key pressed on a cell (or on the page with nothing focused). */
  const runCommandKey = (e: globalThis.KeyboardEvent) => {
    const { command, pending: next } = readCommandKey(e, pending.current);
    pending.current = next;
    if (!command) return;
    e.preventDefault();
    const current = useUiStore.getState().selectedCellId;
    const outcome = guard(() => runCommand(session, command, current, readOnly));
    if (!outcome) return;
    if (outcome.select !== undefined) select(outcome.select);
    if (outcome.edit && outcome.select) startEditing(outcome.select);
    requestFocus(outcome.select ?? current, Boolean(outcome.edit));
    if (outcome.help) setShortcutsOpen(true);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.defaultPrevented || e.nativeEvent.isComposing) return;
    const target = e.target as HTMLElement;
    if (isEditorTarget(target)) {
      if (e.key === 'Escape' && editingCellId) {
        e.preventDefault();
        const id = editingCellId;
        stopEditing();
        requestFocus(id);
        sectionRefs.current.get(id)?.focus();
      }
      return;
    }
    if (isControlTarget(target)) return;
    runCommandKey(e.nativeEvent);
  };

  // With nothing focused (just opened, or the focused cell was deleted by someone else), the
  // shortcuts still work, as in Jupyter: `j` selects the first cell, and so on.
  const runCommandKeyRef = useRef(runCommandKey);
  useEffect(() => {
    runCommandKeyRef.current = runCommandKey;
  });
  useEffect(() => {
    const onDocumentKey = (e: globalThis.KeyboardEvent) => {
      if (e.defaultPrevented || e.isComposing) return;
      if (e.target !== document.body && e.target !== document.documentElement) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      runCommandKeyRef.current(e);
    };
    document.addEventListener('keydown', onDocumentKey);
    return () => document.removeEventListener('keydown', onDocumentKey);
  }, []);

  const addBelow = (anchorId: string | null, kind: CellKind) => {
    const id = guard(() => insertCellNear(session, kind, anchorId, 'below'));
    if (!id) return;
    const hasEditor = kind === 'markdown' || kind === 'sql';
    if (hasEditor) startEditing(id);
    else select(id);
    requestFocus(id, hasEditor);
  };

  const onDragOverCell = (targetId: string) => (e: DragEvent<HTMLElement>) => {
    if (!dragging.current) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    const rect = e.currentTarget.getBoundingClientRect();
    const position = e.clientY < rect.top + rect.height / 2 ? 'before' : 'after';
    if (drop?.targetId !== targetId || drop.position !== position) setDrop({ targetId, position });
  };

  const onDropCell = (targetId: string) => (e: DragEvent) => {
    const id = dragging.current ?? e.dataTransfer.getData(dragType);
    e.preventDefault();
    const position = drop?.targetId === targetId ? drop.position : 'after';
    dragging.current = null;
    setDrop(null);
    if (id) guard(() => moveCellTo(session, id, targetId, position));
  };

  return (
    <div className="notebook">
      <header className="notebook-header">
        <NotebookTitle doc={doc} readOnly={readOnly} localOrigin={localOrigin} />
        <div className="notebook-header-extras">
          {headerExtras}
          <button type="button" className="button button-quiet" onClick={() => setShortcutsOpen(true)} aria-keyshortcuts="?">
            {t('shortcutsButton')}
          </button>
        </div>
      </header>
      {banner}
      <div className="cells" data-testid="cells" onKeyDown={onKeyDown} onFocus={onFocus}>
        {cells.length === 0 && <p className="muted empty-notebook">{t('emptyNotebook')}</p>}
        {cells.map((cell, index) => (
          <div key={cell.id} className="cell-slot">
            {!readOnly && index === 0 && (
              <AddCellBar testId="add-cell-bar-top" onAdd={(kind) => {
                const id = guard(() => insertCellNear(session, kind, cell.id, 'above'));
                if (!id) return;
                const hasEditor = kind === 'markdown' || kind === 'sql';
                if (hasEditor) startEditing(id);
                else select(id);
                requestFocus(id, hasEditor);
              }} />
            )}
            <CellView
              ref={(el) => {
                if (el) sectionRefs.current.set(cell.id, el);
                else sectionRefs.current.delete(cell.id);
              }}
              cell={cell}
              ytext={getCellSource(doc, cell.id)}
              index={index}
              count={cells.length}
              isSelected={selectedCellId === cell.id}
              isEditing={editingCellId === cell.id}
              readOnly={readOnly}
              peers={peers.filter((p) => p.cellId === cell.id)}
              localOrigin={localOrigin}
              sqlNames={sqlNames}
              dropIndicator={drop?.targetId === cell.id ? drop.position : null}
              renderSqlEditor={renderSqlEditor}
              onSelect={() => select(cell.id)}
              onStartEditing={() => startEditing(cell.id)}
              onStopEditing={() => {
                if (useUiStore.getState().editingCellId === cell.id) stopEditing();
              }}
              onKindChange={(kind: CellKind) => guard(() => changeCellKind(session, cell.id, kind))}
              onNameCommit={(name) => guard(() => {
                setCellName(doc, cell.id, name, localOrigin);
                undoManager.stopCapturing();
              })}
              onSpecChange={(spec) => guard(() => {
                setCellSpec(doc, cell.id, spec, localOrigin);
                undoManager.stopCapturing();
              })}
              onMove={(step) => guard(() => moveCellBy(session, cell.id, step))}
              onDelete={() => {
                const next = guard(() => deleteCellAndPickNext(session, cell.id));
                if (next !== undefined) {
                  select(next);
                  requestFocus(next);
                }
              }}
              onAddBelow={(kind) => addBelow(cell.id, kind)}
              onUndo={() => undoManager.undo()}
              onRedo={() => undoManager.redo()}
              onDragStart={(e) => {
                dragging.current = cell.id;
                e.dataTransfer.effectAllowed = 'move';
                e.dataTransfer.setData(dragType, cell.id);
                e.dataTransfer.setData('text/plain', cell.id); // Firefox starts a drag only with data
              }}
              onDragEnd={() => {
                dragging.current = null;
                setDrop(null);
              }}
              onDragOver={onDragOverCell(cell.id)}
              onDrop={onDropCell(cell.id)}
            />
            {!readOnly && <AddCellBar onAdd={(kind) => addBelow(cell.id, kind)} />}
          </div>
        ))}
        {!readOnly && cells.length === 0 && <AddCellBar testId="add-cell-bar-empty" onAdd={(kind) => addBelow(null, kind)} />}
      </div>
      {isShortcutsOpen && <ShortcutsDialog onClose={() => setShortcutsOpen(false)} />}
    </div>
  );
}
