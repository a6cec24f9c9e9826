/**
 * React hooks over a `NotebookSession`. Each is a `useSyncExternalStore` on state the session
 * (or its awareness) already keeps, so a component re-renders only when what it shows changes.
 */
import { useSyncExternalStore } from 'react';
import type { ConnectionStatus, NotebookSession, SessionState } from './notebookSession.ts';
import type { Peer } from './peers.ts';
import { peerStoreOf } from './peerStore.ts';

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

/**
 * True once the notebook has content to show: first sync, closed, or the offline copy while
 * offline. A boolean, so the page does not render again on every save-state change (each
 * keystroke flips "unsaved" and back: the whole notebook rendered twice per keystroke).
 */
export function useHasContent(session: NotebookSession): boolean {
  return useSessionState(session, (s) => s.isSynced || s.closed !== null || (s.isCacheLoaded && s.status === 'offline'));
}

/** The whole session state (for views that show several parts, e.g. a "closed" banner). */
export function useSessionSnapshot(session: NotebookSession): SessionState {
  return useSessionState(session, (s) => s);
}

/** Other people in this notebook now, sorted by name: `[{clientId, name, color, org, cellId}]`. */
export function usePresence(session: NotebookSession): Peer[] {
  const store = peerStoreOf(session.awareness);
  return useSyncExternalStore(store.subscribe, store.getPeers);
}
