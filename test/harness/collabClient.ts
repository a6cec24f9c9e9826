/**
 * Collab test kit: a real collab server (http + `attachCollab` + `RoomManager`) on 127.0.0.1 with
 * an `AccessControl` built from a plain table (cookie `session=<userId>` -> person, and per-person
 * notebook roles), and real y-websocket `WebsocketProvider` clients running in Node over `ws`.
 *
 * The access table is the real `AccessControl` interface the server consumes, filled with test
 * data, not a stand-in for something we ship: the accounts module provides the production one.
 *
 * @example
 *   const s = await startCollabServer({ store, people: { alice: {} }, roles: { alice: { [id]: 'editor' } } });
 *   const a = connectClient(s.collabUrl, id, { user: 'alice' });
 *   await a.synced;
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import type { IncomingHttpHeaders } from 'node:http';
import type { AccessControl, Viewer } from '../../server/auth/access.ts';
import type { NotebookStore } from '../../server/persistence/adapter.ts';
import { attachCollab, type CollabServer } from '../../server/sync/collabServer.ts';
import { RoomManager } from '../../server/sync/rooms.ts';
import { messageType } from '../../shared/protocol.ts';
import type { NotebookRole } from '../../shared/roles.ts';

export const testOrigin = 'http://madang.test';

export interface AccessTable {
  /** userId -> partial viewer (defaults filled in). */
  people: Record<string, Partial<Viewer>>;
  /** userId -> notebookId -> role; `*` as notebook id = every notebook. */
  roles: Record<string, Record<string, NotebookRole>>;
}

export function createTableAccess(table: AccessTable): AccessControl {
  return {
    async identify(headers: IncomingHttpHeaders) {
      const m = /(?:^|;\s*)session=([^;]+)/.exec(headers.cookie ?? '');
      const person = m ? table.people[m[1]] : undefined;
      if (!m || !person) return null;
      return {
        userId: m[1], email: `${m[1]}@example.kr`, name: m[1], orgId: 'org-1', orgName: '마당',
        color: '#3366cc', workspaceRole: 'analyst', ...person,
      };
    },
    async notebookRole(viewer, notebookId) {
      const roles = table.roles[viewer.userId] ?? {};
      return roles[notebookId] ?? roles['*'] ?? null;
    },
    isOriginAllowed(headers) {
      return headers.origin === undefined || headers.origin === testOrigin;
    },
  };
}

export interface RunningCollab {
  port: number;
  /** `ws://127.0.0.1:PORT/collab` */
  collabUrl: string;
  rooms: RoomManager;
  collab: CollabServer;
  /** Closes sockets, flushes and unloads rooms, stops the HTTP server (the store stays open). */
  close(): Promise<void>;
}

export async function startCollabServer(input: AccessTable & {
  store: NotebookStore;
  compactEvery?: number;
  compactIdleMs?: number;
  pingIntervalMs?: number;
  port?: number;
}): Promise<RunningCollab> {
  const server = http.createServer((_req, res) => { res.statusCode = 404; res.end(); });
  const rooms = new RoomManager({ store: input.store, compactEvery: input.compactEvery, compactIdleMs: input.compactIdleMs ?? 0 });
  const collab = attachCollab(server, {
    rooms,
    access: createTableAccess(input),
    notebookExists: async (id) => {
      const row = await input.store.getNotebook(id);
      return row !== null && row.deletedAt === null;
    },
    pingIntervalMs: input.pingIntervalMs,
  });
  await new Promise<void>((resolve) => server.listen(input.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    collabUrl: `ws://127.0.0.1:${port}/collab`,
    rooms,
    collab,
    async close() {
      await collab.close();
      await rooms.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Resolves on the first sync with the server. */
  synced: Promise<void>;
  /** Every `saved` state vector received, in order. */
  saved: Map<number, number>[];
  /** Every `readOnly` reason received, in order. */
  readOnly: string[];
  /** Close events the provider saw. */
  closes: { code: number; reason: string }[];
  destroy(): void;
}

/** A y-websocket client in Node that sends `session=<user>` (and optionally an Origin). */
export function connectClient(collabUrl: string, notebookId: string, opts: { user?: string; ack?: boolean; origin?: string; doc?: Y.Doc } = {}): TestClient {
  const headers: Record<string, string> = {};
  if (opts.user) headers.cookie = `session=${opts.user}`;
  if (opts.origin) headers.origin = opts.origin;
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const doc = opts.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(collabUrl, notebookId, doc, {
    WebSocketPolyfill: CookieWebSocket as unknown as typeof globalThis.WebSocket,
    params: opts.ack === false ? {} : { ack: '1' },
    // Node 20 has BroadcastChannel: clients in one process would sync around the server.
    disableBc: true,
    maxBackoffTime: 200,
  });
  const client: TestClient = {
    doc, provider, saved: [], readOnly: [], closes: [],
    synced: new Promise((resolve) => {
      if (provider.synced) resolve();
      else provider.once('sync', () => resolve());
    }),
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
  provider.messageHandlers[messageType.saved] = (_e, decoder) => {
    client.saved.push(Y.decodeStateVector(decoding.readVarUint8Array(decoder)));
  };
  provider.messageHandlers[messageType.readOnly] = (_e, decoder) => {
    client.readOnly.push(decoding.readVarString(decoder));
  };
  provider.on('connection-close', (event) => {
    if (event) client.closes.push({ code: event.code, reason: event.reason });
  });
  return client;
}

/** Polls `check` until it returns true (deadline only to fail a hung test with a message). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** True when `big` holds every item `small` holds (state vectors only; deletions aside). */
export function stateCovers(big: Y.Doc, small: Y.Doc): boolean {
  const have = Y.decodeStateVector(Y.encodeStateVector(big));
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(small))) {
    if ((have.get(client) ?? 0) < clock) return false;
  }
  return true;
}

/** Opens a raw `ws` socket to the collab URL; resolves with the socket or the HTTP status it got. */
export function rawConnect(url: string, headers: Record<string, string> = {}, opts: { autoPong?: boolean } = {}): Promise<{ ws: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, autoPong: opts.autoPong ?? true });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}
