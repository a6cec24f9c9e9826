/**
 * The persistence contract: one suite every `NotebookStore` adapter must pass (tldraw's
 * `storageContractSuite` pattern). Test names carry the rule id they check:
 *
 *  P1  appended updates load back in append order; seqs are 1, 2, 3, …
 *  P2  concurrent appends get distinct, increasing seqs and none is lost
 *  P3  an unknown notebook loads as the empty state; appending to it is rejected
 *  P4  compact replaces the covered log with the snapshot and keeps updates after uptoSeq
 *  P5  compact never moves back: an older snapshot is ignored, one past the log end is rejected
 *  P6  seqs keep increasing after a compaction dropped the whole log
 *  P7  bytes round-trip exactly, including 1 MB updates, and stored history does not alias
 *      the caller's buffers
 *  P8  notebook rows: create (with an initial update as seq 1), get, rename, conflict on a
 *      duplicate id, list newest first
 *  P9  soft delete hides a notebook from the list but keeps its row and history
 *  P10 a file-backed store reopened after close still has everything
 *  P11 snapshot + log rebuild the same Yjs document
 */
import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import * as Y from 'yjs';
import type { NotebookStore } from '../../server/persistence/adapter.ts';
import { MadangError } from '../../shared/errors.ts';

export interface StoreUnderTest {
  store: NotebookStore;
  /** Closes the store and opens a new one on the same files (file-backed adapters only). */
  reopen?: () => Promise<NotebookStore>;
  /** Removes temp files; called after `store.close()`. */
  cleanup?: () => Promise<void>;
}

export type MakeStore = (ctx: { now: () => Date }) => Promise<StoreUnderTest>;

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

