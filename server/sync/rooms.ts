/**
 * All live rooms of this process. A room is loaded on first use (concurrent callers share one
 * load), stays while it has connections or holds, and when the last one leaves it is flushed,
 * compacted and unloaded. See `room.ts` for the write-before-relay rules.
 *
 * @example
 *   const rooms = new RoomManager({ store });
 *   await rooms.applyServerEdit(id, (doc) => setTitle(doc, '새 제목'));
 *   await rooms.closeAll(); // on shutdown: flush, compact, unload
 */
import type * as Y from 'yjs';
import { closeReasons } from '../../shared/protocol.ts';
import type { NotebookStore } from '../persistence/adapter.ts';
import { silentLogger, type SyncLogger } from './log.ts';
import { Room, type RoomOptions } from './room.ts';

export interface RoomManagerOptions {
  store: NotebookStore;
  logger?: SyncLogger;
  /** Compact when the log after the snapshot reaches this many entries (default 500). */
  compactEvery?: number;
  /** Compact after this long without an edit (default 30 s; 0 = only on count and close). */
  compactIdleMs?: number;
}

export class RoomManager {
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room>>();
  readonly #closing = new Map<string, Promise<void>>();
  readonly #roomOptions: RoomOptions;
  readonly #logger: SyncLogger;
  #isShuttingDown = false;

  constructor(opts: RoomManagerOptions) {
    this.#logger = opts.logger ?? silentLogger;
    this.#roomOptions = {
      store: opts.store,
      logger: this.#logger,
      compactEvery: opts.compactEvery ?? 500,
      compactIdleMs: opts.compactIdleMs ?? 30_000,
      onIdle: (room) => this.#closeIdle(room),
      onFailed: (room) => {
        if (this.#rooms.get(room.id) === room) this.#rooms.delete(room.id);
      },
    };
  }

  /** The loaded room, loading it from storage first if needed. Hold it while you use it. */
  getRoom(id: string): Promise<Room> {
    if (this.#isShuttingDown) return Promise.reject(new Error('collab rooms are shutting down'));
    const live = this.#rooms.get(id);
    if (live) return Promise.resolve(live);
    const pending = this.#loading.get(id);
    if (pending) return pending;
    const load = Room.load(id, this.#roomOptions)
      .then((room) => {
        this.#rooms.set(id, room);
        return room;
      })
      .finally(() => this.#loading.delete(id));
    this.#loading.set(id, load);
    return load;
  }

  /** The doc of a room that is loaded right now (never loads one). */
  loadedDoc(id: string): Y.Doc | undefined {
    const room = this.#rooms.get(id);
    return room && (room.state === 'open' || room.state === 'closing') ? room.doc : undefined;
  }

  get roomCount(): number {
    return this.#rooms.size;
  }

  /** A server-side edit (REST rename, import into a live room…): stored, then relayed. */
  async applyServerEdit(id: string, fn: (doc: Y.Doc) => void): Promise<void> {
    const room = await this.getRoom(id);
    room.hold();
    try {
      await room.applyServerEdit(fn);
    } finally {
      room.release();
    }
  }

  /**
   * Disconnects everyone from a room and unloads it (after storing what it holds). Used when a
   * notebook is deleted, so the default close reason is "not found" (clients stop reconnecting).
   */
  async closeRoom(id: string, reason: { code: number; reason: string } = closeReasons.notFound): Promise<void> {
    await this.#loading.get(id)?.catch(() => undefined);
    const room = this.#rooms.get(id);
    if (room) room.closeAllConnections(reason.code, reason.reason);
    await this.#closing.get(id);
  }

  /** Shutdown: closes every connection ("server restarting"), stores and compacts, unloads. */
  async closeAll(): Promise<void> {
    this.#isShuttingDown = true;
    await Promise.allSettled([...this.#loading.values()]);
    for (const room of this.#rooms.values()) {
      room.closeAllConnections(closeReasons.shuttingDown.code, closeReasons.shuttingDown.reason);
    }
    await Promise.allSettled([...this.#closing.values()]);
    // Rooms still held (a server edit in flight) are finished here.
    for (const room of [...this.#rooms.values()]) {
      await this.#unload(room);
    }
  }

  #closeIdle(room: Room): void {
    if (room.state !== 'open') return;
    room.state = 'closing';
    const closing = (async () => {
      try {
        await room.flush();
        await room.compact();
      } catch (err) {
        this.#logger.error({ err, notebookId: room.id }, 'error while closing a collab room');
      }
      if (room.state !== 'closing') return; // failed meanwhile
      if (room.isIdle) {
        room.destroy();
        if (this.#rooms.get(room.id) === room) this.#rooms.delete(room.id);
      } else {
        // Someone joined while we were storing: keep it.
        room.state = 'open';
      }
    })();
    this.#closing.set(room.id, closing);
    void closing.finally(() => {
      if (this.#closing.get(room.id) === closing) this.#closing.delete(room.id);
    });
  }

  async #unload(room: Room): Promise<void> {
    try {
      await room.flush();
      await room.compact();
    } catch (err) {
      this.#logger.error({ err, notebookId: room.id }, 'error while unloading a collab room');
    }
    room.destroy();
    if (this.#rooms.get(room.id) === room) this.#rooms.delete(room.id);
  }
}
