/**
 * A real `NotebookSession` (y-websocket provider, IndexedDB cache via fake-indexeddb, undo,
 * awareness, Madang's saved/readOnly messages) against the real server (`startServer`: collab
 * rooms on SQLite, accounts, sharing) over 127.0.0.1 websockets, signed in with session cookies.
 */
import 'fake-indexeddb/auto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cacheName, clearOfflineCaches, defaultCollabUrl, openNotebookSession, setActiveCell, type NotebookSession, type SessionState } from '../../client/sync/notebookSession.ts';
import { peersFromAwareness } from '../../client/sync/peers.ts';
import { getCellSource, insertCell, moveCell, orderedCellIds } from '../../shared/schema/notebook.ts';
import { startTestServer, type TestClient, type TestServer } from '../harness/testServer.ts';

let server: TestServer;
let owner: TestClient;
let editor: TestClient;
let viewer: TestClient;
let stranger: TestClient;
const open: NotebookSession[] = [];

beforeAll(async () => {
  server = await startTestServer();
  owner = await server.signUpAndIn({ name: '김민지', org: '마포 시민모임' });
  editor = await server.signUpAndIn({ name: 'Alice', org: 'Seoul Data Lab', orgKind: 'expert' });
  viewer = await server.signUpAndIn({ name: '구경꾼' });
  stranger = await server.signUpAndIn({ name: 'Stranger' });
});

afterEach(() => {
  for (const s of open.splice(0)) s.destroy();
});

afterAll(async () => {
  await server?.close();
});

/** A fresh notebook owned by `owner`, shared with `editor` (editor) and `viewer` (viewer). */
async function newNotebook(): Promise<string> {
  const res = await owner.post('/api/notebooks', { title: '세션 테스트' });
  expect(res.status).toBe(201);
  const id = res.json<{ id: string }>().id;
  for (const [who, role] of [[editor, 'editor'], [viewer, 'viewer']] as const) {
    const shared = await owner.post(`/api/notebooks/${id}/members`, { email: who.user!.email, role });
    expect(shared.status, shared.text).toBeLessThan(300);
  }
  return id;
}

/** A WebSocket class that carries this person's session cookie, as a browser would. */
function socketFor(client: TestClient): typeof globalThis.WebSocket {
  const cookie = client.cookie ?? '';
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  }
  return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}

function connect(id: string, client: TestClient, options: { serverUrl?: string } = {}): NotebookSession {
  const v = client.user!.viewer;
  const s = openNotebookSession(id, { userId: v.userId, name: v.name, color: '#2e9d57', orgName: 'Org' }, {
    serverUrl: options.serverUrl ?? server.collabUrl,
    WebSocketPolyfill: socketFor(client),
  });
  open.push(s);
  return s;
}

/** Resolves when `pred` holds for the session state (checked on every change). */
function until(s: NotebookSession, pred: (st: SessionState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (pred(s.getState())) return resolve();
    const off = s.subscribe(() => {
      if (pred(s.getState())) { off(); resolve(); }
    });
  });
}

/** Polls a condition on the event loop (network delivery); the test timeout bounds it. */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

async function pair(): Promise<[NotebookSession, NotebookSession, string]> {
  const id = await newNotebook();
  const a = connect(id, owner);
  const b = connect(id, editor);
  await Promise.all([until(a, (s) => s.isSynced), until(b, (s) => s.isSynced)]);
  return [a, b, id];
}

