import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { MadangError } from '../../shared/errors.ts';
import { isValidCellId, isValidNotebookId, newId } from '../../shared/ids.ts';
import {
  SCHEMA_VERSION,
  deleteCell,
  getCell,
  getCellSource,
  getNotebookRoots,
  initNotebook,
  insertCell,
  listCells,
  moveCell,
  orderedCellIds,
  readMeta,
  setCellKind,
  setCellName,
  setCellSpec,
  setExtracts,
  setTitle,
  validateCellName,
} from '../../shared/schema/notebook.ts';
import { compareOrdered, planPlacement } from '../../shared/schema/order.ts';

function freshDoc(): Y.Doc {
  const doc = new Y.Doc();
  initNotebook(doc, { title: '테스트' });
  return doc;
}

/** Records which cells' `order` changed during `fn`. */
function orderChanges(doc: Y.Doc, fn: () => void): string[] {
  const before = new Map(listCells(doc).map((c) => [c.id, c.order]));
  fn();
  return listCells(doc).filter((c) => before.has(c.id) && before.get(c.id) !== c.order).map((c) => c.id);
}

describe('ids', () => {
  it('newId makes distinct URL-safe ids of 21 characters', () => {
    const ids = new Set(Array.from({ length: 500 }, () => newId()));
    expect(ids.size).toBe(500);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
      expect(isValidNotebookId(id)).toBe(true);
    }
  });

  it('isValidNotebookId accepts 6-64 URL-safe characters only', () => {
    expect(isValidNotebookId('abc_-9')).toBe(true);
    expect(isValidNotebookId('a'.repeat(64))).toBe(true);
    expect(isValidNotebookId('abcde')).toBe(false);
    expect(isValidNotebookId('a'.repeat(65))).toBe(false);
    expect(isValidNotebookId('../etc/passwd')).toBe(false);
    expect(isValidNotebookId('abc def')).toBe(false);
    expect(isValidNotebookId(123456)).toBe(false);
    expect(isValidCellId('cell_a')).toBe(true);
  });
});

describe('meta', () => {
  it('initNotebook writes defaults and the schema version; readMeta reads them back', () => {
    const doc = freshDoc();
    expect(readMeta(doc)).toEqual({ title: '테스트', lang: 'ko', problemId: null, extracts: [], schemaVersion: SCHEMA_VERSION });
    const roots = getNotebookRoots(doc);
    expect(roots.meta).toBe(doc.getMap('meta'));
    expect(roots.cells).toBe(doc.getMap('cells'));
    expect(roots.comments).toBe(doc.getMap('comments'));
  });

  it('initNotebook is one update, and setters change the fields', () => {
    const doc = new Y.Doc();
    let updates = 0;
    doc.on('update', () => updates++);
    initNotebook(doc, { title: 'Bike', lang: 'en', problemId: 'p1', extracts: ['bike_accidents_by_gu'] });
    expect(updates).toBe(1);
    setTitle(doc, '자전거');
    setExtracts(doc, ['a_b', 'a_b', 'c']);
    expect(readMeta(doc)).toMatchObject({ title: '자전거', lang: 'en', problemId: 'p1', extracts: ['a_b', 'c'] });
    expect(() => setExtracts(doc, ['bad name'])).toThrow(MadangError);
  });

  it('readMeta falls back to defaults for malformed fields', () => {
    const doc = new Y.Doc();
    const meta = doc.getMap('meta');
    meta.set('title', 42);
    meta.set('lang', 'fr');
    meta.set('extracts', ['ok', 7]);
    expect(readMeta(doc)).toEqual({ title: '', lang: 'ko', problemId: null, extracts: ['ok'], schemaVersion: 0 });
  });
});