/** A Yjs update that inserts `text` at the end of the doc's `t` text. */
function textEdit(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

export function runPersistenceContract(name: string, makeStore: MakeStore, opts: { fileBacked?: boolean } = {}): void {
  describe(`persistence contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: NotebookStore;
    let clockMs: number;
    const now = () => new Date(clockMs);
    const tick = (ms: number) => { clockMs += ms; };

    beforeEach(async () => {
      clockMs = Date.parse('2026-03-01T09:00:00.000Z');
      sut = await makeStore({ now });
      store = sut.store;
    });
    afterEach(async () => {
      await store.close();
      await sut.cleanup?.();
    });

    it('[P1] appended updates load back in order with seqs 1, 2, 3', async () => {
      await store.createNotebook({ id: 'nb-p1-aaa', title: 'P1' });
      const seqs = [];
      for (let i = 0; i < 5; i++) seqs.push(await store.appendUpdate('nb-p1-aaa', bytes(i, i + 1, i + 2)));
      expect(seqs).toEqual([1, 2, 3, 4, 5]);
      const state = await store.loadDoc('nb-p1-aaa');
      expect(state.snapshot).toBeNull();
      expect(state.lastSeq).toBe(5);
      expect(state.updates.map((u) => Array.from(u))).toEqual([0, 1, 2, 3, 4].map((i) => [i, i + 1, i + 2]));
      expect(await store.countUpdates('nb-p1-aaa')).toBe(5);
    });

    it('[P1] appendUpdates (when offered) stores a batch in order with consecutive seqs', async (ctx) => {
      if (!store.appendUpdates) { ctx.skip(); return; }
      await store.createNotebook({ id: 'nb-p1-bbb', title: 'P1b' });
      expect(await store.appendUpdate('nb-p1-bbb', bytes(0))).toBe(1);
      const batch = [bytes(1), bytes(2, 2), bytes(3, 3, 3)];
      const [last, after] = await Promise.all([store.appendUpdates('nb-p1-bbb', batch), store.appendUpdate('nb-p1-bbb', bytes(4))]);
      batch[0].fill(9);
      expect(last).toBe(4);
      expect(after).toBe(5);
      expect((await store.loadDoc('nb-p1-bbb')).updates.map((u) => Array.from(u))).toEqual([[0], [1], [2, 2], [3, 3, 3], [4]]);
      await expect(store.appendUpdates('nb-missing', [bytes(1)])).rejects.toThrow();
    });

    it('[P2] concurrent appends get distinct increasing seqs and none is lost', async () => {
      await store.createNotebook({ id: 'nb-p2-aaa', title: 'P2' });
      await store.createNotebook({ id: 'nb-p2-bbb', title: 'P2b' });
      const n = 50;
      const results = await Promise.all(Array.from({ length: n }, (_, i) =>
        store.appendUpdate(i % 2 ? 'nb-p2-aaa' : 'nb-p2-bbb', bytes(i))));
      const a = results.filter((_, i) => i % 2);
      const b = results.filter((_, i) => !(i % 2));
      // Per notebook: each seq once, 1..n/2, and issued in call order.
      expect(a).toEqual(Array.from({ length: n / 2 }, (_, i) => i + 1));
      expect(b).toEqual(Array.from({ length: n / 2 }, (_, i) => i + 1));
      const loaded = await store.loadDoc('nb-p2-aaa');
      expect(loaded.updates.map((u) => u[0])).toEqual(Array.from({ length: n / 2 }, (_, i) => 2 * i + 1));
      expect(loaded.lastSeq).toBe(n / 2);
    });

    it('[P3] an unknown notebook loads as the empty state and rejects appends', async () => {
      expect(await store.loadDoc('nb-missing')).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
      expect(await store.countUpdates('nb-missing')).toBe(0);
      expect(await store.getNotebook('nb-missing')).toBeNull();
      const err = await store.appendUpdate('nb-missing', bytes(1)).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MadangError);
      expect((err as MadangError).code).toBe('not_found');
      await expect(store.compact('nb-missing', bytes(1), 0)).rejects.toThrow();
    });

    it('[P4] compact keeps updates after uptoSeq and loads snapshot + rest', async () => {
      await store.createNotebook({ id: 'nb-p4-aaa', title: 'P4' });
      for (let i = 1; i <= 6; i++) await store.appendUpdate('nb-p4-aaa', bytes(i));
      await store.compact('nb-p4-aaa', bytes(9, 9, 9), 4);
      const state = await store.loadDoc('nb-p4-aaa');
      expect(Array.from(state.snapshot ?? [])).toEqual([9, 9, 9]);
      expect(state.updates.map((u) => Array.from(u))).toEqual([[5], [6]]);
      expect(state.lastSeq).toBe(6);
      expect(await store.countUpdates('nb-p4-aaa')).toBe(2);
      // An append racing with the compaction (issued before it resolves) is kept.
      const [, seq] = await Promise.all([
        store.compact('nb-p4-aaa', bytes(8, 8), 6),
        store.appendUpdate('nb-p4-aaa', bytes(7)),
      ]);
      expect(seq).toBe(7);
      const after = await store.loadDoc('nb-p4-aaa');
      expect(Array.from(after.snapshot ?? [])).toEqual([8, 8]);
      expect(after.updates.map((u) => Array.from(u))).toEqual([[7]]);
      expect(after.lastSeq).toBe(7);
    });

    it('[P5] compact ignores an older snapshot and rejects one past the log end', async () => {
      await store.createNotebook({ id: 'nb-p5-aaa', title: 'P5' });
      for (let i = 1; i <= 4; i++) await store.appendUpdate('nb-p5-aaa', bytes(i));
      await store.compact('nb-p5-aaa', bytes(3, 3), 3);
      await store.compact('nb-p5-aaa', bytes(2, 2), 2);
      let state = await store.loadDoc('nb-p5-aaa');
      expect(Array.from(state.snapshot ?? [])).toEqual([3, 3]);
      expect(state.updates.map((u) => Array.from(u))).toEqual([[4]]);
      await expect(store.compact('nb-p5-aaa', bytes(7), 9)).rejects.toThrow();
      state = await store.loadDoc('nb-p5-aaa');
      expect(Array.from(state.snapshot ?? [])).toEqual([3, 3]);
      expect(state.lastSeq).toBe(4);
    });

    it('[P6] seqs keep increasing after compaction dropped the whole log', async () => {
      await store.createNotebook({ id: 'nb-p6-aaa', title: 'P6' });
      for (let i = 1; i <= 3; i++) await store.appendUpdate('nb-p6-aaa', bytes(i));
      await store.compact('nb-p6-aaa', bytes(0), 3);
      expect(await store.countUpdates('nb-p6-aaa')).toBe(0);
      expect((await store.loadDoc('nb-p6-aaa')).lastSeq).toBe(3);
      expect(await store.appendUpdate('nb-p6-aaa', bytes(4))).toBe(4);
      const state = await store.loadDoc('nb-p6-aaa');
      expect(state.updates.map((u) => Array.from(u))).toEqual([[4]]);
      expect(state.lastSeq).toBe(4);
    });

    it('[P7] 1 MB updates round-trip byte for byte and do not alias the caller buffer', async () => {
      await store.createNotebook({ id: 'nb-p7-aaa', title: 'P7' });
      const big = new Uint8Array(1024 * 1024);
      let x = 12345;
      for (let i = 0; i < big.length; i++) { x = (x * 1103515245 + 12345) >>> 0; big[i] = x >>> 24; }
      const expected = big.slice();
      await store.appendUpdate('nb-p7-aaa', big);
      // A view into a larger buffer must store only its own bytes.
      const backing = Uint8Array.from([7, 1, 2, 3, 7]);
      await store.appendUpdate('nb-p7-aaa', backing.subarray(1, 4));
      big.fill(0);
      backing.fill(0);
      await store.compact('nb-p7-aaa', expected, 1);
      const state = await store.loadDoc('nb-p7-aaa');
      expect(state.snapshot?.byteLength).toBe(expected.byteLength);
      expect(Buffer.compare(Buffer.from(state.snapshot ?? []), Buffer.from(expected))).toBe(0);
      expect(Array.from(state.updates[0])).toEqual([1, 2, 3]);
    });

    it('[P8] notebook rows: create, get, rename, duplicate id, list newest first', async () => {
      const a = await store.createNotebook({ id: 'nb-p8-aaa', title: '서울 공원', createdBy: 'user-1' });
      expect(a).toMatchObject({ id: 'nb-p8-aaa', title: '서울 공원', createdAt: '2026-03-01T09:00:00.000Z', deletedAt: null, createdBy: 'user-1' });
      tick(60_000);
      const initial = bytes(1, 2, 3);
      await store.createNotebook({ id: 'nb-p8-bbb', title: 'Parks', initialUpdate: initial });
      initial.fill(0);
      expect((await store.loadDoc('nb-p8-bbb')).updates.map((u) => Array.from(u))).toEqual([[1, 2, 3]]);
      expect(await store.appendUpdate('nb-p8-bbb', bytes(4))).toBe(2);
      expect((await store.listNotebooks()).map((r) => r.id)).toEqual(['nb-p8-bbb', 'nb-p8-aaa']);
      const dup = await store.createNotebook({ id: 'nb-p8-aaa', title: 'again' }).then(() => null, (e: unknown) => e);
      expect((dup as MadangError).code).toBe('conflict');
      tick(60_000);
      const renamed = await store.renameNotebook('nb-p8-aaa', '서울 공원 2026');
      expect(renamed).toMatchObject({ title: '서울 공원 2026', updatedAt: '2026-03-01T09:02:00.000Z', createdAt: '2026-03-01T09:00:00.000Z' });
      expect((await store.getNotebook('nb-p8-aaa'))?.title).toBe('서울 공원 2026');
      expect((await store.listNotebooks()).map((r) => r.id)).toEqual(['nb-p8-aaa', 'nb-p8-bbb']);
      // An edit counts as an update of the notebook.
      tick(60_000);
      await store.appendUpdate('nb-p8-bbb', bytes(5));
      expect((await store.getNotebook('nb-p8-bbb'))?.updatedAt).toBe('2026-03-01T09:03:00.000Z');
      expect((await store.listNotebooks()).map((r) => r.id)).toEqual(['nb-p8-bbb', 'nb-p8-aaa']);
      expect(await store.renameNotebook('nb-missing', 'x')).toBeNull();
    });

    it('[P9] soft delete hides from the list but keeps the row and history', async () => {
      await store.createNotebook({ id: 'nb-p9-aaa', title: 'P9' });
      await store.createNotebook({ id: 'nb-p9-bbb', title: 'P9b' });
      await store.appendUpdate('nb-p9-aaa', bytes(1));
      tick(1000);
      expect(await store.deleteNotebook('nb-p9-aaa')).toBe(true);
      expect(await store.deleteNotebook('nb-p9-aaa')).toBe(false);
      expect(await store.deleteNotebook('nb-missing')).toBe(false);
      expect((await store.listNotebooks()).map((r) => r.id)).toEqual(['nb-p9-bbb']);
      const row = await store.getNotebook('nb-p9-aaa');
      expect(row?.deletedAt).toBe('2026-03-01T09:00:01.000Z');
      expect((await store.loadDoc('nb-p9-aaa')).updates.map((u) => Array.from(u))).toEqual([[1]]);
      expect(await store.renameNotebook('nb-p9-aaa', 'renamed')).toBeNull();
    });

    // Registered only for file-backed adapters (an in-memory store has nothing to reopen).
    if (opts.fileBacked === true) it('[P10] reopening a file-backed store keeps rows, log and snapshot', async () => {
      if (!sut.reopen) throw new Error('a file-backed store under test must provide reopen()');
      await store.createNotebook({ id: 'nb-p10-aa', title: '재개' });
      for (let i = 1; i <= 3; i++) await store.appendUpdate('nb-p10-aa', bytes(i));
      await store.compact('nb-p10-aa', bytes(2, 2), 2);
      await store.deleteNotebook('nb-p10-aa');
      store = await sut.reopen();
      const state = await store.loadDoc('nb-p10-aa');
      expect(Array.from(state.snapshot ?? [])).toEqual([2, 2]);
      expect(state.updates.map((u) => Array.from(u))).toEqual([[3]]);
      expect(state.lastSeq).toBe(3);
      expect((await store.getNotebook('nb-p10-aa'))?.title).toBe('재개');
      expect(await store.appendUpdate('nb-p10-aa', bytes(4))).toBe(4);
    });

    it('[P11] snapshot + log rebuild the same Yjs document', async () => {
      await store.createNotebook({ id: 'nb-p11-aa', title: 'P11' });
      const doc = new Y.Doc();
      let seq = 0;
      for (let i = 0; i < 40; i++) seq = await store.appendUpdate('nb-p11-aa', textEdit(doc, `${i},`));
      const mid = new Y.Doc();
      for (const u of (await store.loadDoc('nb-p11-aa')).updates.slice(0, 25)) Y.applyUpdate(mid, u);
      await store.compact('nb-p11-aa', Y.encodeStateAsUpdate(mid), 25);
      expect(seq).toBe(40);
      const state = await store.loadDoc('nb-p11-aa');
      const rebuilt = new Y.Doc();
      if (state.snapshot) Y.applyUpdate(rebuilt, state.snapshot);
      for (const u of state.updates) Y.applyUpdate(rebuilt, u);
      expect(rebuilt.getText('t').toString()).toBe(doc.getText('t').toString());
      expect(Array.from(Y.encodeStateVector(rebuilt))).toEqual(Array.from(Y.encodeStateVector(doc)));
    });
  });
}