describe('notebook session', () => {
  it('connects, syncs cells and text both ways', async () => {
    const [a, b] = await pair();
    expect(a.getState().status).toBe('connected');
    const cell = insertCell(a.doc, { kind: 'sql', source: 'select 1' }, a.localOrigin);
    await eventually(() => getCellSource(b.doc, cell)?.toString() === 'select 1');
    getCellSource(b.doc, cell)!.insert(8, ' as one');
    await eventually(() => getCellSource(a.doc, cell)?.toString() === 'select 1 as one');
  });

  it('shows saved only after the server acknowledges the change, deletions included', async () => {
    const [a] = await pair();
    await until(a, (s) => s.isSaved);
    const cell = insertCell(a.doc, { kind: 'sql', source: 'abc' }, a.localOrigin);
    expect(a.getState().isSaved).toBe(false);
    await until(a, (s) => s.isSaved);
    // A deletion moves no Yjs clock; it must still wait for the ack.
    a.doc.transact(() => getCellSource(a.doc, cell)!.delete(0, 1), a.localOrigin);
    expect(a.getState().isSaved).toBe(false);
    await until(a, (s) => s.isSaved);
    const stored = await owner.get(`/api/notebooks/${a.notebookId}/export`);
    expect(stored.text).toContain('bc');
    expect(stored.text).not.toContain('abc');
  });

  it('undoes only this person’s edits', async () => {
    const [a, b] = await pair();
    const cell = insertCell(a.doc, { kind: 'sql', source: '' }, a.localOrigin);
    a.undoManager.stopCapturing();
    await eventually(() => getCellSource(b.doc, cell) !== undefined);
    a.doc.transact(() => getCellSource(a.doc, cell)!.insert(0, 'mine '), a.localOrigin);
    await eventually(() => getCellSource(b.doc, cell)!.toString() === 'mine ');
    b.doc.transact(() => getCellSource(b.doc, cell)!.insert(5, 'theirs'), b.localOrigin);
    await eventually(() => getCellSource(a.doc, cell)!.toString() === 'mine theirs');
    a.undoManager.undo();
    expect(getCellSource(a.doc, cell)!.toString()).toBe('theirs');
    await eventually(() => getCellSource(b.doc, cell)!.toString() === 'theirs');
    a.undoManager.redo();
    expect(getCellSource(a.doc, cell)!.toString()).toBe('mine theirs');
  });

  it('shares presence: names, organisation and the active cell', async () => {
    const [a, b] = await pair();
    const peersOf = (s: NotebookSession) => peersFromAwareness(s.awareness.getStates() as Map<number, unknown>, s.doc.clientID);
    setActiveCell(a, 'cell-1');
    await eventually(() => peersOf(b).some((p) => p.name === '김민지' && p.cellId === 'cell-1' && p.org === 'Org'));
    setActiveCell(a, null);
    await eventually(() => peersOf(b).some((p) => p.name === '김민지' && p.cellId === null));
    expect(peersOf(a).map((p) => p.name)).toEqual(['Alice']);
  });

  it('keeps offline edits and merges them on reconnect without losing or duplicating cells', async () => {
    const [a, b] = await pair();
    const c1 = insertCell(a.doc, { kind: 'sql', source: 'one' }, a.localOrigin);
    const c2 = insertCell(a.doc, { kind: 'sql', source: 'two', afterId: c1 }, a.localOrigin);
    await eventually(() => orderedCellIds(b.doc).length === 2);

    a.provider.disconnect();
    await until(a, (s) => s.status === 'offline');
    const c3 = insertCell(a.doc, { kind: 'markdown', source: 'offline note', afterId: c2 }, a.localOrigin);
    moveCell(a.doc, c2, null, a.localOrigin);
    getCellSource(b.doc, c1)!.insert(3, ' online');
    moveCell(b.doc, c1, c2, b.localOrigin);
    expect(a.getState().isSaved).toBe(false);

    a.provider.connect();
    await until(a, (s) => s.isSynced);
    await eventually(() => orderedCellIds(b.doc).length === 3 && orderedCellIds(a.doc).join() === orderedCellIds(b.doc).join()
      && getCellSource(a.doc, c1)!.toString() === 'one online');
    expect(new Set(orderedCellIds(a.doc))).toEqual(new Set([c1, c2, c3]));
    expect(getCellSource(b.doc, c3)!.toString()).toBe('offline note');
    await until(a, (s) => s.isSaved);
  });

  it('reads the offline copy from IndexedDB in a new page load and saves it when back online', async () => {
    const id = await newNotebook();
    const a = connect(id, owner);
    await until(a, (s) => s.isCacheLoaded && s.isSynced);
    a.provider.disconnect();
    const cell = insertCell(a.doc, { kind: 'sql', source: 'kept in the browser' }, a.localOrigin);
    // y-indexeddb writes each update in its own IndexedDB transaction; give it a turn to land.
    await new Promise((r) => setTimeout(r, 50));
    a.destroy();

    const offline = connect(id, owner, { serverUrl: 'ws://127.0.0.1:9/collab' }); // nothing listens there
    await until(offline, (s) => s.isCacheLoaded);
    expect(getCellSource(offline.doc, cell)?.toString()).toBe('kept in the browser');
    expect(offline.getState().isSaved).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    offline.destroy();

    // The next load is online: the edit (made under an older client id) goes up and is acked.
    const online = connect(id, owner);
    await until(online, (s) => s.isCacheLoaded && s.isSynced && s.isSaved);
    const other = connect(id, editor);
    await until(other, (s) => s.isSynced);
    await eventually(() => getCellSource(other.doc, cell)?.toString() === 'kept in the browser');
  });

  it('is told read-only when the role cannot write, and the server drops its edits', async () => {
    const [a, , id] = await pair();
    const v = connect(id, viewer);
    await until(v, (s) => s.isSynced && s.isReadOnly);
    expect(v.getState().readOnlyReason).toBeTruthy();
    const sneaky = insertCell(v.doc, { kind: 'sql', source: 'not allowed' }, v.localOrigin);
    const marker = insertCell(a.doc, { kind: 'sql', source: 'allowed' }, a.localOrigin);
    await eventually(() => getCellSource(v.doc, marker) !== undefined);
    await until(a, (s) => s.isSaved);
    expect(getCellSource(a.doc, sneaky)).toBeUndefined();
    expect(v.getState().isSaved).toBe(false);
  });

  it('never connects or receives content without access to the notebook', async () => {
    const id = await newNotebook();
    const a = connect(id, owner);
    await until(a, (st) => st.isSynced);
    insertCell(a.doc, { kind: 'sql', source: 'private' }, a.localOrigin);
    await until(a, (st) => st.isSaved);
    const s = connect(id, stranger);
    const seen: string[] = [];
    s.subscribe(() => seen.push(s.getState().status));
    // The server refuses the upgrade (HTTP 403); wait for two refused attempts.
    let refused = 0;
    s.provider.on('connection-close', () => { refused++; });
    await eventually(() => refused >= 2);
    expect(seen).not.toContain('connected');
    // Nothing from the server, nor from the owner's offline copy in this (shared) browser.
    expect(orderedCellIds(s.doc)).toEqual([]);
    expect(s.getState().isCacheLoaded).toBe(true);
  }, 15_000);

  it('clears the offline copies on request', async () => {
    const names = async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n?.startsWith('madang-'));
    expect((await names()).length).toBeGreaterThan(0);
    expect(await clearOfflineCaches()).toBeGreaterThan(0);
    expect(await names()).toEqual([]);
  });
});

describe('addresses', () => {
  it('connects to the page’s own origin, wss on https', () => {
    expect(defaultCollabUrl({ protocol: 'https:', host: 'madang.seoul.kr' })).toBe('wss://madang.seoul.kr/collab');
    expect(defaultCollabUrl({ protocol: 'http:', host: '127.0.0.1:8787' })).toBe('ws://127.0.0.1:8787/collab');
  });

  it('names the offline cache per person when the person is known', () => {
    expect(cacheName('nb1', 'u7')).toBe('madang-u7-nb1');
    expect(cacheName('nb1')).toBe('madang-nb1');
  });
});