describe('cells', () => {
  it('insertCell appends by default, puts null first, and inserts after a given cell', () => {
    const doc = freshDoc();
    const a = insertCell(doc, { kind: 'markdown', source: '# A' });
    const b = insertCell(doc, { kind: 'sql', name: 'by_gu', source: 'SELECT 1' });
    const c = insertCell(doc, { kind: 'markdown', afterId: null });
    const d = insertCell(doc, { kind: 'chart', afterId: a, spec: { mark: 'barY' } });
    expect(orderedCellIds(doc)).toEqual([c, a, d, b]);
    const cells = listCells(doc);
    expect(cells[3]).toMatchObject({ id: b, kind: 'sql', name: 'by_gu', source: 'SELECT 1', spec: null });
    expect(cells[2].spec).toEqual({ mark: 'barY' });
    expect(getCellSource(doc, b)).toBeInstanceOf(Y.Text);
    expect(getCell(doc, 'missing')).toBeUndefined();
  });

  it('an insert is one update, and a cell is a Y.Map with the documented fields', () => {
    const doc = freshDoc();
    let updates = 0;
    doc.on('update', () => updates++);
    const id = insertCell(doc, { kind: 'sql', name: 'q', source: 'SELECT 1' });
    expect(updates).toBe(1);
    const cell = getCell(doc, id)!;
    expect([...cell.keys()].sort()).toEqual(['kind', 'name', 'order', 'source', 'spec']);
    expect(typeof cell.get('order')).toBe('string');
  });

  it('insertCell rejects bad kinds, names, duplicate ids and unknown neighbours', () => {
    const doc = freshDoc();
    const a = insertCell(doc, { kind: 'markdown', id: 'cell_a' });
    expect(() => insertCell(doc, { kind: 'python' as never })).toThrow(/unknown cell kind/);
    expect(() => insertCell(doc, { kind: 'sql', name: '1abc' })).toThrow(/name must start/);
    expect(() => insertCell(doc, { kind: 'sql', id: a })).toThrow(/already exists/);
    expect(() => insertCell(doc, { kind: 'sql', afterId: 'nope_nope' })).toThrow(/cell not found/);
    expect(() => insertCell(doc, { kind: 'sql', id: 'bad id!' })).toThrow(/invalid cell id/);
    expect(orderedCellIds(doc)).toEqual([a]);
  });

  it('the spec is copied on write, so later changes to the caller object do not leak in', () => {
    const doc = freshDoc();
    const spec = { mark: 'barY', x: 'gu' };
    const id = insertCell(doc, { kind: 'chart', spec });
    spec.x = 'changed';
    expect(listCells(doc)[0].spec).toEqual({ mark: 'barY', x: 'gu' });
    setCellSpec(doc, id, null);
    expect(listCells(doc)[0].spec).toBeNull();
  });

  it('moveCell changes only the moved cell\'s order key', () => {
    const doc = freshDoc();
    const ids = Array.from({ length: 6 }, (_, i) => insertCell(doc, { kind: 'markdown', source: String(i) }));
    const changed = orderChanges(doc, () => moveCell(doc, ids[0], ids[3]));
    expect(changed).toEqual([ids[0]]);
    expect(orderedCellIds(doc)).toEqual([ids[1], ids[2], ids[3], ids[0], ids[4], ids[5]]);
    moveCell(doc, ids[5], null);
    expect(orderedCellIds(doc)[0]).toBe(ids[5]);
  });

  it('moving a cell to where it already is writes nothing', () => {
    const doc = freshDoc();
    const a = insertCell(doc, { kind: 'markdown' });
    const b = insertCell(doc, { kind: 'markdown' });
    let updates = 0;
    doc.on('update', () => updates++);
    moveCell(doc, b, a);
    moveCell(doc, a, null);
    moveCell(doc, a, a);
    expect(updates).toBe(0);
    expect(() => moveCell(doc, a, 'nope_nope')).toThrow(/cell not found/);
  });

  it('inserting between two cells with equal keys re-keys only the tied cells that follow', () => {
    const doc = freshDoc();
    const first = insertCell(doc, { kind: 'markdown', id: 'cell_0' });
    const last = insertCell(doc, { kind: 'markdown', id: 'cell_9' });
    // Three cells with one key, as after three concurrent inserts at the same spot.
    const cells = getNotebookRoots(doc).cells;
    const tied = ['cell_t1', 'cell_t2', 'cell_t3'].map((id) => insertCell(doc, { kind: 'sql', id, afterId: first }));
    for (const id of tied) cells.get(id)!.set('order', 'a0V');
    expect(orderedCellIds(doc)).toEqual([first, ...tied, last]);
    const fresh = 'cell_new';
    let changed = orderChanges(doc, () => insertCell(doc, { kind: 'markdown', id: fresh, afterId: tied[0] }));
    expect(orderedCellIds(doc)).toEqual([first, tied[0], fresh, tied[1], tied[2], last]);
    expect(changed.sort()).toEqual([tied[1], tied[2]]);
    // Moving into the middle of a tie works the same way.
    changed = orderChanges(doc, () => moveCell(doc, last, tied[1]));
    expect(orderedCellIds(doc)).toEqual([first, tied[0], fresh, tied[1], last, tied[2]]);
    expect(changed).toEqual([last]);
  });

  it('cells with broken order keys are re-keyed in their visible order when something moves', () => {
    const doc = freshDoc();
    const ids = ['cell_a', 'cell_b', 'cell_c'].map((id) => insertCell(doc, { kind: 'markdown', id }));
    getNotebookRoots(doc).cells.get('cell_b')!.set('order', '');
    expect(orderedCellIds(doc)).toEqual(['cell_b', 'cell_a', 'cell_c']);
    moveCell(doc, ids[2], null);
    expect(orderedCellIds(doc)).toEqual(['cell_c', 'cell_b', 'cell_a']);
    expect(listCells(doc).every((c) => c.order !== '')).toBe(true);
  });

  it('deleteCell removes the cell and its comment threads', () => {
    const doc = freshDoc();
    const a = insertCell(doc, { kind: 'markdown' });
    const b = insertCell(doc, { kind: 'markdown' });
    const threads = new Y.Array<unknown>();
    getNotebookRoots(doc).comments.set(a, threads);
    deleteCell(doc, a);
    expect(orderedCellIds(doc)).toEqual([b]);
    expect(getNotebookRoots(doc).comments.has(a)).toBe(false);
    expect(() => deleteCell(doc, a)).toThrow(/cell not found/);
  });

  it('setCellKind and setCellName validate and update; an empty name clears it', () => {
    const doc = freshDoc();
    const id = insertCell(doc, { kind: 'markdown' });
    setCellKind(doc, id, 'sql');
    setCellName(doc, id, '자치구별_사고');
    expect(listCells(doc)[0]).toMatchObject({ kind: 'sql', name: '자치구별_사고' });
    expect(() => setCellName(doc, id, 'select')).toThrow(/reserved/);
    expect(() => setCellKind(doc, id, 'nope' as never)).toThrow(/unknown cell kind/);
    setCellName(doc, id, '');
    expect(listCells(doc)[0].name).toBe('');
  });

  it('listCells shows unknown kinds from newer clients as markdown instead of hiding them', () => {
    const doc = freshDoc();
    const id = insertCell(doc, { kind: 'sql' });
    getCell(doc, id)!.set('kind', 'map');
    expect(listCells(doc)[0].kind).toBe('markdown');
  });
});

