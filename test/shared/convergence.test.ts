import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  deleteCell,
  getCellSource,
  initNotebook,
  insertCell,
  listCells,
  moveCell,
  orderedCellIds,
  setCellKind,
  setCellName,
  setCellSpec,
  type CellKind,
} from '../../shared/schema/notebook.ts';
import { Random, SyncNetwork } from '../harness/syncNetwork.ts';

const kinds: CellKind[] = ['markdown', 'sql', 'chart', 'input'];
const names = ['trips', 'by_gu', '사고', 'air_daily', ''];

interface Tracker {
  inserted: Set<string>;
  deleted: Set<string>;
}

/** Locally, an insert or move lands exactly where asked (null = first, undefined = last). */
function expectPlacedAfter(doc: Y.Doc, id: string, afterId: string | null | undefined): void {
  const ids = orderedCellIds(doc);
  const at = ids.indexOf(id);
  if (afterId === null) expect(at).toBe(0);
  else if (afterId === undefined) expect(at).toBe(ids.length - 1);
  else expect(ids[at - 1]).toBe(afterId);
}

/** One random local edit on `doc`; records inserts and deletes in `t`. */
function randomEdit(doc: Y.Doc, r: Random, t: Tracker): void {
  const ids = orderedCellIds(doc);
  const roll = r.next();
  if (ids.length === 0 || roll < 0.22) {
    const where = r.next();
    const afterId = where < 0.2 ? null : where < 0.4 || ids.length === 0 ? undefined : r.pick(ids);
    // Inserting after a fixed few cells makes same-spot collisions (equal order keys) common.
    const id = insertCell(doc, { kind: r.pick(kinds), source: r.id('s'), afterId, id: r.id('c') });
    t.inserted.add(id);
    expectPlacedAfter(doc, id, afterId);
    return;
  }
  const id = r.pick(ids);
  if (roll < 0.45) {
    const target = r.chance(0.2) ? null : r.pick(ids);
    moveCell(doc, id, target);
    if (target !== id) expectPlacedAfter(doc, id, target);
  } else if (roll < 0.52) {
    deleteCell(doc, id);
    t.deleted.add(id);
  } else if (roll < 0.85) {
    const text = getCellSource(doc, id)!;
    if (text.length > 0 && r.chance(0.35)) {
      const at = r.int(text.length);
      text.delete(at, Math.min(text.length - at, 1 + r.int(4)));
    } else {
      text.insert(r.int(text.length + 1), r.pick(['a', 'SELECT ', '가', '\n', '`']));
    }
  } else if (roll < 0.91) {
    setCellKind(doc, id, r.pick(kinds));
  } else if (roll < 0.96) {
    setCellName(doc, id, r.pick(names));
  } else {
    setCellSpec(doc, id, r.chance(0.3) ? null : { mark: r.pick(['barY', 'line']), n: r.int(10) });
  }
}

function runFuzz(seed: number, steps: number): { net: SyncNetwork; tracker: Tracker } {
  const r = new Random(seed * 7919 + 1);
  const net = new SyncNetwork({ peers: 3 + (seed % 3), seed });
  const tracker: Tracker = { inserted: new Set(), deleted: new Set() };
  // A shared starting point, as when everyone opens an existing notebook.
  initNotebook(net.docs[0], { title: `fuzz ${seed}` });
  for (let i = 0; i < 4; i++) tracker.inserted.add(insertCell(net.docs[0], { kind: 'markdown', source: `cell ${i}`, id: r.id('c') }));
  net.flush();

  for (let step = 0; step < steps; step++) {
    const roll = r.next();
    if (roll < 0.6) {
      const peer = r.int(net.peerCount);
      randomEdit(net.docs[peer], r, tracker);
    } else if (roll < 0.88) {
      net.deliverRandom(1 + r.int(4));
    } else if (roll < 0.93) {
      net.goOffline(r.int(net.peerCount));
    } else if (roll < 0.97) {
      const split = r.int(1 << net.peerCount);
      net.partition((peer) => (split >> peer) & 1);
    } else {
      net.heal();
    }
  }
  net.flush();
  return { net, tracker };
}

