/**
 * The collab websocket endpoint, `/collab/<notebookId>`, on the app's HTTP server (`ws` with
 * `noServer`, on the `upgrade` event). This is the one place that decides who may read or write a
 * notebook over a socket:
 *
 *   Origin not allowed -> HTTP 403    no session -> 401    unknown notebook -> 404    no role -> 403
 *
 * all answered as plain HTTP before upgrading. Otherwise the room is loaded (before the socket is
 * accepted, so no message can beat the load) and the connection joins it, read-only when the role
 * cannot edit (`canWriteDoc`): a read-only connection syncs normally but its updates are ignored.
 *
 * Limits: a message larger than `maxMessageBytes` closes that socket with 4413; a malformed one
 * with 4400 (the room and the other sockets carry on). `ws` itself refuses frames beyond a hard
 * ceiling a little above the limit (close 1009), so an oversized message is never buffered whole.
 * Ping/pong every `pingIntervalMs` drops sockets that stopped answering.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { MadangError, toErrorBody, type ErrorCode } from '../../shared/errors.ts';
import { isValidNotebookId } from '../../shared/ids.ts';
import { closeReasons, maxMessageBytes } from '../../shared/protocol.ts';
import { canWriteDoc, type NotebookRole } from '../../shared/roles.ts';
import type { AccessControl } from '../auth/access.ts';
import { silentLogger, type SyncLogger } from './log.ts';
import type { RoomManager } from './rooms.ts';
import type { Connection, Room } from './room.ts';

export interface CollabOptions {
  rooms: RoomManager;
  access: AccessControl;
  /** URL prefix; the notebook id follows it (`WebsocketProvider` appends `/<room>`). */
  path?: string;
  logger?: SyncLogger;
  /** False for unknown or deleted notebooks. */
  notebookExists: (id: string) => Promise<boolean>;
  pingIntervalMs?: number;
}

export interface CollabServer {
  /** Stops accepting, closes every socket with "server restarting", waits for them to go. */
  close(): Promise<void>;
  wss: WebSocketServer;
}

/** `ws` refuses (1009) frames beyond this before reading them; up to it we answer 4413 ourselves. */
const payloadCeiling = maxMessageBytes + 1024 * 1024;

const rejections = {
  badOrigin: { status: 403, code: 'forbidden', ko: '허용되지 않은 출처(Origin)입니다', en: 'origin not allowed' },
  unauthenticated: { status: 401, code: 'unauthenticated', ko: '로그인이 필요합니다', en: 'sign in required' },
  notFound: { status: 404, code: 'not_found', ko: '노트북을 찾을 수 없습니다', en: 'notebook not found' },
  forbidden: { status: 403, code: 'forbidden', ko: '이 노트북에 접근할 권한이 없습니다', en: 'no access to this notebook' },
  internal: { status: 500, code: 'internal', ko: '서버 오류입니다. 잠시 후 다시 시도하세요', en: 'server error, please try again' },
} as const satisfies Record<string, { status: number; code: ErrorCode; ko: string; en: string }>;

type Rejection = keyof typeof rejections;

const roleNames: Record<NotebookRole, { ko: string; en: string }> = {
  owner: { ko: '소유자', en: 'owner' },
  editor: { ko: '편집자', en: 'editor' },
  commenter: { ko: '댓글 작성자', en: 'commenter' },
  viewer: { ko: '보기 전용', en: 'viewer' },
};

export function readOnlyReason(role: NotebookRole): string {
  return `읽기 전용입니다 (역할: ${roleNames[role].ko}) / read-only (role: ${roleNames[role].en})`;
}

