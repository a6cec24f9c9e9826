/**
 * One collab server for the benchmark, in its own process so its CPU and memory are its own:
 *
 *   node --import tsx bench/collabServerProcess.ts ours <dataDir>    Madang: SQLite + RoomManager
 *   node --import tsx bench/collabServerProcess.ts ours-memory <dir>  Madang with the in-memory store
 *   node --import tsx bench/collabServerProcess.ts reference          @y/websocket-server, in memory
 *
 * Both listen on 127.0.0.1 (ephemeral port) under `/collab/<notebookId>` and answer the parent's
 * IPC requests: `stats`, `createNotebooks`, `loadHistory`, `roomCount`.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as Y from 'yjs';
import { WebSocketServer } from 'ws';
import { setupWSConnection, getYDoc, docs } from '@y/websocket-server/utils';
import type { AccessControl } from '../server/auth/access.ts';
import { openDatabase } from '../server/persistence/database.ts';
import { createSqlNotebookStore } from '../server/persistence/sqlStore.ts';
import { createMemoryNotebookStore } from '../server/persistence/memoryStore.ts';
import { attachCollab } from '../server/sync/collabServer.ts';
import { RoomManager } from '../server/sync/rooms.ts';
import { readHistory } from './history.ts';

type Request =
  | { id: number; cmd: 'stats' }
  | { id: number; cmd: 'createNotebooks'; ids: string[] }
  | { id: number; cmd: 'loadHistory'; notebookId: string; file: string; mode: 'compacted' | 'log' }
  | { id: number; cmd: 'roomCount' }
  | { id: number; cmd: 'resetLoopDelay' };

interface Handlers {
  createNotebooks(ids: string[]): Promise<void>;
  loadHistory(notebookId: string, updates: Uint8Array[], mode: 'compacted' | 'log'): Promise<void>;
  roomCount(): number;
}

/** Everyone is an editor: the benchmark measures sync, not sign-in. */
const benchAccess: AccessControl = {
  async identify() {
    return { userId: 'bench', email: 'bench@example.kr', name: 'bench', orgId: 'o', orgName: 'o', color: '#000000', workspaceRole: 'analyst' };
  },
  async notebookRole() {
    return 'editor';
  },
  isOriginAllowed() {
    return true;
  },
};

async function startOurs(server: http.Server, dataDir: string, storage: 'sqlite' | 'memory'): Promise<Handlers> {
  const store = storage === 'memory' ? createMemoryNotebookStore() : createSqlNotebookStore(await openDatabase({ dataDir }));
  if (process.env.BENCH_TRACE) {
    const append = store.appendUpdate.bind(store);
    const times: number[] = [];
    store.appendUpdate = async (id, u) => { const t = performance.now(); try { return await append(id, u); } finally { times.push(performance.now() - t); } };
    process.on('SIGTERM', () => { times.sort((a, b) => a - b); console.error('append ms p50', times[times.length >> 1], 'p95', times[Math.floor(times.length * 0.95)], 'max', times.at(-1), 'n', times.length, 'over10ms', times.filter((t) => t > 10).length); process.exit(0); });
  }
  const rooms = new RoomManager({ store });
  attachCollab(server, {
    rooms,
    access: benchAccess,
    notebookExists: async (id) => (await store.getNotebook(id)) !== null,
  });
  return {
    async createNotebooks(ids) {
      for (const id of ids) await store.createNotebook({ id, title: id });
    },
    async loadHistory(notebookId, updates, mode) {
      await store.createNotebook({ id: notebookId, title: notebookId });
      if (mode === 'log') {
        for (const u of updates) await store.appendUpdate(notebookId, u);
        return;
      }
      // As a live server would have stored it: one edit at a time through the room (compacting
      // every 500), then the room closes and writes its final snapshot.
      const room = await rooms.getRoom(notebookId);
      room.hold(); // one room for the whole history, as with people connected
      try {
        for (const u of updates) await rooms.applyServerEdit(notebookId, (doc) => Y.applyUpdate(doc, u));
      } finally {
        room.release();
      }
      await rooms.closeRoom(notebookId);
    },
    roomCount: () => rooms.roomCount,
  };
}

function startReference(server: http.Server): Handlers {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const docName = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/collab\//, ''));
    wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName }));
  });
  return {
    async createNotebooks() {},
    async loadHistory(notebookId, updates) {
      const doc = getYDoc(notebookId);
      for (const u of updates) Y.applyUpdate(doc, u);
    },
    roomCount: () => docs.size,
  };
}

const [kind, dataDir] = process.argv.slice(2);
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
const server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
const handlers = kind === 'reference' ? startReference(server) : await startOurs(server, dataDir, kind === 'ours-memory' ? 'memory' : 'sqlite');
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

process.on('message', (req: Request) => {
  const reply = (result: unknown) => process.send?.({ id: req.id, result });
  const fail = (err: unknown) => process.send?.({ id: req.id, error: err instanceof Error ? err.stack : String(err) });
  switch (req.cmd) {
    case 'stats':
      return reply({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 });
    case 'createNotebooks':
      return void handlers.createNotebooks(req.ids).then(() => reply(true), fail);
    case 'loadHistory':
      return void handlers.loadHistory(req.notebookId, readHistory(fs.readFileSync(req.file)), req.mode).then(() => reply(true), fail);
    case 'roomCount':
      return reply(handlers.roomCount());
    case 'resetLoopDelay':
      loopDelay.reset();
      return reply(true);
  }
});
process.on('disconnect', () => process.exit(0));
if (!process.env.BENCH_TRACE) process.on('SIGTERM', () => process.exit(0));
process.send?.({ ready: true, port: (server.address() as AddressInfo).port });
