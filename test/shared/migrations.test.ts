import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SCHEMA_VERSION, getCellSource, initNotebook, insertCell, listCells, readMeta } from '../../shared/schema/notebook.ts';
import { migrateDoc, migrationOrigin, migrations } from '../../shared/schema/migrations.ts';
import { assertDocsConverged } from '../harness/syncNetwork.ts';

/** A doc as a pre-versioning client wrote it: no schemaVersion, loose cell fields. */
function versionZeroDoc(): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = 1;
  doc.transact(() => {
    doc.getMap('meta').set('title', '옛 노트북');
    const cells = doc.getMap<Y.Map<unknown>>('cells');
    const a = new Y.Map<unknown>();
    cells.set('cell_aaa', a);
    a.set('kind', 'sql');
    a.set('source', 'SELECT 1'); // a plain string, not a Y.Text
    a.set('order', 'a1');
    const b = new Y.Map<unknown>();
    cells.set('cell_bbb', b); // no kind, no order, no source
    const c = new Y.Map<unknown>();
    cells.set('cell_ccc', c);
    c.set('kind', 'chart');
    c.set('order', 'a0');
    c.set('source', new Y.Text('note'));
  });
  return doc;
}

describe('migrations', () => {
  it('steps are numbered 1..SCHEMA_VERSION with no gaps', () => {
    expect(migrations.map((m) => m.to)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('migrates a version 0 doc to the current version with defaults, in one update', () => {
    const doc = versionZeroDoc();
    const origins: unknown[] = [];
    doc.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    expect(migrateDoc(doc)).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(origins).toEqual([migrationOrigin]);
    expect(readMeta(doc)).toEqual({ title: '옛 노트북', lang: 'ko', problemId: null, extracts: [], schemaVersion: SCHEMA_VERSION });
    const cells = listCells(doc);
    // The visible order is kept: the cell with no key sorted first before, and still does.
    expect(cells.map((c) => c.id)).toEqual(['cell_bbb', 'cell_ccc', 'cell_aaa']);
    expect(cells.map((c) => c.kind)).toEqual(['markdown', 'chart', 'sql']);
    expect(cells.every((c) => c.order !== '' && c.spec === null && c.name === '')).toBe(true);
    expect(getCellSource(doc, 'cell_aaa')!.toString()).toBe('SELECT 1');
    expect(getCellSource(doc, 'cell_bbb')!.toString()).toBe('');
    // After migration the doc is editable with the normal API.
    const id = insertCell(doc, { kind: 'sql', afterId: 'cell_bbb' });
    expect(listCells(doc).map((c) => c.id)).toEqual(['cell_bbb', id, 'cell_ccc', 'cell_aaa']);
  });

  it('migrating a current doc writes nothing', () => {
    const doc = new Y.Doc();
    initNotebook(doc, { title: 'now' });
    let updates = 0;
    doc.on('update', () => updates++);
    expect(migrateDoc(doc)).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    expect(updates).toBe(0);
  });

  it('refuses a doc from a newer version and leaves it untouched', () => {
    const doc = new Y.Doc();
    doc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
    const before = Y.encodeStateVector(doc);
    expect(() => migrateDoc(doc)).toThrow(/newer version/);
    expect(Y.encodeStateVector(doc)).toEqual(before);
  });

  it('two peers migrating the same old doc concurrently converge to one valid doc', () => {
    const a = versionZeroDoc();
    const b = new Y.Doc();
    b.clientID = 2;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    migrateDoc(a);
    migrateDoc(b);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    assertDocsConverged([a, b]);
    expect(listCells(a).map((c) => c.id)).toEqual(['cell_bbb', 'cell_ccc', 'cell_aaa']);
    expect(getCellSource(a, 'cell_aaa')!.toString()).toBe('SELECT 1');
  });
});
