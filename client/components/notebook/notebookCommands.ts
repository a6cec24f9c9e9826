/**
 * What each notebook command does to the doc, as plain functions over a Y.Doc: used by the
 * keyboard shortcuts, the cell toolbar and drag-and-drop alike. Every edit carries the session's
 * `localOrigin` so the person's undo manager (which tracks only that origin) can undo it, and
 * each command ends the undo capture so one command is one undo step.
 */
import type * as Y from 'yjs';
import {
  deleteCell,
  getCell,
  insertCell,
  listCells,
  moveCell,
  orderedCellIds,
  setCellKind,
  type CellKind,
} from '../../../shared/schema/notebook.ts';
import type { NotebookCommand } from '../../keyboard/commandMode.ts';

/** The parts of a notebook session that editing needs (a real session, or a test's doc). */
export interface EditingSession {
  doc: Y.Doc;
  undoManager: Y.UndoManager;
  localOrigin: object;
}

/** What the view should do after a command: select a cell, start editing, open help. */
export interface CommandOutcome {
  select?: string | null;
  edit?: boolean;
  help?: boolean;
}

function endStep(session: EditingSession): void {
  session.undoManager.stopCapturing();
}

export function insertCellNear(session: EditingSession, kind: CellKind, anchorId: string | null, where: 'above' | 'below'): string {
  const ids = orderedCellIds(session.doc);
  const { name, spec } = kind === 'chart' || kind === 'input' ? starterFor(session, kind, anchorId) : { name: '', spec: null };
  let afterId: string | null | undefined;
  if (anchorId === null || !ids.includes(anchorId)) afterId = where === 'above' ? null : undefined;
  else if (where === 'below') afterId = anchorId;
  else {
    const i = ids.indexOf(anchorId);
    afterId = i > 0 ? ids[i - 1] : null;
  }
  const id = insertCell(session.doc, { kind, afterId, name, spec }, session.localOrigin);
  endStep(session);
  return id;
}

/**
 * A new chart draws the nearest named SQL cell above it (or the last one); a new input gets a
 * free name (`input_1`, ...) so `$input_1` works at once. Both open with a valid, minimal spec.
 */
export function starterFor(session: EditingSession, kind: 'chart' | 'input', anchorId: string | null): { name: string; spec: unknown } {
  const cells = listCells(session.doc);
  if (kind === 'input') {
    const taken = new Set(cells.map((c) => c.name.toLowerCase()));
    let n = 1;
    while (taken.has(`input_${n}`)) n++;
    return { name: `input_${n}`, spec: { type: 'text' } };
  }
  const upto = anchorId ? cells.findIndex((c) => c.id === anchorId) : cells.length - 1;
  const above = cells.slice(0, upto < 0 ? cells.length : upto + 1).reverse();
  const source = above.find((c) => c.kind === 'sql' && c.name) ?? cells.find((c) => c.kind === 'sql' && c.name);
  return { name: '', spec: source ? { mark: 'barY', data: source.name } : { mark: 'barY' } };
}

/** Moves a cell one place up (-1) or down (+1); returns false at either end. */
export function moveCellBy(session: EditingSession, id: string, step: -1 | 1): boolean {
  const ids = orderedCellIds(session.doc);
  const i = ids.indexOf(id);
  if (i < 0) return false;
  const j = i + step;
  if (j < 0 || j >= ids.length) return false;
  // Up: after the cell two above (or first). Down: after the next cell.
  const afterId = step === -1 ? (j > 0 ? ids[j - 1] : null) : ids[j];
  moveCell(session.doc, id, afterId, session.localOrigin);
  endStep(session);
  return true;
}

/** Moves `id` to just before or after `targetId` (drag and drop). */
export function moveCellTo(session: EditingSession, id: string, targetId: string, position: 'before' | 'after'): void {
  if (id === targetId) return;
  const ids = orderedCellIds(session.doc).filter((x) => x !== id);
  const t = ids.indexOf(targetId);
  if (t < 0) return;
  const afterId = position === 'after' ? targetId : t > 0 ? ids[t - 1] : null;
  moveCell(session.doc, id, afterId, session.localOrigin);
  endStep(session);
}

/** Deletes a cell; returns the id to select next (the following cell, else the previous one). */
export function deleteCellAndPickNext(session: EditingSession, id: string): string | null {
  const ids = orderedCellIds(session.doc);
  const i = ids.indexOf(id);
  if (i < 0) return null;
  deleteCell(session.doc, id, session.localOrigin);
  endStep(session);
  return ids[i + 1] ?? ids[i - 1] ?? null;
}

export function changeCellKind(session: EditingSession, id: string, kind: CellKind): void {
  setCellKind(session.doc, id, kind, session.localOrigin);
  endStep(session);
}

/**
 * Applies a command-mode command to the selected cell. `readOnly` allows only moving the
 * selection and opening help.
 */
export function runCommand(session: EditingSession, command: NotebookCommand, selectedId: string | null, readOnly: boolean): CommandOutcome {
  const ids = orderedCellIds(session.doc);
  const i = selectedId === null ? -1 : ids.indexOf(selectedId);
  const current = i >= 0 ? selectedId : null;
  switch (command) {
    case 'selectPrevious':
      return { select: i > 0 ? ids[i - 1] : (ids[0] ?? null) };
    case 'selectNext':
      return { select: i >= 0 && i < ids.length - 1 ? ids[i + 1] : (i < 0 ? (ids[0] ?? null) : current) };
    case 'help':
      return { help: true };
  }
  if (readOnly) return {};
  switch (command) {
    case 'edit':
      return current ? { select: current, edit: true } : {};
    case 'insertAbove':
    case 'insertBelow': {
      const kind = kindForNewCell(session, current);
      return { select: insertCellNear(session, kind, current, command === 'insertAbove' ? 'above' : 'below') };
    }
    case 'delete':
      return current ? { select: deleteCellAndPickNext(session, current) } : {};
    case 'toMarkdown':
      if (current) changeCellKind(session, current, 'markdown');
      return {};
    case 'toSql':
      if (current) changeCellKind(session, current, 'sql');
      return {};
    case 'moveUp':
      if (current) moveCellBy(session, current, -1);
      return {};
    case 'moveDown':
      if (current) moveCellBy(session, current, 1);
      return {};
    case 'undo':
      session.undoManager.undo();
      return {};
    case 'redo':
      session.undoManager.redo();
      return {};
    default:
      return assertNever(command);
  }
}

/** `a`/`b` insert a cell of the selected cell's kind when that is Markdown or SQL, else SQL (Jupyter's code cell). */
function kindForNewCell(session: EditingSession, selectedId: string | null): CellKind {
  if (!selectedId) return 'sql';
  return getCell(session.doc, selectedId)?.get('kind') === 'markdown' ? 'markdown' : 'sql';
}

function assertNever(x: never): never {
  throw new Error(`unhandled command: ${String(x)}`);
}
