/**
 * A real `NotebookSession` (y-websocket provider, IndexedDB cache via fake-indexeddb, undo,
 * awareness) against a real collab server over 127.0.0.1 websockets.
 */
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';
import { openNotebookSession, setActiveCell, type NotebookSession, type SessionState } from '../../client/sync/notebookSession.ts';
import { peersFromAwareness } from '../../client/sync/peers.ts';
import { getCellSource, insertCell, moveCell, orderedCellIds } from '../../shared/schema/notebook.ts';

let server: http.Server;
let url: string;
const open: NotebookSession[] = [];

beforeAll(async () => {
  server = http.createServer((_q, r) => r.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const name = (req.url ?? '').replace(/^\/collab\//, '').split('?')[0];
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName: name, gc: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/collab`;
});

afterAll(async () => {
  for (const s of open) s.destroy();
  await new Promise((resolve) => server.close(resolve));
});

let nextId = 0;
const notebookId = () => `nb-${process.pid}-${nextId++}`;

function connect(id: string, name: string, persist = true): NotebookSession {
  const s = openNotebookSession(id, { name, color: '#2e9d57', orgName: 'Org' }, {
    serverUrl: url,
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    persist,
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

/** Polls a condition on the event loop (network delivery), failing the test by timeout. */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

describe('notebook session', () => {
  it('connects, syncs cells and text both ways', async () => {
    const id = notebookId();
    const a = connect(id, '김민지');
    const b = connect(id, 'Alice');
    await Promise.all([until(a, (s) => s.isSynced), until(b, (s) => s.isSynced)]);
    expect(a.getState().status).toBe('connected');
    const cell = insertCell(a.doc, { kind: 'sql', source: 'select 1' }, a.localOrigin);
    await eventually(() => getCellSource(b.doc, cell)?.toString() === 'select 1');
    getCellSource(b.doc, cell)!.insert(8, ' as one');
    await eventually(() => getCellSource(a.doc, cell)?.toString() === 'select 1 as one');
  });

  it('undoes only this person’s edits', async () => {
    const id = notebookId();
    const a = connect(id, 'A');
    const b = connect(id, 'B');
    await Promise.all([until(a, (s) => s.isSynced), until(b, (s) => s.isSynced)]);
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
    const id = notebookId();
    const a = connect(id, '김민지');
    const b = connect(id, 'Alice');
    await Promise.all([until(a, (s) => s.isSynced), until(b, (s) => s.isSynced)]);
    setActiveCell(a, 'cell-1');
    await eventually(() => peersFromAwareness(b.awareness.getStates() as Map<number, unknown>, b.doc.clientID)
      .some((p) => p.name === '김민지' && p.cellId === 'cell-1' && p.org === 'Org'));
    setActiveCell(a, null);
    await eventually(() => peersFromAwareness(b.awareness.getStates() as Map<number, unknown>, b.doc.clientID)
      .some((p) => p.name === '김민지' && p.cellId === null));
  });

  it('keeps offline edits and merges them on reconnect without losing or duplicating cells', async () => {
    const id = notebookId();
    const a = connect(id, 'A');
    const b = connect(id, 'B');
    await Promise.all([until(a, (s) => s.isSynced), until(b, (s) => s.isSynced)]);
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
  });

  it('reads the offline copy from IndexedDB in a new page load', async () => {
    const id = notebookId();
    const a = connect(id, 'A');
    await until(a, (s) => s.isCacheLoaded && s.isSynced);
    const cell = insertCell(a.doc, { kind: 'sql', source: 'kept in the browser' }, a.localOrigin);
    // y-indexeddb writes each update in its own IndexedDB transaction; give it a turn to land.
    await new Promise((r) => setTimeout(r, 50));
    a.destroy();
    const again = openNotebookSession(id, { name: 'A', color: '#000000' }, {
      serverUrl: 'ws://127.0.0.1:9/collab', // nothing listens: this load is offline
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    open.push(again);
    await until(again, (s) => s.isCacheLoaded);
    expect(getCellSource(again.doc, cell)?.toString()).toBe('kept in the browser');
    expect(again.getState().isSaved).toBe(false);
    expect(again.getState().status).not.toBe('connected');
  });
});