describe('validateCellName', () => {
  it.each(['trips_by_hour', '_x', 'A1', '자치구', '사고_2023', 'a'.repeat(64)])('accepts %s', (name) => {
    expect(validateCellName(name)).toBeNull();
  });

  it.each([
    ['', /empty/],
    ['1st', /must start/],
    ['has space', /must start/],
    ['dash-name', /must start/],
    ['a'.repeat(65), /too long/],
    ['SELECT', /reserved/],
    ['from', /reserved/],
    ['"quoted"', /must start/],
  ])('rejects %j with a reason', (name, reason) => {
    const problem = validateCellName(name);
    expect(problem).toMatch(reason);
    // Reasons are bilingual, Korean first.
    expect(problem).toMatch(/[가-힣].* \/ /);
  });
});

describe('order keys', () => {
  it('compareOrdered sorts by key, then by id', () => {
    const items = [{ id: 'b', order: 'a1' }, { id: 'a', order: 'a1' }, { id: 'z', order: 'a0' }];
    expect(items.sort(compareOrdered).map((i) => i.id)).toEqual(['z', 'a', 'b']);
  });

  it('planPlacement between distinct keys makes one key and re-keys nothing', () => {
    const plan = planPlacement([{ id: 'a', order: 'a0' }, { id: 'b', order: 'a1' }], 1);
    expect(plan.key > 'a0' && plan.key < 'a1').toBe(true);
    expect(plan.rekeyed.size).toBe(0);
  });
});
