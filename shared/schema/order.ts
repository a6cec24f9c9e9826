/**
 * Cell order: every cell carries a fractional index key (`order`, from the `fractional-indexing`
 * package) and the notebook shows cells sorted by (order, id).
 *
 * Why not a Y.Array of ids: Yjs has no move, and "delete + insert" run concurrently by two people
 * duplicates the cell. With keys, a move rewrites one string on one cell (last writer wins), so a
 * cell can never appear twice or vanish.
 *
 * Concurrent inserts between the same two neighbours generate the same key. The id breaks the tie,
 * so every peer still sees the same total order. Inserting *between* two equal keys has no key
 * strictly between them, so `planPlacement` re-keys the smallest set that makes room: the new cell
 * plus the tied cells that must follow it (see below).
 *
 * @example
 *   const plan = planPlacement([{ id: 'a', order: 'a0' }, { id: 'b', order: 'a1' }], 1);
 *   plan.key      // 'a0V' (sorts between a0 and a1)
 *   plan.rekeyed  // Map {} (nothing else moves)
 */
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

export interface Ordered {
  id: string;
  order: string;
}

/** Total order on cells: by key (code-unit order, as fractional-indexing assumes), then by id. */
export function compareOrdered(a: Ordered, b: Ordered): number {
  if (a.order !== b.order) return a.order < b.order ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

export function sortOrdered<T extends Ordered>(items: readonly T[]): T[] {
  return [...items].sort(compareOrdered);
}

export interface Placement {
  /** The key for the cell being placed. */
  key: string;
  /** Other cells whose key must change (id -> new key); empty unless keys were tied or broken. */
  rekeyed: Map<string, string>;
}

/**
 * Where to put a cell so it lands at `index` of `sorted` (which must NOT contain that cell and
 * must be sorted by `compareOrdered`).
 *
 * - Neighbours with different keys: one new key between them, nobody else changes.
 * - Neighbours with the same key k (a past concurrent insert): the cells tied at k that come
 *   after `index` get fresh keys above k, after the new cell's key, and below the next distinct
 *   key. The tied cells before `index` keep k; they still sort before the new key.
 * - A key that is not a valid fractional index (written by an old or broken client): every cell is
 *   re-keyed in the current order, because no key can be generated next to an invalid one.
 */
export function planPlacement(sorted: readonly Ordered[], index: number): Placement {
  const at = Math.max(0, Math.min(index, sorted.length));
  try {
    return planBetween(sorted, at);
  } catch {
    const keys = generateNKeysBetween(null, null, sorted.length + 1);
    const rekeyed = new Map<string, string>();
    let k = 0;
    let key = '';
    for (let i = 0; i <= sorted.length; i++) {
      if (i === at) key = keys[k++];
      if (i < sorted.length) rekeyed.set(sorted[i].id, keys[k++]);
    }
    return { key, rekeyed };
  }
}

function planBetween(sorted: readonly Ordered[], at: number): Placement {
  const prev = at > 0 ? sorted[at - 1].order : null;
  const next = at < sorted.length ? sorted[at].order : null;
  if (prev === null || next === null || prev !== next) {
    return { key: generateKeyBetween(prev, next), rekeyed: new Map() };
  }
  let end = at;
  while (end < sorted.length && sorted[end].order === prev) end++;
  const upper = end < sorted.length ? sorted[end].order : null;
  const keys = generateNKeysBetween(prev, upper, 1 + end - at);
  const rekeyed = new Map<string, string>();
  for (let i = at; i < end; i++) rekeyed.set(sorted[i].id, keys[1 + i - at]);
  return { key: keys[0], rekeyed };
}

/** `count` ascending keys for a fresh list (file import, migrations). */
export function initialKeys(count: number): string[] {
  return generateNKeysBetween(null, null, count);
}
