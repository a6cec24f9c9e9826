/**
 * One open notebook in this browser tab: the Y.Doc, its websocket provider (`/collab/<id>`),
 * the IndexedDB cache that keeps offline edits, per-user undo and presence. The React views
 * read it through `hooks.ts`; everything observable lives in one small state object with a
 * subscribe function, so the hooks are thin `useSyncExternalStore` wrappers and node tests can
 * drive a real session without React.
 *
 * Madang's protocol extras (see `shared/protocol.ts`): we connect with `ack=1`, the server
 * answers with message 100 `saved` (its durable state vector) after storing our updates and
 * with 101 `readOnly` (reason) when this connection may not write.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { IndexeddbPersistence } from 'y-indexeddb';
import type { Awareness } from 'y-protocols/awareness';
import * as decoding from 'lib0/decoding';
import { messageType } from '../../shared/protocol.ts';
import {
  decodeStateVector,
  initialSavedTracker,
  isSaved,
  onLocalDeletion,
  onServerHolds,
  onServerSaved,
  type SavedTracker,
  type StateVector,
} from '../../shared/savedState.ts';
import { getNotebookRoots } from '../../shared/schema/notebook.ts';
import type { PresenceState } from './peers.ts';

export type ConnectionStatus = 'connecting' | 'connected' | 'offline';

/** Everything the views show about the session, replaced (never mutated) on change. */
export interface SessionState {
  status: ConnectionStatus;
  /** The server holds every change this browser has (see `shared/savedState.ts`). */
  isSaved: boolean;
  /** The server said this connection may not write; edits would be dropped. */
  isReadOnly: boolean;
  readOnlyReason: string | null;
  /** The first sync with the server finished on the current connection. */
  isSynced: boolean;
  /** The IndexedDB cache was read into the doc (content may show before the server answers). */
  isCacheLoaded: boolean;
  /** The server closed the socket for good (4xx close code: no access, not found, signed out). */
  closed: { code: number; reason: string } | null;
}

export interface NotebookUser {
  /** Keys the offline cache, so a shared browser never shows one person's copy to another. */
  userId?: string;
  name: string;
  color: string;
  orgName?: string;
}

export interface NotebookSession {
  notebookId: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  awareness: Awareness;
  /** Undo/redo of this person's own edits only (remote edits are never undone). */
  undoManager: Y.UndoManager;
  /** Pass as the transaction origin of every local edit (`doc.transact(fn, localOrigin)`) so it is undoable. */
  localOrigin: object;
  getState(): SessionState;
  subscribe(listener: () => void): () => void;
  destroy(): void;
}

export interface SessionOptions {
  /** Collab endpoint without the notebook id; default `ws(s)://<this host>/collab`. */
  serverUrl?: string;
  /** For node tests (the `ws` package); browsers use their own WebSocket. */
  WebSocketPolyfill?: typeof WebSocket;
  /** Keep an offline copy in IndexedDB (default true; needs `indexedDB`). */
  persist?: boolean;
}

