/**
 * A deterministic notebook history for the cold-load case: 200 cells (~1 MB of text) written by
 * five authors, then 10,000 small edits (inserts and deletes) — every step one Yjs update, as the
 * server would have received them. Seeded, so every run loads the same bytes.
 */
import * as Y from 'yjs';
import { initNotebook, insertCell, getCellSource, orderedCellIds } from '../shared/schema/notebook.ts';
import { mulberry32 } from '../test/harness/seededRandom.ts';

const words = ['SELECT', 'gu', 'count(*)', 'FROM', 'rentals', 'WHERE', 'year', '=', '2025', 'GROUP BY', '대여소', '자치구', '따릉이', '이용', '건수', 'AND', 'ORDER BY', 'n', 'DESC'];

function text(rand: () => number, length: number): string {
  let s = '';
  while (s.length < length) s += words[Math.floor(rand() * words.length)] + (rand() < 0.1 ? '\n' : ' ');
  return s.slice(0, length);
}

export function generateHistory(opts: { cells?: number; cellChars?: number; edits?: number; seed?: number } = {}): Uint8Array[] {
  const rand = mulberry32(opts.seed ?? 42);
  const authors = Array.from({ length: 5 }, (_, i) => {
    const doc = new Y.Doc();
    doc.clientID = 1000 + i;
    return doc;
  });
  const history: Uint8Array[] = [];
  // Each author's update goes to the others too, so later edits build on everything before.
  // (Captured from the `update` event: O(change), unlike encodeStateAsUpdate(doc, vector), which
  // rescans the whole delete set every time.)
  const remote = Symbol('remote');
  for (const author of authors) {
    author.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === remote) return;
      history.push(update);
      for (const other of authors) if (other !== author) Y.applyUpdate(other, update, remote);
    });
  }
  const record = (_from: Y.Doc, edit: () => void) => edit();
  record(authors[0], () => initNotebook(authors[0], { title: '서울 따릉이 이용 분석' }));
  const cells = opts.cells ?? 200;
  for (let i = 0; i < cells; i++) {
    const author = authors[i % authors.length];
    record(author, () => insertCell(author, {
      kind: i % 4 === 0 ? 'markdown' : 'sql',
      id: `cell-${String(i).padStart(4, '0')}`,
      source: text(rand, opts.cellChars ?? 3300),
    }));
  }
  const ids = orderedCellIds(authors[0]);
  for (let j = 0; j < (opts.edits ?? 10_000); j++) {
    const author = authors[Math.floor(rand() * authors.length)];
    const source = getCellSource(author, ids[Math.floor(rand() * ids.length)]);
    if (!source) continue;
    const at = Math.floor(rand() * source.length);
    record(author, () => {
      if (rand() < 0.25 && source.length - at > 8) source.delete(at, 1 + Math.floor(rand() * 8));
      else source.insert(at, text(rand, 1 + Math.floor(rand() * 12)));
    });
  }
  return history;
}

/** Length-prefixed (u32 LE) concatenation. */
export function writeHistory(updates: Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const u of updates) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(u.byteLength);
    parts.push(len, Buffer.from(u));
  }
  return Buffer.concat(parts);
}

export function readHistory(buf: Buffer): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < buf.length;) {
    const len = buf.readUInt32LE(off);
    off += 4;
    out.push(new Uint8Array(buf.buffer, buf.byteOffset + off, len));
    off += len;
  }
  return out;
}
