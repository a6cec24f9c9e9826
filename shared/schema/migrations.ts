/**
 * Up-migrations of a notebook doc, by `meta.schemaVersion` (tldraw's TLDocument style: an ordered
 * list of steps, each taking the doc from version n-1 to n, run in one transaction).
 *
 * A doc with no `schemaVersion` is version 0: a notebook written before the schema was versioned.
 * A doc newer than this code (`schemaVersion > SCHEMA_VERSION`) is refused, not touched: an old
 * client "fixing" a new doc would overwrite fields it does not understand.
 *
 * Migrations must be idempotent and merge-safe, because two peers may run the same step on the
 * same items concurrently: they only fill in missing or malformed fields with values derived from
 * what is there, so concurrent runs write equal values (last writer wins on equal data). Run them
 * on the server when a room loads, before the first sync, so normally only one peer ever does.
 *
 * @example
 *   migrateDoc(doc) // { from: 0, to: 1 } the first time, then { from: 1, to: 1 } (and writes nothing)
 */
import * as Y from 'yjs';
import { MadangError } from '../errors.ts';
import { SCHEMA_VERSION, getNotebookRoots, isCellKind, readMeta } from './notebook.ts';
import { compareOrdered, initialKeys, type Ordered } from './order.ts';
import { generateKeyBetween } from 'fractional-indexing';

/** Origin of the transaction a migration runs in (so observers and undo managers can ignore it). */
export const migrationOrigin = Symbol('madang.migration');

export interface Migration {
  /** The version this step produces. */
  to: number;
  description: string;
  up(doc: Y.Doc): void;
}

function isValidKey(key: unknown): key is string {
  if (typeof key !== 'string' || key === '') return false;
  try {
    generateKeyBetween(key, null);
    return true;
  } catch {
    return false;
  }
}

export const migrations: readonly Migration[] = [
  {
    to: 1,
    description: 'meta defaults; every cell gets kind, name, a valid order key, a Y.Text source and spec',
    up(doc) {
      const { meta, cells } = getNotebookRoots(doc);
      if (typeof meta.get('title') !== 'string') meta.set('title', '');
      const lang = meta.get('lang');
      if (lang !== 'ko' && lang !== 'en') meta.set('lang', 'ko');
      if (meta.get('problemId') !== null && typeof meta.get('problemId') !== 'string') meta.set('problemId', null);
      const extracts = meta.get('extracts');
      if (!Array.isArray(extracts) || extracts.some((e) => typeof e !== 'string')) {
        meta.set('extracts', Array.isArray(extracts) ? extracts.filter((e) => typeof e === 'string') : []);
      }

      const needKeys: Ordered[] = [];
      cells.forEach((cell, id) => {
        if (!(cell instanceof Y.Map)) return;
        if (!isCellKind(cell.get('kind'))) cell.set('kind', 'markdown');
        if (typeof cell.get('name') !== 'string') cell.set('name', '');
        const source = cell.get('source');
        if (!(source instanceof Y.Text)) cell.set('source', new Y.Text(typeof source === 'string' ? source : ''));
        if (cell.get('spec') === undefined) cell.set('spec', null);
        const order = cell.get('order');
        if (!isValidKey(order)) needKeys.push({ id, order: typeof order === 'string' ? order : '' });
      });
      if (needKeys.length > 0) {
        // Re-key everything in the order readers showed before (by old key, then id), so nothing
        // jumps; keys are fresh, so mixing old invalid and new valid keys cannot happen.
        const all: Ordered[] = [];
        cells.forEach((cell, id) => {
          if (!(cell instanceof Y.Map)) return;
          const order = cell.get('order');
          all.push({ id, order: typeof order === 'string' ? order : '' });
        });
        all.sort(compareOrdered);
        const keys = initialKeys(all.length);
        all.forEach((e, i) => cells.get(e.id)?.set('order', keys[i]));
      }
    },
  },
];

/** Brings `doc` up to SCHEMA_VERSION. Writes nothing when it is already current. */
export function migrateDoc(doc: Y.Doc): { from: number; to: number } {
  const from = readMeta(doc).schemaVersion;
  if (from > SCHEMA_VERSION) {
    throw new MadangError('conflict', {
      ko: `이 노트북은 더 새로운 버전(${from})에서 만들어졌습니다. 마당을 업데이트하세요 (지원: ${SCHEMA_VERSION})`,
      en: `this notebook was made by a newer version (schema ${from}); update Madang (supports ${SCHEMA_VERSION})`,
    });
  }
  if (from === SCHEMA_VERSION) return { from, to: from };
  doc.transact(() => {
    for (const m of migrations) if (m.to > from && m.to <= SCHEMA_VERSION) m.up(doc);
    getNotebookRoots(doc).meta.set('schemaVersion', SCHEMA_VERSION);
  }, migrationOrigin);
  return { from, to: SCHEMA_VERSION };
}