/** The collab URL for the current page: same origin, so the session cookie goes along. */
export function defaultCollabUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/collab`;
}

/**
 * IndexedDB database name of a notebook's offline copy: per person when the user id is known
 * (`madang-<userId>-<notebookId>`), because a browser may be shared and the cache is read before
 * the server has checked who may see what.
 */
export function cacheName(notebookId: string, userId?: string): string {
  return userId ? `madang-${userId}-${notebookId}` : `madang-${notebookId}`;
}

/**
 * Deletes every notebook's offline copy in this browser (e.g. on sign-out on a shared computer).
 * Unsaved offline edits in them are lost, so call it only after the person confirmed.
 */
export async function clearOfflineCaches(idb: IDBFactory = indexedDB): Promise<number> {
  const names = (await idb.databases()).map((d) => d.name ?? '').filter((n) => n.startsWith('madang-'));
  await Promise.all(names.map((name) => new Promise<void>((resolve, reject) => {
    const req = idb.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve(); // an open tab still uses it; it is removed once that tab closes
  })));
  return names.length;
}

export function openNotebookSession(notebookId: string, user: NotebookUser, options: SessionOptions = {}): NotebookSession {
  const doc = new Y.Doc();
  const roots = getNotebookRoots(doc);
  const localOrigin = { madang: 'local-edit' };
  const serverUrl = options.serverUrl ?? defaultCollabUrl(globalThis.location);
  const provider = new WebsocketProvider(serverUrl, notebookId, doc, {
    params: { ack: '1' },
    // Cross-tab BroadcastChannel sync would hand us updates that never went through the server,
    // and we count whatever arrives through the provider as stored. Tabs sync via the server.
    disableBc: true,
    ...(options.WebSocketPolyfill ? { WebSocketPolyfill: options.WebSocketPolyfill } : {}),
  });
  const awareness = provider.awareness;
  // Cells and meta: a title typed or an extract pin moved is undone like a cell edit (own edits only).
  const undoManager = new Y.UndoManager([roots.cells, roots.meta], { trackedOrigins: new Set([localOrigin]), captureTimeout: 400 });
  const cache = options.persist === false ? null : new IndexeddbPersistence(cacheName(notebookId, user.userId), doc);

  let tracker: SavedTracker = initialSavedTracker;
  let state: SessionState = {
    status: 'connecting',
    isSaved: false,
    isReadOnly: false,
    readOnlyReason: null,
    isSynced: false,
    isCacheLoaded: false,
    closed: null,
  };
  const listeners = new Set<() => void>();
  const update = (patch: Partial<SessionState>) => {
    const next = { ...state, ...patch };
    next.isSaved = isSaved(tracker, localVector(doc));
    if ((Object.keys(next) as (keyof SessionState)[]).every((k) => next[k] === state[k])) return;
    state = next;
    for (const l of listeners) l();
  };

  // --- protocol extras and "what the server holds" ---
  const syncHandler = provider.messageHandlers[messageType.sync];
  provider.messageHandlers[messageType.sync] = (encoder, decoder, p, emitSynced, type) => {
    // Peek: the server's sync step 1 carries its state vector, i.e. what it has stored.
    const peek = decoding.clone(decoder);
    if (decoding.readVarUint(peek) === 0 /* y-protocols messageYjsSyncStep1 */) {
      tracker = onServerHolds(tracker, decodeStateVector(decoding.readVarUint8Array(peek)));
    }
    syncHandler(encoder, decoder, p, emitSynced, type);
    update({});
  };
  provider.messageHandlers[messageType.saved] = (_encoder, decoder) => {
    tracker = onServerSaved(tracker, decodeStateVector(decoding.readVarUint8Array(decoder)));
    update({});
  };
  provider.messageHandlers[messageType.readOnly] = (_encoder, decoder) => {
    update({ isReadOnly: true, readOnlyReason: decoding.hasContent(decoder) ? decoding.readVarString(decoder) : null });
  };

  const onAfterTransaction = (tr: Y.Transaction) => {
    if (tr.origin === provider) {
      // The server stores updates before it relays them: what it sent us is durable.
      const grown: StateVector = new Map();
      tr.afterState.forEach((clock, client) => {
        if (clock > (tr.beforeState.get(client) ?? 0)) grown.set(client, clock);
      });
      if (grown.size > 0) tracker = onServerHolds(tracker, grown);
    } else if (tr.deleteSet.clients.size > 0) {
      // Deletions move no clock, so only a later `saved` ack can confirm them. That includes
      // deletions read back from IndexedDB: they go up in the next sync step 2, which the server
      // acknowledges like any update (even when it already had them).
      tracker = onLocalDeletion(tracker);
    }
    update({});
  };
  doc.on('afterTransaction', onAfterTransaction);

  const onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
    const mapped: ConnectionStatus = status === 'disconnected' ? 'offline' : status;
    // A new connection starts without a read-only verdict; the server repeats it if it still holds.
    update(mapped === 'connected' ? { status: mapped, isReadOnly: false, readOnlyReason: null } : { status: mapped, isSynced: false });
  };
  const onSync = (isSynced: boolean) => update({ isSynced });
  const onClosed = (event: { code: number; reason: string }) => update({ closed: event, status: 'offline' });
  provider.on('status', onStatus);
  provider.on('sync', onSync);
  provider.on('closed', onClosed);
  cache?.on('synced', () => update({ isCacheLoaded: true }));
  if (!cache) update({ isCacheLoaded: true });

  // The browser knows about lost networks before the socket times out (30 s in y-websocket);
  // drop the socket at once so the badge says offline, and reconnect when the network is back.
  const win = typeof window !== 'undefined' ? window : null;
  const onOffline = () => provider.disconnect();
  const onOnline = () => provider.connect();
  win?.addEventListener('offline', onOffline);
  win?.addEventListener('online', onOnline);

  const presence: PresenceState = { user: { name: user.name, color: user.color, org: user.orgName ?? '' }, cellId: null };
  awareness.setLocalStateField('user', presence.user);
  awareness.setLocalStateField('cellId', null);

  return {
    notebookId,
    doc,
    provider,
    awareness,
    undoManager,
    localOrigin,
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      win?.removeEventListener('offline', onOffline);
      win?.removeEventListener('online', onOnline);
      doc.off('afterTransaction', onAfterTransaction);
      provider.off('status', onStatus);
      provider.off('sync', onSync);
      provider.off('closed', onClosed);
      undoManager.destroy();
      provider.destroy();
      void cache?.destroy();
      doc.destroy();
      listeners.clear();
    },
  };
}

/** This doc's state vector. */
function localVector(doc: Y.Doc): StateVector {
  return Y.decodeStateVector(Y.encodeStateVector(doc));
}

/** Announces which cell this person is in (null: none); presence markers follow it. */
export function setActiveCell(session: NotebookSession, cellId: string | null): void {
  if (session.awareness.getLocalState()?.cellId !== cellId) session.awareness.setLocalStateField('cellId', cellId);
}
