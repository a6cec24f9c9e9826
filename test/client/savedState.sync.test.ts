import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  decodeStateVector,
  initialSavedTracker,
  isCovered,
  isSaved,
  mergeStateVectors,
  missingFrom,
  onLocalDeletion,
  onServerHolds,
  onServerSaved,
} from '../../shared/savedState.ts';

const sv = (entries: [number, number][]) => new Map(entries);

describe('state vectors', () => {
  it('decodes what Y.encodeStateVector writes', () => {
    const a = new Y.Doc();
    a.clientID = 7;
    a.getText('t').insert(0, 'hello');
    const b = new Y.Doc();
    b.clientID = 300000;
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    b.getText('t').insert(5, '!!');
    expect(decodeStateVector(Y.encodeStateVector(b))).toEqual(sv([[7, 5], [300000, 2]]));
    expect(decodeStateVector(Y.encodeStateVector(new Y.Doc()))).toEqual(new Map());
  });

  it('is covered only when the remote holds every client clock', () => {
    expect(isCovered(sv([[1, 3]]), sv([[1, 3], [2, 9]]))).toBe(true);
    expect(isCovered(sv([[1, 3], [2, 1]]), sv([[1, 3]]))).toBe(false);
    expect(isCovered(sv([[1, 4]]), sv([[1, 3]]))).toBe(false);
    expect(isCovered(new Map(), new Map())).toBe(true);
    expect(missingFrom(sv([[1, 4], [2, 2], [3, 1]]), sv([[1, 3], [2, 2]]))).toEqual(sv([[1, 4], [3, 1]]));
  });

  it('merges by pointwise maximum without touching its inputs', () => {
    const a = sv([[1, 3], [2, 5]]);
    const merged = mergeStateVectors(a, sv([[1, 4], [2, 1], [3, 2]]));
    expect(merged).toEqual(sv([[1, 4], [2, 5], [3, 2]]));
    expect(a).toEqual(sv([[1, 3], [2, 5]]));
  });
});

describe('saved tracker', () => {
  it('is saved when nothing local exists and unsaved after a local insert until the server acks it', () => {
    const doc = new Y.Doc();
    const local = () => decodeStateVector(Y.encodeStateVector(doc));
    let t = initialSavedTracker;
    expect(isSaved(t, local())).toBe(true);
    doc.getText('t').insert(0, 'abc');
    expect(isSaved(t, local())).toBe(false);
    t = onServerSaved(t, sv([[doc.clientID, 2]]));
    expect(isSaved(t, local())).toBe(false);
    t = onServerSaved(t, decodeStateVector(Y.encodeStateVector(doc)));
    expect(isSaved(t, local())).toBe(true);
  });

  it('keeps edits of an earlier page load (another client id, read from the offline cache) unsaved until acked', () => {
    const earlier = new Y.Doc();
    earlier.getText('t').insert(0, 'offline');
    const now = new Y.Doc();
    Y.applyUpdate(now, Y.encodeStateAsUpdate(earlier));
    const t = onServerHolds(initialSavedTracker, sv([[now.clientID, 0]]));
    expect(isSaved(t, decodeStateVector(Y.encodeStateVector(now)))).toBe(false);
    const acked = onServerSaved(t, decodeStateVector(Y.encodeStateVector(earlier)));
    expect(isSaved(acked, decodeStateVector(Y.encodeStateVector(now)))).toBe(true);
  });

  it('treats a deletion (which moves no clock) as unsaved until the next ack', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'abc');
    const full = decodeStateVector(Y.encodeStateVector(doc));
    let t = onServerSaved(initialSavedTracker, full);
    doc.getText('t').delete(0, 1);
    expect(decodeStateVector(Y.encodeStateVector(doc))).toEqual(full);
    t = onLocalDeletion(t);
    expect(isSaved(t, full)).toBe(false);
    t = onServerHolds(t, full);
    expect(isSaved(t, full)).toBe(false);
    t = onServerSaved(t, full);
    expect(isSaved(t, full)).toBe(true);
  });
});
