import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { peerStoreOf } from '../../client/sync/peerStore.ts';

/** Two people's awareness, wired to each other the way a provider relays updates. */
function pair() {
  const a = new Awareness(new Y.Doc());
  const b = new Awareness(new Y.Doc());
  for (const [from, to] of [[a, b], [b, a]] as const) {
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'remote');
    });
  }
  return { a, b };
}

describe('peer store', () => {
  it('lists the other person and notifies only when who or where changes', () => {
    const { a, b } = pair();
    const store = peerStoreOf(b);
    expect(peerStoreOf(b)).toBe(store);
    let notified = 0;
    store.subscribe(() => notified++);
    a.setLocalState({ user: { name: '김민지', color: '#aa3300', org: '마포' }, cellId: null });
    expect(store.getPeers()).toEqual([{ clientId: a.clientID, name: '김민지', color: '#aa3300', org: '마포', cellId: null }]);
    expect(notified).toBe(1);

    const before = store.getPeers();
    a.setLocalStateField('selection', { anchor: 1, head: 2 });
    expect(store.getPeers()).toBe(before);
    expect(notified).toBe(1);

    a.setLocalStateField('cellId', 'c1');
    expect(store.getPeers()[0].cellId).toBe('c1');
    expect(notified).toBe(2);

    a.setLocalState(null);
    expect(store.getPeers()).toEqual([]);
    expect(notified).toBe(3);
  });

  it('does not list itself', () => {
    const { b } = pair();
    b.setLocalState({ user: { name: 'me', color: '#000000', org: '' }, cellId: null });
    expect(peerStoreOf(b).getPeers()).toEqual([]);
  });
});
