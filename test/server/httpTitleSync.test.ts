/**
 * `withRowTitleFromDoc`: the notebook row's title follows the live doc's `meta.title` (renames
 * typed on the notebook page), only with titles the API itself would accept. Real SQLite store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/persistence/database.ts';
import type { DatabaseSchema } from '../../server/persistence/schema.ts';
import { createSqlNotebookStore } from '../../server/persistence/sqlStore.ts';
import { withRowTitleFromDoc } from '../../server/notebooks/titleSync.ts';
import { initNotebook, setTitle } from '../../shared/schema/notebook.ts';

describe('row title follows the doc title', () => {
  let dir: string;
  let db: Kysely<DatabaseSchema>;
  let counter = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'madang-titlesync-'));
    db = await openDatabase({ dataDir: dir });
  });
  afterAll(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  /** A notebook whose live doc is `doc`; `edit` changes the doc and stores the change like a room. */
  async function setup(title: string) {
    const docs = new Map<string, Y.Doc>();
    const store = withRowTitleFromDoc(createSqlNotebookStore(db), { liveDoc: (id) => docs.get(id) });
    const id = `notebook${++counter}`;
    const doc = new Y.Doc();
    initNotebook(doc, { title });
    await store.createNotebook({ id, title, initialUpdate: Y.encodeStateAsUpdate(doc) });
    docs.set(id, doc);
    const edit = async (fn: (d: Y.Doc) => void) => {
      const before = Y.encodeStateVector(doc);
      fn(doc);
      await store.appendUpdate(id, Y.encodeStateAsUpdate(doc, before));
      await store.settled();
    };
    return { store, id, doc, edit };
  }

  it('renames the row, trimmed, when the doc title changes', async () => {
    const { store, id, edit } = await setup('처음');
    await edit((d) => setTitle(d, '  두 번째 제목 '));
    expect((await store.getNotebook(id))?.title).toBe('두 번째 제목');
    await edit((d) => setTitle(d, 'third'));
    expect((await store.getNotebook(id))?.title).toBe('third');
  });

  it('leaves the row alone for titles the API would refuse, and for edits that are not renames', async () => {
    const { store, id, edit } = await setup('keep me');
    await edit((d) => setTitle(d, 'bad\u0007title'));
    await edit((d) => setTitle(d, '   '));
    await edit((d) => setTitle(d, 'x'.repeat(201)));
    expect((await store.getNotebook(id))?.title).toBe('keep me');
    await edit((d) => d.getMap('meta').set('lang', 'en'));
    expect((await store.getNotebook(id))?.title).toBe('keep me');
  });

  it('keeps the store\'s batch append (one commit per batch) and checks the title after it', async () => {
    const { store, id, doc } = await setup('batch');
    expect(typeof store.appendUpdates).toBe('function');
    const updates: Uint8Array[] = [];
    const capture = (u: Uint8Array) => updates.push(u);
    doc.on('update', capture);
    setTitle(doc, 'batched title');
    doc.getMap('meta').set('lang', 'en');
    doc.off('update', capture);
    expect(updates).toHaveLength(2);
    await store.appendUpdates!(id, updates);
    await store.settled();
    expect((await store.getNotebook(id))?.title).toBe('batched title');
    expect((await store.loadDoc(id)).updates.length).toBeGreaterThanOrEqual(2);
  });

  it('does not invent a batch append the store lacks', () => {
    const { appendUpdates: _dropped, ...plain } = createSqlNotebookStore(db);
    const wrapped = withRowTitleFromDoc(plain, { liveDoc: () => undefined });
    expect(wrapped.appendUpdates).toBeUndefined();
    expect(typeof wrapped.countUpdates).toBe('function');
  });

  it('does not resurrect a deleted notebook\'s title', async () => {
    const { store, id, edit } = await setup('gone soon');
    await store.deleteNotebook(id);
    await edit((d) => setTitle(d, 'after delete'));
    expect((await store.getNotebook(id))?.title).toBe('gone soon');
  });
});
