/**
 * The notebook view's other behaviour on a real Y.Doc: read-only mode, presence markers, the
 * title and SQL name fields, drag-and-drop placement, and the Markdown textarea binding.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { act } from 'react';
import * as Y from 'yjs';
import { getNotebookRoots, initNotebook, insertCell, listCells, readMeta } from '../../shared/schema/notebook.ts';
import { NotebookView } from '../../client/components/notebook/NotebookView.tsx';
import { moveCellTo, type EditingSession } from '../../client/components/notebook/notebookCommands.ts';
import type { Peer } from '../../client/sync/peers.ts';
import { applyValueToYText, bindTextarea, diffText, transformPosition } from '../../client/markdown/textareaBinding.ts';
import { useUiStore } from '../../client/state/uiStore.ts';
import { key, mount, typeInto, type Mounted } from './reactDom.tsx';

let mounted: Mounted | null = null;
afterEach(() => {
  mounted?.unmount();
  mounted = null;
});

function makeSession(): EditingSession {
  const doc = new Y.Doc();
  initNotebook(doc, { title: '공원 소음' }, 'seed');
  insertCell(doc, { kind: 'markdown', source: '# 소음 민원', id: 'cell_md' }, 'seed');
  insertCell(doc, { kind: 'sql', source: 'select 1', name: 'by_park', afterId: 'cell_md', id: 'cell_sql' }, 'seed');
  insertCell(doc, { kind: 'chart', spec: { mark: 'barY', data: 'by_park', x: 'park', y: 'n' }, afterId: 'cell_sql', id: 'cell_chart' }, 'seed');
  const localOrigin = { madang: 'local-edit' };
  return { doc, localOrigin, undoManager: new Y.UndoManager(getNotebookRoots(doc).cells, { trackedOrigins: new Set([localOrigin]) }) };
}

const plainSqlEditor = ({ ytext }: { ytext: Y.Text }) => <pre data-testid="sql-text">{ytext.toString()}</pre>;
const ids = (doc: Y.Doc) => listCells(doc).map((c) => c.id);

describe('read-only notebook', () => {
  it('shows content without editing affordances, and ignores editing keys', () => {
    const session = makeSession();
    mounted = mount(<NotebookView session={session} readOnly peers={[]} renderSqlEditor={plainSqlEditor} />);
    const c = mounted.container;
    expect(c.querySelector('h1[data-testid="notebook-title"]')?.textContent).toBe('공원 소음');
    expect(c.querySelectorAll('[data-testid="cell"]')).toHaveLength(3);
    for (const id of ['cell-move-up', 'cell-delete', 'add-markdown-below', 'add-sql-below', 'cell-drag-handle', 'add-cell-bar']) {
      expect(c.querySelector(`[data-testid="${id}"]`), id).toBeNull();
    }
    // the chart cell waits for its data cell (no engine here) and offers no editor
    const chart = c.querySelector<HTMLElement>('[data-cell-id="cell_chart"] .cell-body')!;
    expect(chart.textContent).toContain('by_park');
    expect(chart.querySelector('button')).toBeNull();

    const first = c.querySelector<HTMLElement>('[data-cell-id="cell_md"]')!;
    act(() => first.focus());
    for (const k of ['b', 'a', 'y', 'Enter']) key(document.activeElement!, { key: k });
    key(document.activeElement!, { key: 'd' });
    key(document.activeElement!, { key: 'd' });
    expect(ids(session.doc)).toEqual(['cell_md', 'cell_sql', 'cell_chart']);
    expect(c.querySelector('[data-testid="markdown-editor"]')).toBeNull();
    act(() => first.querySelector('[data-testid="markdown-rendered"]')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })));
    expect(c.querySelector('[data-testid="markdown-editor"]')).toBeNull();
    // moving the selection still works
    key(document.activeElement!, { key: 'j' });
    expect(useUiStore.getState().selectedCellId).toBe('cell_sql');
  });
});

describe('presence', () => {
  it('marks each cell with the people in it, in their colour, and reports our selection', () => {
    const session = makeSession();
    const peers: Peer[] = [
      { clientId: 7, name: 'Alice Park', color: '#3366cc', org: 'Seoul Data Lab', cellId: 'cell_sql' },
      { clientId: 9, name: '박서준', color: '#cc3366', org: '마포', cellId: 'cell_sql' },
      { clientId: 11, name: '이하늘', color: '#22aa55', org: '', cellId: null },
    ];
    const active: (string | null)[] = [];
    mounted = mount(<NotebookView session={session} readOnly={false} peers={peers} renderSqlEditor={plainSqlEditor} onActiveCellChange={(id) => active.push(id)} />);
    const markers = [...mounted.container.querySelectorAll<HTMLElement>('[data-cell-id="cell_sql"] [data-testid="cell-presence"]')];
    expect(markers.map((m) => m.dataset.userName)).toEqual(['Alice Park', '박서준']);
    expect(markers[0].style.background).toBe('rgb(51, 102, 204)');
    expect(mounted.container.querySelectorAll('[data-testid="cell-presence"]')).toHaveLength(2);

    act(() => mounted!.container.querySelector<HTMLElement>('[data-cell-id="cell_chart"]')!.focus());
    expect(active.at(-1)).toBe('cell_chart');
  });
});

describe('title and cell name fields', () => {
  it('writes a valid title to meta.title and refuses an empty one', () => {
    const session = makeSession();
    mounted = mount(<NotebookView session={session} readOnly={false} peers={[]} renderSqlEditor={plainSqlEditor} />);
    const input = mounted.container.querySelector<HTMLInputElement>('input[data-testid="notebook-title"]')!;
    typeInto(input, '   ');
    key(input, { key: 'Enter' });
    expect(readMeta(session.doc).title).toBe('공원 소음');
    expect(mounted.container.querySelector('#notebook-title-error')?.textContent).toBe('제목을 입력해 주세요');
    typeInto(input, ' 공원 소음 민원 분석 ');
    key(input, { key: 'Enter' });
    expect(readMeta(session.doc).title).toBe('공원 소음 민원 분석');
    // a remote rename shows when the field is not being edited
    act(() => getNotebookRoots(session.doc).meta.set('title', '다른 제목'));
    expect(input.value).toBe('다른 제목');
  });

  it('checks a SQL cell name before writing it, with the reason in the current language', () => {
    const session = makeSession();
    mounted = mount(<NotebookView session={session} readOnly={false} peers={[]} renderSqlEditor={plainSqlEditor} />, 'en');
    const input = mounted.container.querySelector<HTMLInputElement>('[data-cell-id="cell_sql"] [data-testid="cell-name"]')!;
    expect(input.value).toBe('by_park');
    typeInto(input, 'select');
    key(input, { key: 'Enter' });
    expect(listCells(session.doc)[1].name).toBe('by_park');
    expect(mounted.container.querySelector('[data-testid="cell-name-error"]')?.textContent).toBe('name is a reserved SQL word: select');
    typeInto(input, '공원별_건수');
    expect(mounted.container.querySelector('[data-testid="cell-name-error"]')).toBeNull();
    key(input, { key: 'Enter' });
    expect(listCells(session.doc)[1].name).toBe('공원별_건수');
  });

  it('switches kind from the toolbar select', () => {
    const session = makeSession();
    mounted = mount(<NotebookView session={session} readOnly={false} peers={[]} renderSqlEditor={plainSqlEditor} />);
    const select = mounted.container.querySelector<HTMLSelectElement>('[data-cell-id="cell_md"] [data-testid="cell-kind"]')!;
    act(() => {
      select.value = 'sql';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    expect(listCells(session.doc)[0].kind).toBe('sql');
    expect(mounted.container.querySelector('[data-cell-id="cell_md"] [data-testid="sql-text"]')?.textContent).toBe('# 소음 민원');
  });
});

describe('adding chart and input cells', () => {
  it('starts a chart on the nearest named SQL cell above and an input with a free name', () => {
    const session = makeSession();
    mounted = mount(<NotebookView session={session} readOnly={false} peers={[]} renderSqlEditor={plainSqlEditor} />);
    const barAfter = (id: string) => mounted!.container.querySelector(`[data-cell-id="${id}"]`)!.parentElement!.querySelector(':scope > [data-testid="add-cell-bar"]')!;
    act(() => (barAfter('cell_sql').querySelector('[data-kind="chart"]') as HTMLElement).click());
    act(() => (barAfter('cell_md').querySelector('[data-kind="input"]') as HTMLElement).click());
    act(() => (barAfter('cell_chart').querySelector('[data-kind="input"]') as HTMLElement).click());
    const cells = listCells(session.doc);
    expect(cells.map((c) => [c.kind, c.name, c.spec])).toEqual([
      ['markdown', '', null],
      ['input', 'input_1', { type: 'text' }],
      ['sql', 'by_park', null],
      ['chart', '', { mark: 'barY', data: 'by_park' }],
      ['chart', '', { mark: 'barY', data: 'by_park', x: 'park', y: 'n' }],
      ['input', 'input_2', { type: 'text' }],
    ]);
    expect(useUiStore.getState().selectedCellId).toBe(cells[5].id);
    session.undoManager.undo();
    expect(listCells(session.doc)).toHaveLength(5);
  });
});

describe('drag-and-drop placement (moveCellTo)', () => {
  it('drops before or after the target, as one undo step', () => {
    const session = makeSession();
    moveCellTo(session, 'cell_chart', 'cell_md', 'before');
    expect(ids(session.doc)).toEqual(['cell_chart', 'cell_md', 'cell_sql']);
    moveCellTo(session, 'cell_chart', 'cell_sql', 'after');
    expect(ids(session.doc)).toEqual(['cell_md', 'cell_sql', 'cell_chart']);
    moveCellTo(session, 'cell_md', 'cell_sql', 'before'); // already there: no change, no undo step
    expect(ids(session.doc)).toEqual(['cell_md', 'cell_sql', 'cell_chart']);
    session.undoManager.undo();
    expect(ids(session.doc)).toEqual(['cell_chart', 'cell_md', 'cell_sql']);
  });
});

describe('textarea <-> Y.Text binding', () => {
  it('finds the smallest replacement', () => {
    expect(diffText('안녕 마당', '안녕 우리 마당')).toEqual({ index: 3, remove: 0, insert: '우리 ' });
    expect(diffText('abcdef', 'abXYef')).toEqual({ index: 2, remove: 2, insert: 'XY' });
    expect(diffText('same', 'same')).toBeNull();
    // never splits a surrogate pair
    expect(diffText('a😀b', 'a😁b')).toEqual({ index: 1, remove: 2, insert: '😁' });
  });

  it('carries a caret through remote inserts and deletes', () => {
    expect(transformPosition(5, [{ retain: 2 }, { insert: 'abc' }])).toBe(8);
    expect(transformPosition(5, [{ retain: 5 }, { insert: 'abc' }])).toBe(5); // at the caret: stays before
    expect(transformPosition(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(transformPosition(5, [{ retain: 4 }, { delete: 3 }])).toBe(4); // caret inside the deleted range
    expect(transformPosition(5, [{ retain: 7 }, { delete: 1 }])).toBe(5);
  });

  it('merges concurrent edits instead of overwriting them, keeping the caret', () => {
    const doc = new Y.Doc();
    const ytext = doc.getText('t');
    ytext.insert(0, 'hello world');
    const textarea = document.createElement('textarea');
    document.body.appendChild(textarea);
    const origin = {};
    const unbind = bindTextarea(textarea, ytext, origin);
    expect(textarea.value).toBe('hello world');
    textarea.focus();
    textarea.value = 'hello, world';
    textarea.setSelectionRange(6, 6);
    textarea.dispatchEvent(new Event('input'));
    expect(ytext.toString()).toBe('hello, world');
    // a collaborator types at the start
    doc.transact(() => ytext.insert(0, '>> '), 'remote');
    expect(textarea.value).toBe('>> hello, world');
    expect(textarea.selectionStart).toBe(9);
    // and our next keystroke lands where our caret is, keeping theirs
    applyValueToYText(ytext, '>> hello, big world', origin);
    expect(ytext.toString()).toBe('>> hello, big world');
    unbind();
    textarea.remove();
  });
});

describe('textarea binding during IME composition', () => {
  it('keeps a syllable composed while a collaborator typed elsewhere, and keeps their text', () => {
    const doc = new Y.Doc();
    const ytext = doc.getText('t');
    ytext.insert(0, '마당 노트');
    const textarea = document.createElement('textarea');
    document.body.appendChild(textarea);
    const origin = {};
    const unbind = bindTextarea(textarea, ytext, origin);
    textarea.focus();

    textarea.dispatchEvent(new CompositionEvent('compositionstart'));
    textarea.value = '마당 노트ㅂ';
    textarea.dispatchEvent(new Event('input'));
    textarea.value = '마당 노트부';
    textarea.dispatchEvent(new Event('input'));
    expect(ytext.toString()).toBe('마당 노트'); // nothing half-composed is shared
    doc.transact(() => ytext.insert(0, '[공유] '), 'remote');
    expect(textarea.value).toBe('마당 노트부'); // the syllable being composed is left alone
    textarea.value = '마당 노트북';
    textarea.dispatchEvent(new CompositionEvent('compositionend'));

    expect(ytext.toString()).toBe('[공유] 마당 노트북');
    expect(textarea.value).toBe('[공유] 마당 노트북');
    expect(textarea.selectionStart).toBe('[공유] 마당 노트북'.length);
    unbind();
    textarea.remove();
  });
});
