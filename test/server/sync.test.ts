/**
 * The collab server end to end: real sockets on 127.0.0.1, real y-websocket clients, the real
 * RoomManager over a real store (memory, and SQLite where restarts matter).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import type { NotebookStore } from '../../server/persistence/adapter.ts';
import { openDatabase } from '../../server/persistence/database.ts';
import { createMemoryNotebookStore } from '../../server/persistence/memoryStore.ts';
import { createSqlNotebookStore } from '../../server/persistence/sqlStore.ts';
import { RoomManager } from '../../server/sync/rooms.ts';
import { closeReasons, maxMessageBytes } from '../../shared/protocol.ts';
import { getCellSource, initNotebook, insertCell, listCells, readMeta, setTitle } from '../../shared/schema/notebook.ts';
import {
  connectClient, rawConnect, startCollabServer, stateCovers, testOrigin, waitFor,
  type AccessTable, type RunningCollab, type TestClient,
} from '../harness/collabClient.ts';

const nb = 'notebook-sync-1';
const access: AccessTable = {
  people: { ann: { name: 'Ann' }, bo: { name: 'Bo' }, cy: { name: 'Cy' }, vic: { name: 'Vic' }, out: { name: 'Out' } },
  roles: { ann: { '*': 'owner' }, bo: { '*': 'editor' }, cy: { '*': 'editor' }, vic: { '*': 'viewer' } },
};

function initialUpdate(title: string): Uint8Array {
  const doc = new Y.Doc();
  initNotebook(doc, { title });
  return Y.encodeStateAsUpdate(doc);
}

function textOf(doc: Y.Doc, cellId: string): string {
  return getCellSource(doc, cellId)?.toString() ?? '';
}

describe('collab server', () => {
  let store: NotebookStore;
  let server: RunningCollab;
  const clients: TestClient[] = [];
  const client = (user: string, opts: { ack?: boolean } = {}) => {
    const c = connectClient(server.collabUrl, nb, { user, ...opts });
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    store = createMemoryNotebookStore();
    await store.createNotebook({ id: nb, title: '따릉이', initialUpdate: initialUpdate('따릉이') });
    server = await startCollabServer({ ...access, store });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server.close();
  });

  it('two clients converge on cells and text, and a late joiner receives everything', async () => {
    const a = client('ann');
    const b = client('bo');
    await Promise.all([a.synced, b.synced]);
    expect(readMeta(a.doc).title).toBe('따릉이');
    const cellId = insertCell(a.doc, { kind: 'sql', source: 'SELECT 1' });
    await waitFor(() => getCellSource(b.doc, cellId) !== undefined, 'cell at b');
    getCellSource(b.doc, cellId)?.insert(0, '-- 대여 건수\n');
    getCellSource(a.doc, cellId)?.insert(getCellSource(a.doc, cellId)?.length ?? 0, ' AS n');
    insertCell(b.doc, { kind: 'markdown', source: '# 결과' });
    await waitFor(() => listCells(a.doc).length === 2 && listCells(b.doc).length === 2
      && textOf(a.doc, cellId) === textOf(b.doc, cellId) && textOf(a.doc, cellId).includes(' AS n')
      && textOf(a.doc, cellId).includes('대여'), 'convergence');
    expect(textOf(a.doc, cellId)).toBe('-- 대여 건수\nSELECT 1 AS n');
    expect(listCells(a.doc)).toEqual(listCells(b.doc));

    const c = client('cy');
    await c.synced;
    expect(listCells(c.doc)).toEqual(listCells(a.doc));
    expect(Y.encodeStateVector(c.doc)).toEqual(Y.encodeStateVector(a.doc));
    // The server's room holds the same state and has stored it.
    const serverDoc = server.rooms.loadedDoc(nb);
    expect(serverDoc && listCells(serverDoc)).toEqual(listCells(a.doc));
  });

  it('sends `saved` after storing an edit, with a state vector covering the client clock', async () => {
    const a = client('ann');
    await a.synced;
    await waitFor(() => a.saved.length > 0, 'initial saved (answer to our sync step 2)');
    const before = a.saved.length;
    getCellSource(a.doc, insertCell(a.doc, { kind: 'sql', source: 'SELECT 2' }));
    await waitFor(() => a.saved.length > before && (a.saved.at(-1)?.get(a.doc.clientID) ?? 0) > 0, 'saved after edit');
    const last = a.saved.at(-1) ?? new Map();
    expect(last.get(a.doc.clientID)).toBe(Y.decodeStateVector(Y.encodeStateVector(a.doc)).get(a.doc.clientID));
    // What `saved` claims is in the store, without the server's memory.
    const state = await store.loadDoc(nb);
    const stored = new Y.Doc();
    for (const u of state.updates) Y.applyUpdate(stored, u);
    expect(stateCovers(stored, a.doc)).toBe(true);
    // A client without ack=1 never gets Madang's extra messages.
    const plain = client('bo', { ack: false });
    await plain.synced;
    insertCell(plain.doc, { kind: 'markdown', source: 'x' });
    await waitFor(() => listCells(a.doc).length === 2, 'plain client edit relayed');
    expect(plain.saved).toEqual([]);
  });

  it('relays awareness and removes a client\'s presence when it disconnects', async () => {
    const a = client('ann');
    const b = client('bo');
    await Promise.all([a.synced, b.synced]);
    a.provider.awareness.setLocalStateField('user', { name: 'Ann', color: '#ff0000' });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ann', 'presence at b');
    const c = client('cy');
    await c.synced;
    await waitFor(() => c.provider.awareness.getStates().has(a.doc.clientID), 'existing presence sent to a new client');
    a.provider.disconnect();
    await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 'presence removed at b');
    await waitFor(() => !c.provider.awareness.getStates().has(a.doc.clientID), 'presence removed at c');
  });

  it('a viewer syncs read-only: told so, its updates neither applied nor relayed', async () => {
    const a = client('ann');
    const v = client('vic');
    await Promise.all([a.synced, v.synced]);
    await waitFor(() => v.readOnly.length === 1, 'readOnly on connect');
    expect(v.readOnly[0]).toMatch(/read-only/);
    expect(listCells(v.doc)).toEqual([]);
    expect(readMeta(v.doc).title).toBe('따릉이');
    // Reading works: the owner's edits reach the viewer.
    const cellId = insertCell(a.doc, { kind: 'sql', source: 'SELECT 3' });
    await waitFor(() => getCellSource(v.doc, cellId) !== undefined, 'owner edit at viewer');
    // The viewer writes anyway (a modified client could).
    getCellSource(v.doc, cellId)?.insert(0, 'DROP TABLE x; ');
    setTitle(v.doc, 'hacked');
    await waitFor(() => v.readOnly.length === 2, 'readOnly repeated after a write attempt');
    // Later traffic from the owner, acknowledged after the viewer's attempt was handled.
    const savedBefore = a.saved.length;
    getCellSource(a.doc, cellId)?.insert(0, '-- ok\n');
    await waitFor(() => a.saved.length > savedBefore, 'owner edit saved');
    // (The viewer's own local text stays in its doc; only the owner's part is shared.)
    await waitFor(() => textOf(v.doc, cellId).includes('-- ok\n'), 'owner edit at viewer');
    expect(textOf(a.doc, cellId)).toBe('-- ok\nSELECT 3');
    expect(readMeta(a.doc).title).toBe('따릉이');
    const serverDoc = server.rooms.loadedDoc(nb);
    expect(serverDoc && textOf(serverDoc, cellId)).toBe('-- ok\nSELECT 3');
    expect(serverDoc && readMeta(serverDoc).title).toBe('따릉이');
    // More write attempts are ignored silently (told once).
    setTitle(v.doc, 'again');
    getCellSource(a.doc, cellId)?.insert(0, '-- 2\n');
    await waitFor(() => textOf(v.doc, cellId).includes('-- 2\n'), 'second owner edit at viewer');
    expect(v.readOnly.length).toBe(2);
  });

  it('closes only the offending socket on an oversized or malformed message', async () => {
    const a = client('ann');
    const b = client('bo');
    await Promise.all([a.synced, b.synced]);
    const cookie = { cookie: 'session=cy' };

    const sendAndClose = async (payload: Uint8Array | string) => {
      const r = await rawConnect(`${server.collabUrl}/${nb}`, cookie);
      if (!('ws' in r)) throw new Error(`upgrade refused: ${r.status}`);
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        r.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
      r.ws.send(payload);
      return closed;
    };
    expect(await sendAndClose(new Uint8Array(maxMessageBytes + 1))).toEqual(closeReasons.tooLarge);
    expect(await sendAndClose(Uint8Array.from([0xff, 0xff, 0xff]))).toEqual(closeReasons.malformed); // truncated varint
    expect(await sendAndClose(Uint8Array.from([42, 0]))).toEqual(closeReasons.malformed); // unknown type
    expect(await sendAndClose(Uint8Array.from([0, 7, 0]))).toEqual(closeReasons.malformed); // unknown sync type
    expect(await sendAndClose(Uint8Array.from([0, 2, 5, 1, 2]))).toEqual(closeReasons.malformed); // truncated payload
    const garbage = encoding.createEncoder();
    encoding.writeVarUint(garbage, 0);
    encoding.writeVarUint(garbage, 2);
    encoding.writeVarUint8Array(garbage, Uint8Array.from([1, 1, 200, 1, 0, 0, 99, 99]));
    expect(await sendAndClose(encoding.toUint8Array(garbage))).toEqual(closeReasons.malformed); // bad Yjs update
    expect(await sendAndClose(Uint8Array.from([1, 3, 1, 2]))).toEqual(closeReasons.malformed); // bad awareness
    expect(await sendAndClose('text frame')).toEqual(closeReasons.malformed);

    // The room and the other clients carry on.
    const cellId = insertCell(a.doc, { kind: 'sql', source: 'SELECT 4' });
    await waitFor(() => getCellSource(b.doc, cellId)?.toString() === 'SELECT 4', 'edit after faults');
    expect(a.closes).toEqual([]);
    expect(b.closes).toEqual([]);
  });

  it('refuses the upgrade with HTTP 401, 403 or 404 before any websocket exists', async () => {
    const url = `${server.collabUrl}/${nb}`;
    expect(await rawConnect(url)).toMatchObject({ status: 401 });
    expect(await rawConnect(url, { cookie: 'session=nobody' })).toMatchObject({ status: 401 });
    expect(await rawConnect(url, { cookie: 'session=out' })).toMatchObject({ status: 403 });
    expect(await rawConnect(url, { cookie: 'session=ann', origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(await rawConnect(`${server.collabUrl}/notebook-missing`, { cookie: 'session=ann' })).toMatchObject({ status: 404 });
    expect(await rawConnect(`${server.collabUrl}/bad%id`, { cookie: 'session=ann' })).toMatchObject({ status: 404 });
    const notFound = await rawConnect(`${server.collabUrl}/notebook-missing`, { cookie: 'session=ann' });
    expect('body' in notFound && JSON.parse(notFound.body)).toMatchObject({ error: { code: 'not_found' } });
    const ok = await rawConnect(url, { cookie: 'session=ann', origin: testOrigin });
    expect('ws' in ok).toBe(true);
    if ('ws' in ok) ok.ws.close();
    expect(server.rooms.roomCount).toBeLessThanOrEqual(1);
  });

  it('server edits are stored and relayed like client edits', async () => {
    const a = client('ann');
    await a.synced;
    await server.rooms.applyServerEdit(nb, (doc) => setTitle(doc, '따릉이 2026'));
    await waitFor(() => readMeta(a.doc).title === '따릉이 2026', 'server edit at client');
    const state = await store.loadDoc(nb);
    const stored = new Y.Doc();
    for (const u of state.updates) Y.applyUpdate(stored, u);
    expect(readMeta(stored).title).toBe('따릉이 2026');
    // A server edit on a room nobody has open loads it, stores the edit and unloads it again.
    a.destroy();
    clients.splice(0);
    await waitFor(() => server.rooms.roomCount === 0, 'room unloaded');
    await server.rooms.applyServerEdit(nb, (doc) => setTitle(doc, '따릉이 2027'));
    await waitFor(() => server.rooms.roomCount === 0, 'room unloaded again');
    const again = await store.loadDoc(nb);
    const doc = new Y.Doc();
    if (again.snapshot) Y.applyUpdate(doc, again.snapshot);
    for (const u of again.updates) Y.applyUpdate(doc, u);
    expect(readMeta(doc).title).toBe('따릉이 2027');
  });

  it('closeRoom disconnects everyone with "not found" (a deleted notebook)', async () => {
    const a = client('ann');
    await a.synced;
    const closed = new Promise<{ code: number; reason: string }>((resolve) => a.provider.once('closed', (e) => resolve(e)));
    await store.deleteNotebook(nb);
    await server.rooms.closeRoom(nb);
    expect(await closed).toEqual(closeReasons.notFound);
    expect(server.rooms.roomCount).toBe(0);
  });
});

describe('RoomManager', () => {
  it('concurrent getRoom calls share one load from storage, and closeAll unloads', async () => {
    const real = createMemoryNotebookStore();
    await real.createNotebook({ id: nb, title: 't', initialUpdate: initialUpdate('불러오기') });
    let loads = 0;
    const store: NotebookStore = { ...real, loadDoc: (id) => { loads++; return real.loadDoc(id); } };
    const rooms = new RoomManager({ store });
    const [r1, r2, r3] = await Promise.all([rooms.getRoom(nb), rooms.getRoom(nb), rooms.getRoom(nb)]);
    expect(loads).toBe(1);
    expect(r1).toBe(r2);
    expect(r2).toBe(r3);
    expect(readMeta(r1.doc).title).toBe('불러오기');
    expect(rooms.loadedDoc(nb)).toBe(r1.doc);
    await rooms.closeAll();
    expect(rooms.roomCount).toBe(0);
    expect(rooms.loadedDoc(nb)).toBeUndefined();
    await expect(rooms.getRoom(nb)).rejects.toThrow(/shutting down/);
  });
});

describe('collab server keepalive', () => {
  it('drops a socket that stops answering pings and keeps one that answers', async () => {
    const store = createMemoryNotebookStore();
    await store.createNotebook({ id: nb, title: 't', initialUpdate: initialUpdate('t') });
    const server = await startCollabServer({ ...access, store, pingIntervalMs: 40 });
    try {
      const url = `${server.collabUrl}/${nb}`;
      const silent = await rawConnect(url, { cookie: 'session=ann' }, { autoPong: false });
      const lively = await rawConnect(url, { cookie: 'session=bo' });
      if (!('ws' in silent) || !('ws' in lively)) throw new Error('upgrade refused');
      let pings = 0;
      lively.ws.on('ping', () => { pings++; });
      const code = await new Promise<number>((resolve) => silent.ws.once('close', (c) => resolve(c)));
      expect(code).toBe(1006); // terminated: no close handshake
      await waitFor(() => pings >= 3, 'pings to the live socket');
      expect(lively.ws.readyState).toBe(lively.ws.OPEN);
      lively.ws.close();
    } finally {
      await server.close();
    }
  });
});

describe('collab server storage rules', () => {
  const clients: TestClient[] = [];
  afterEach(() => { for (const c of clients.splice(0)) c.destroy(); });

  it('compacts the log past compactEvery and when the last client leaves, without losing edits', async () => {
    const store = createMemoryNotebookStore();
    await store.createNotebook({ id: nb, title: 't', initialUpdate: initialUpdate('t') });
    const server = await startCollabServer({ ...access, store, compactEvery: 10 });
    try {
      const a = connectClient(server.collabUrl, nb, { user: 'ann' });
      clients.push(a);
      await a.synced;
      const cellId = insertCell(a.doc, { kind: 'sql', source: '' });
      for (let i = 0; i < 30; i++) {
        const before = a.saved.length;
        getCellSource(a.doc, cellId)?.insert(i, String(i % 10));
        await waitFor(() => a.saved.length > before, `saved ${i}`);
      }
      const mid = await store.loadDoc(nb);
      expect(mid.snapshot).not.toBeNull();
      expect(mid.updates.length).toBeLessThan(20);
      a.destroy();
      clients.splice(0);
      await waitFor(() => server.rooms.roomCount === 0, 'room closed');
      const end = await store.loadDoc(nb);
      expect(end.updates).toEqual([]);
      const doc = new Y.Doc();
      Y.applyUpdate(doc, end.snapshot ?? new Uint8Array());
      expect(textOf(doc, cellId)).toBe('012345678901234567890123456789');
    } finally {
      await server.close();
    }
  });

  it('a failed append relays nothing and closes the room\'s connections', async () => {
    const real = createMemoryNotebookStore();
    await real.createNotebook({ id: nb, title: 't', initialUpdate: initialUpdate('t') });
    let isDiskFull = false;
    // Fault injection around the real store: appends fail while the "disk is full".
    const store: NotebookStore = {
      ...real,
      appendUpdate: (id, update) => isDiskFull ? Promise.reject(new Error('disk full')) : real.appendUpdate(id, update),
    };
    const server = await startCollabServer({ ...access, store });
    try {
      const a = connectClient(server.collabUrl, nb, { user: 'ann' });
      const b = connectClient(server.collabUrl, nb, { user: 'bo' });
      clients.push(a, b);
      await Promise.all([a.synced, b.synced]);
      isDiskFull = true;
      const savedBefore = a.saved.length;
      insertCell(a.doc, { kind: 'sql', source: 'lost?' });
      await waitFor(() => a.closes.length > 0 && b.closes.length > 0, 'both closed');
      expect(a.closes[0]).toEqual({ code: 1011, reason: 'storage failed' });
      expect(listCells(b.doc)).toEqual([]);
      expect(a.saved.length).toBe(savedBefore);
      // Storage comes back: the clients reconnect, the edit (still in a) is stored and reaches b.
      isDiskFull = false;
      await waitFor(() => listCells(b.doc).length === 1, 'edit after recovery');
      const state = await real.loadDoc(nb);
      const stored = new Y.Doc();
      for (const u of state.updates) Y.applyUpdate(stored, u);
      expect(listCells(stored).map((c) => c.source)).toEqual(['lost?']);
    } finally {
      await server.close();
    }
  });

  it('content survives restarting the server on the same SQLite file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-sync-'));
    try {
      let db = await openDatabase({ dataDir });
      let store = createSqlNotebookStore(db);
      await store.createNotebook({ id: nb, title: '재시작', initialUpdate: initialUpdate('재시작') });
      let server = await startCollabServer({ ...access, store });
      const a = connectClient(server.collabUrl, nb, { user: 'ann' });
      clients.push(a);
      await a.synced;
      const cellId = insertCell(a.doc, { kind: 'sql', source: 'SELECT 5' });
      const before = a.saved.length;
      getCellSource(a.doc, cellId)?.insert(8, ' + 1');
      await waitFor(() => a.saved.length > before && (a.saved.at(-1)?.get(a.doc.clientID) ?? 0) === Y.decodeStateVector(Y.encodeStateVector(a.doc)).get(a.doc.clientID), 'saved');
      a.destroy();
      clients.splice(0);
      await server.close();
      await db.destroy();

      db = await openDatabase({ dataDir });
      store = createSqlNotebookStore(db);
      server = await startCollabServer({ ...access, store });
      const fresh = connectClient(server.collabUrl, nb, { user: 'bo' });
      clients.push(fresh);
      await fresh.synced;
      expect(textOf(fresh.doc, cellId)).toBe('SELECT 5 + 1');
      expect(readMeta(fresh.doc).title).toBe('재시작');
      fresh.destroy();
      clients.splice(0);
      await server.close();
      await db.destroy();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