describe('convergence under random delivery, reordering and offline periods', () => {
  const seeds = Array.from({ length: 60 }, (_, i) => i + 1);

  it.each(seeds)('seed %i: all peers converge with no duplicated or lost cells', (seed) => {
    const { net, tracker } = runFuzz(seed, 160);
    net.assertConverged();

    const reference = orderedCellIds(net.docs[0]);
    for (const doc of net.docs) {
      const ids = orderedCellIds(doc);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(reference);
    }
    const expected = [...tracker.inserted].filter((id) => !tracker.deleted.has(id)).sort();
    expect([...reference].sort()).toEqual(expected);
    // The fuzz must actually exercise the network, or this test proves nothing.
    expect(net.delivered).toBeGreaterThan(0);
    net.destroy();
  });

  it('the fuzz runs reach lost messages and equal-key inserts (so both paths are exercised)', () => {
    let dropped = 0;
    let tiedKeys = 0;
    for (const seed of seeds.slice(0, 20)) {
      const { net } = runFuzz(seed, 160);
      dropped += net.dropped;
      const orders = listCells(net.docs[0]).map((c) => c.order);
      tiedKeys += orders.length - new Set(orders).size;
      net.destroy();
    }
    expect(dropped).toBeGreaterThan(0);
    expect(tiedKeys).toBeGreaterThan(0);
  });
});

describe('targeted concurrent cases', () => {
  function threeCells(net: SyncNetwork): [string, string, string] {
    initNotebook(net.docs[0], { title: 't' });
    const a = insertCell(net.docs[0], { kind: 'markdown', source: 'A', id: 'cell_a' });
    const b = insertCell(net.docs[0], { kind: 'sql', source: 'B', id: 'cell_b' });
    const c = insertCell(net.docs[0], { kind: 'markdown', source: 'C', id: 'cell_c' });
    net.flush();
    return [a, b, c];
  }

  it('two peers move the same cell to different places: it appears once, in the same place', () => {
    const net = new SyncNetwork({ peers: 2, seed: 11 });
    const [a, b, c] = threeCells(net);
    net.goOffline(1);
    moveCell(net.docs[0], a, c); // peer 0: B C A
    moveCell(net.docs[1], a, b); // peer 1: B A C
    expect(orderedCellIds(net.docs[0])).toEqual([b, c, a]);
    expect(orderedCellIds(net.docs[1])).toEqual([b, a, c]);
    net.flush();
    net.assertConverged();
    const ids = orderedCellIds(net.docs[0]);
    expect(ids.filter((id) => id === a)).toHaveLength(1);
    expect(ids).toHaveLength(3);
    expect([[b, c, a], [b, a, c]]).toContainEqual(ids);
    net.destroy();
  });

  it('two peers insert at the same spot: both cells appear, in the same order everywhere', () => {
    const net = new SyncNetwork({ peers: 3, seed: 12 });
    const [a, b] = threeCells(net);
    net.goOffline(1);
    net.goOffline(2);
    const x = insertCell(net.docs[1], { kind: 'sql', source: 'X', afterId: a, id: 'cell_x' });
    const y = insertCell(net.docs[2], { kind: 'sql', source: 'Y', afterId: a, id: 'cell_y' });
    // Same neighbours, so the same key: the id breaks the tie.
    expect(listCells(net.docs[1]).find((cell) => cell.id === x)!.order).toBe(
      listCells(net.docs[2]).find((cell) => cell.id === y)!.order,
    );
    net.flush();
    net.assertConverged();
    expect(orderedCellIds(net.docs[0])).toEqual([a, x, y, b, 'cell_c']);

    // Inserting between the two tied cells works and agrees everywhere.
    const z = insertCell(net.docs[2], { kind: 'markdown', source: 'Z', afterId: x, id: 'cell_z' });
    expect(orderedCellIds(net.docs[2])).toEqual([a, x, z, y, b, 'cell_c']);
    net.flush();
    net.assertConverged();
    expect(orderedCellIds(net.docs[1])).toEqual([a, x, z, y, b, 'cell_c']);
    net.destroy();
  });

  it('a move racing a delete of the same cell leaves no trace of it', () => {
    const net = new SyncNetwork({ peers: 2, seed: 13 });
    const [a, b, c] = threeCells(net);
    net.goOffline(1);
    deleteCell(net.docs[0], b);
    moveCell(net.docs[1], b, null);
    getCellSource(net.docs[1], b)!.insert(0, 'edited offline ');
    net.flush();
    net.assertConverged();
    expect(orderedCellIds(net.docs[1])).toEqual([a, c]);
    net.destroy();
  });

  it('concurrent text edits in one cell keep both edits', () => {
    const net = new SyncNetwork({ peers: 2, seed: 14 });
    const [, b] = threeCells(net);
    net.goOffline(0);
    getCellSource(net.docs[0], b)!.insert(0, 'SELECT ');
    getCellSource(net.docs[1], b)!.insert(1, ' FROM t');
    net.flush();
    net.assertConverged();
    expect(getCellSource(net.docs[0], b)!.toString()).toBe('SELECT B FROM t');
    net.destroy();
  });
});