export function attachCollab(server: Server, opts: CollabOptions): CollabServer {
  const base = (opts.path ?? '/collab').replace(/\/+$/, '');
  const logger = opts.logger ?? silentLogger;
  const wss = new WebSocketServer({ noServer: true, maxPayload: payloadCeiling, perMessageDeflate: false });
  const alive = new WeakMap<WebSocket, boolean>();
  const pending = new Set<Duplex>();
  let isClosing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      // Someone else's upgrade (e.g. a dev proxy); answer only if nobody else listens.
      if (server.listenerCount('upgrade') <= 1) reject(socket, 'notFound');
      return;
    }
    socket.on('error', () => {}); // a client hanging up mid-handshake is not our error
    if (isClosing) {
      writeHttp(socket, 503, { code: 'internal', ko: '서버가 다시 시작하는 중입니다', en: 'server restarting' });
      return;
    }
    pending.add(socket);
    void admit(req, socket, head, url)
      .catch((err: unknown) => {
        logger.error({ err }, 'collab upgrade failed');
        reject(socket, 'internal');
      })
      .finally(() => pending.delete(socket));
  };

  async function admit(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<void> {
    let id: string;
    try {
      id = decodeURIComponent(url.pathname.slice(base.length + 1));
    } catch {
      return reject(socket, 'notFound');
    }
    if (!isValidNotebookId(id)) return reject(socket, 'notFound');
    if (!opts.access.isOriginAllowed(req.headers)) return reject(socket, 'badOrigin');
    const viewer = await opts.access.identify(req.headers);
    if (!viewer) return reject(socket, 'unauthenticated');
    if (!(await opts.notebookExists(id))) return reject(socket, 'notFound');
    const role = await opts.access.notebookRole(viewer, id);
    if (role === null) return reject(socket, 'forbidden');
    if (socket.destroyed || isClosing) return;

    const room = await opts.rooms.getRoom(id);
    room.hold();
    try {
      if (socket.destroyed || isClosing) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        const canWrite = canWriteDoc(role);
        const conn = room.addConnection(ws, {
          canWrite,
          wantsAck: url.searchParams.get('ack') === '1',
          readOnlyReason: canWrite ? undefined : readOnlyReason(role),
          label: viewer.userId,
        });
        wire(ws, room, conn);
      });
    } finally {
      room.release();
    }
  }

  function wire(ws: WebSocket, room: Room, conn: Connection): void {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const bytes = toBytes(data);
      if (bytes.byteLength > maxMessageBytes) {
        room.closeConnection(conn, closeReasons.tooLarge.code, closeReasons.tooLarge.reason);
        return;
      }
      if (!isBinary) {
        room.closeConnection(conn, closeReasons.malformed.code, closeReasons.malformed.reason);
        return;
      }
      room.receive(conn, bytes);
    });
    ws.on('error', (err) => logger.debug({ err: err.message, notebookId: room.id }, 'collab socket error'));
    ws.on('close', () => room.removeConnection(conn));
  }

  const pingInterval = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      try {
        ws.ping();
      } catch {}
    }
  }, opts.pingIntervalMs ?? 30_000);
  pingInterval.unref();

  server.on('upgrade', onUpgrade);

  return {
    wss,
    async close() {
      if (isClosing) return;
      isClosing = true;
      server.off('upgrade', onUpgrade);
      clearInterval(pingInterval);
      for (const s of pending) s.destroy();
      const sockets = [...wss.clients];
      const gone = sockets.map((ws) => new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
      }));
      for (const ws of sockets) ws.close(closeReasons.shuttingDown.code, closeReasons.shuttingDown.reason);
      // A peer that does not answer the close handshake is cut off.
      const timer = setTimeout(() => { for (const ws of sockets) ws.terminate(); }, 2000);
      await Promise.all(gone);
      clearTimeout(timer);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function reject(socket: Duplex, why: Rejection): void {
  const r = rejections[why];
  writeHttp(socket, r.status, r);
}

function writeHttp(socket: Duplex, status: number, e: { code: ErrorCode; ko: string; en: string }): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(toErrorBody(new MadangError(e.code, { ko: e.ko, en: e.en })));
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    '\r\n' +
    body,
  );
}
