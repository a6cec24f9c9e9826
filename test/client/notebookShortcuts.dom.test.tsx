/**
 * The notebook page's command-mode shortcuts on a real Y.Doc with a real per-user
 * Y.UndoManager (the same construction as the session: tracks only the local origin). The SQL
 * editor slot gets a textarea bound to the cell's Y.Text, since Monaco does not run in jsdom.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act, useEffect, useRef } from 'react';
import * as Y from 'yjs';
import { getCellSource, getNotebookRoots, initNotebook, insertCell, listCells } from '../../shared/schema/notebook.ts';
import { NotebookView } from '../../client/components/notebook/NotebookView.tsx';
import type { EditingSession } from '../../client/components/notebook/notebookCommands.ts';
import type { RenderSqlEditor } from '../../client/components/cells/CellView.tsx';
import { bindTextarea } from '../../client/markdown/textareaBinding.ts';
import { readCommandKey } from '../../client/keyboard/commandMode.ts';
import { useUiStore } from '../../client/state/uiStore.ts';
import { click, key, mount, typeInto, type Mounted } from './reactDom.tsx';

function makeSession(doc: Y.Doc): EditingSession {
  const localOrigin = { madang: 'local-edit' };
  const undoManager = new Y.UndoManager(getNotebookRoots(doc).cells, { trackedOrigins: new Set([localOrigin]), captureTimeout: 400 });
  return { doc, undoManager, localOrigin };
}

function SqlTextarea({ ytext, origin }: { ytext: Y.Text; origin: object }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => bindTextarea(ref.current!, ytext, origin), [ytext, origin]);
  return <textarea ref={ref} data-testid="sql-editor" />;
}

function setup(seed: (doc: Y.Doc) => void) {
  const doc = new Y.Doc();
  initNotebook(doc, { title: '따릉이 분석' }, 'seed');
  seed(doc);
  const session = makeSession(doc);
  const renderSqlEditor: RenderSqlEditor = ({ ytext }) => <SqlTextarea ytext={ytext} origin={session.localOrigin} />;
  mounted = mount(<NotebookView session={session} readOnly={false} peers={[]} renderSqlEditor={renderSqlEditor} />);
  return { doc, session, container: mounted.container };
}

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

const cellEls = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[data-testid="cell"]')];
const kinds = (doc: Y.Doc) => listCells(doc).map((c) => c.kind);
const ids = (doc: Y.Doc) => listCells(doc).map((c) => c.id);
const press = (init: KeyboardEventInit) => key(document.activeElement!, init);
const focusCell = (el: HTMLElement) => act(() => el.focus());

describe('notebook command-mode shortcuts', () => {
  it('b / a insert below / above the selected cell and select the new one', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: '# 제목', id: 'cell_one' }, 'seed');
      insertCell(d, { kind: 'sql', source: 'select 1', afterId: 'cell_one', id: 'cell_two' }, 'seed');
    });
    focusCell(cellEls(container)[0]);
    expect(useUiStore.getState().selectedCellId).toBe('cell_one');

    press({ key: 'b' });
    const afterB = ids(doc);
    expect(afterB).toHaveLength(3);
    expect(afterB[0]).toBe('cell_one');
    expect(afterB[2]).toBe('cell_two');
    const inserted = afterB[1];
    expect(kinds(doc)[1]).toBe('markdown'); // the selected cell's kind
    expect(useUiStore.getState().selectedCellId).toBe(inserted);
    expect(document.activeElement?.getAttribute('data-cell-id')).toBe(inserted);
    expect(cellEls(container).map((el) => el.dataset.cellIndex)).toEqual(['0', '1', '2']);

    press({ key: 'a' });
    const afterA = ids(doc);
    expect(afterA).toHaveLength(4);
    expect(afterA[0]).toBe('cell_one');
    expect(afterA[2]).toBe(inserted);
    expect(useUiStore.getState().selectedCellId).toBe(afterA[1]);
  });

  it('m / y switch the kind, Alt+↓ and Ctrl+Shift+↑ move, d d deletes', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: 'one', id: 'cell_one' }, 'seed');
      insertCell(d, { kind: 'markdown', source: 'two', afterId: 'cell_one', id: 'cell_two' }, 'seed');
      insertCell(d, { kind: 'markdown', source: 'three', afterId: 'cell_two', id: 'cell_three' }, 'seed');
    });
    focusCell(cellEls(container)[0]);

    press({ key: 'y' });
    expect(kinds(doc)).toEqual(['sql', 'markdown', 'markdown']);
    expect(container.querySelector('[data-cell-id="cell_one"]')!.getAttribute('data-kind')).toBe('sql');
    press({ key: 'm' });
    expect(kinds(doc)).toEqual(['markdown', 'markdown', 'markdown']);

    press({ key: 'ArrowDown', altKey: true });
    expect(ids(doc)).toEqual(['cell_two', 'cell_one', 'cell_three']);
    expect(cellEls(container).map((el) => el.dataset.cellId)).toEqual(['cell_two', 'cell_one', 'cell_three']);
    press({ key: 'ArrowDown', altKey: true });
    expect(ids(doc)).toEqual(['cell_two', 'cell_three', 'cell_one']);
    press({ key: 'ArrowUp', ctrlKey: true, shiftKey: true });
    expect(ids(doc)).toEqual(['cell_two', 'cell_one', 'cell_three']);

    // j / k move the selection without changing the doc
    press({ key: 'j' });
    expect(useUiStore.getState().selectedCellId).toBe('cell_three');
    press({ key: 'k' });
    expect(useUiStore.getState().selectedCellId).toBe('cell_one');

    press({ key: 'd' });
    expect(ids(doc)).toHaveLength(3); // one d does nothing yet
    press({ key: 'd' });
    expect(ids(doc)).toEqual(['cell_two', 'cell_three']);
    expect(useUiStore.getState().selectedCellId).toBe('cell_three');

    // "d x d" is not a delete: another key breaks the chord
    press({ key: 'd' });
    press({ key: 'x' });
    press({ key: 'd' });
    expect(ids(doc)).toEqual(['cell_two', 'cell_three']);
  });

  it('undo reverts only this person\'s edits, never a collaborator\'s', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: 'one', id: 'cell_one' }, 'seed');
      insertCell(d, { kind: 'markdown', source: 'two', afterId: 'cell_one', id: 'cell_two' }, 'seed');
    });
    // A collaborator's doc, synced both ways in-process.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc));
    doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'peer') Y.applyUpdate(peer, u, 'local');
    });
    peer.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== 'local') act(() => Y.applyUpdate(doc, u, 'peer'));
    });

    focusCell(cellEls(container)[0]);
    press({ key: 'y' }); // local: cell_one -> sql
    insertCell(peer, { kind: 'sql', source: 'select 42', afterId: 'cell_two', id: 'cell_peer' });
    act(() => getCellSource(peer, 'cell_two')!.insert(3, ' (peer)'));
    press({ key: 'd' });
    press({ key: 'd' }); // local: delete cell_one
    expect(ids(doc)).toEqual(['cell_two', 'cell_peer']);

    press({ key: 'z', ctrlKey: true });
    expect(ids(doc)).toEqual(['cell_one', 'cell_two', 'cell_peer']); // the delete is undone
    expect(kinds(doc)[0]).toBe('sql');
    press({ key: 'z', ctrlKey: true });
    expect(kinds(doc)[0]).toBe('markdown'); // then the kind change
    press({ key: 'z', ctrlKey: true }); // nothing of ours is left to undo
    expect(ids(doc)).toEqual(['cell_one', 'cell_two', 'cell_peer']);
    expect(getCellSource(doc, 'cell_two')!.toString()).toBe('two (peer)');
    expect(ids(peer)).toEqual(['cell_one', 'cell_two', 'cell_peer']);

    press({ key: 'z', ctrlKey: true, shiftKey: true }); // redo
    expect(kinds(doc)[0]).toBe('sql');
  });

  it('Enter edits a Markdown cell in a textarea bound to its text; Escape renders it', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: '# 안녕', id: 'cell_md' }, 'seed');
    });
    const cell = cellEls(container)[0];
    expect(cell.querySelector('[data-testid="markdown-rendered"] h1')?.textContent).toBe('안녕');
    focusCell(cell);
    press({ key: 'Enter' });
    const editor = container.querySelector<HTMLTextAreaElement>('[data-testid="markdown-editor"]')!;
    expect(editor).not.toBeNull();
    expect(document.activeElement).toBe(editor);
    expect(editor.value).toBe('# 안녕');

    // command keys typed while editing are text, not commands
    press({ key: 'd' });
    press({ key: 'd' });
    expect(ids(doc)).toEqual(['cell_md']);

    typeInto(editor, '# 안녕 마당\n\n<img src=x onerror=alert(1)>**굵게**');
    expect(getCellSource(doc, 'cell_md')!.toString()).toBe('# 안녕 마당\n\n<img src=x onerror=alert(1)>**굵게**');
    press({ key: 'Escape' });
    expect(container.querySelector('[data-testid="markdown-editor"]')).toBeNull();
    const rendered = container.querySelector('[data-testid="markdown-rendered"]')!;
    expect(rendered.querySelector('h1')?.textContent).toBe('안녕 마당');
    expect(rendered.querySelector('strong')?.textContent).toBe('굵게');
    expect(rendered.innerHTML).not.toContain('onerror');
    expect(document.activeElement).toBe(cell);
  });

  it('toolbar buttons move, add and delete; ? opens the shortcuts help', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: 'one', id: 'cell_one' }, 'seed');
      insertCell(d, { kind: 'sql', source: 'select 1', afterId: 'cell_one', id: 'cell_two' }, 'seed');
    });
    const [first] = cellEls(container);
    click(first.querySelector('[data-testid="cell-move-down"]')!);
    expect(ids(doc)).toEqual(['cell_two', 'cell_one']);
    click(cellEls(container)[1].querySelector('[data-testid="cell-move-up"]')!);
    expect(ids(doc)).toEqual(['cell_one', 'cell_two']);
    click(cellEls(container)[0].querySelector('[data-testid="add-sql-below"]')!);
    expect(kinds(doc)).toEqual(['markdown', 'sql', 'sql']);
    click(cellEls(container)[1].querySelector('[data-testid="cell-delete"]')!);
    expect(ids(doc)).toEqual(['cell_one', 'cell_two']);

    focusCell(cellEls(container)[0]);
    press({ key: '?', shiftKey: true });
    expect(document.querySelector('[data-testid="shortcuts-dialog"]')).not.toBeNull();
  });
});

describe('focus and selection without a focused cell', () => {
  it('answers shortcuts pressed on the page body, and re-selects when someone deletes the selected cell', () => {
    const { doc, container } = setup((d) => {
      insertCell(d, { kind: 'markdown', source: 'one', id: 'cell_one' }, 'seed');
      insertCell(d, { kind: 'markdown', source: 'two', afterId: 'cell_one', id: 'cell_two' }, 'seed');
      insertCell(d, { kind: 'markdown', source: 'three', afterId: 'cell_two', id: 'cell_three' }, 'seed');
    });
    act(() => (document.activeElement as HTMLElement | null)?.blur());
    key(document.body, { key: 'j' });
    expect(useUiStore.getState().selectedCellId).toBe('cell_one');
    expect(document.activeElement?.getAttribute('data-cell-id')).toBe('cell_one');
    press({ key: 'j' });
    expect(useUiStore.getState().selectedCellId).toBe('cell_two');

    // Another person deletes the selected cell (not our origin, so it is not in our undo stack).
    act(() => getNotebookRoots(doc).cells.delete('cell_two'));
    expect(useUiStore.getState().selectedCellId).toBe('cell_three');
    expect(document.activeElement?.getAttribute('data-cell-id')).toBe('cell_three');
    expect(cellEls(container)).toHaveLength(2);
  });
});

describe('readCommandKey', () => {
  const k = (key: string, mods: Partial<Record<'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey', boolean>> = {}) =>
    ({ key, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods });

  it('maps keys to commands, with d d as a chord', () => {
    expect(readCommandKey(k('j'), null).command).toBe('selectNext');
    expect(readCommandKey(k('ArrowUp'), null).command).toBe('selectPrevious');
    expect(readCommandKey(k('d'), null)).toEqual({ command: null, pending: 'd' });
    expect(readCommandKey(k('d'), 'd')).toEqual({ command: 'delete', pending: null });
    expect(readCommandKey(k('z', { metaKey: true }), null).command).toBe('undo');
    expect(readCommandKey(k('Z', { metaKey: true, shiftKey: true }), null).command).toBe('redo');
    expect(readCommandKey(k('ArrowDown', { altKey: true }), null).command).toBe('moveDown');
    expect(readCommandKey(k('a', { ctrlKey: true }), null).command).toBeNull(); // select-all stays the browser's
    expect(readCommandKey(k('B', { shiftKey: true }), null).command).toBeNull();
  });
});
