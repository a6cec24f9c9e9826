/**
 * The peer list of one awareness as a tiny external store (`getPeers` + `subscribe`), for
 * `usePresence` and anything else that shows who is here. Recomputed on awareness changes; the
 * same array is kept while nobody joined, left, renamed or changed cell, so cursor moves (which
 * change awareness too) do not re-render avatars.
 */
import type { Awareness } from 'y-protocols/awareness';
import { isSamePeerList, peersFromAwareness, type Peer } from './peers.ts';

export interface PeerStore {
  getPeers(): Peer[];
  subscribe(listener: () => void): () => void;
}

const stores = new WeakMap<Awareness, PeerStore>();

/** The store of `awareness` (one per awareness; it lives as long as the awareness does). */
export function peerStoreOf(awareness: Awareness): PeerStore {
  const existing = stores.get(awareness);
  if (existing) return existing;
  const listeners = new Set<() => void>();
  const compute = () => peersFromAwareness(awareness.getStates() as Map<number, unknown>, awareness.clientID);
  let peers = compute();
  awareness.on('change', () => {
    const next = compute();
    if (isSamePeerList(next, peers)) return;
    peers = next;
    for (const l of listeners) l();
  });
  const store: PeerStore = {
    getPeers: () => peers,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  stores.set(awareness, store);
  return store;
}
