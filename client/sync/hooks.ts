/**
 * React hooks over a `NotebookSession`. Each is a `useSyncExternalStore` on state the session
 * (or its awareness) already keeps, so a component re-renders only when what it shows changes.
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionStatus, NotebookSession, SessionState } from './notebookSession.ts';
import { isSamePeerList, peersFromAwareness, type Peer } from './peers.ts';

export { setActiveCell } from './notebookSession.ts';

function useSessionState<T>(session: NotebookSession, select: (s: SessionState) => T): T {
  return useSyncExternalStore(session.subscribe, () => select(session.getState()));
}

export function useConnectionStatus(session: NotebookSession): ConnectionStatus {
  return useSessionState(session, (s) => s.status);
}

/** True only when the server has durably stored every change this browser holds. */
export function useSavedState(session: NotebookSession): boolean {
  return useSessionState(session, (s) => s.isSaved);
}

export function useReadOnly(session: NotebookSession): { readOnly: boolean; reason: string | null } {
  const readOnly = useSessionState(session, (s) => s.isReadOnly);
  const reason = useSessionState(session, (s) => s.readOnlyReason);
  return { readOnly, reason };
}

/** The whole session state (for views that show several parts, e.g. a "closed" banner). */
export function useSessionSnapshot(session: NotebookSession): SessionState {
  return useSessionState(session, (s) => s);
}

interface PeerStore {
  peers: Peer[];
  subscribe(listener: () => void): () => void;
}

const peerStores = new WeakMap<NotebookSession, PeerStore>();

/** One peer list per session, recomputed on awareness changes and kept if nobody moved. */
function peerStoreOf(session: NotebookSession): PeerStore {
  const existing = peerStores.get(session);
  if (existing) return existing;
  const { awareness } = session;
  const listeners = new Set<() => void>();
  const compute = () => peersFromAwareness(awareness.getStates() as Map<number, unknown>, awareness.clientID);
  const store: PeerStore = {
    peers: compute(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  // Lives as long as the awareness (the session); cursor moves change awareness but not the list.
  awareness.on('change', () => {
    const next = compute();
    if (isSamePeerList(next, store.peers)) return;
    store.peers = next;
    for (const l of listeners) l();
  });
  peerStores.set(session, store);
  return store;
}

/** Other people in this notebook now, sorted by name: `[{clientId, name, color, org, cellId}]`. */
export function usePresence(session: NotebookSession): Peer[] {
  const store = peerStoreOf(session);
  return useSyncExternalStore(store.subscribe, () => store.peers);
}
