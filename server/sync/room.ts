/**
 * One live notebook: its Y.Doc (rebuilt from storage), awareness, and the connections on it.
 *
 * Rules (see docs/architecture.md, "sync"):
 * - The doc is loaded from storage (snapshot + log) before the room exists, so no client message is
 *   ever answered from a half-loaded doc.
 * - Everything that writes or reads the doc for a client runs through one serial queue per room.
 *   A write batch is applied, the changes it made (the doc's `update` events, so no-ops cost
 *   nothing) are appended to the store, and only when that append resolves are they relayed to the
 *   other connections and acknowledged with `saved`. Sync answers run in the same queue, so they
 *   are computed only from stored state: nothing anyone has seen can be lost by a crash.
 * - If an append fails, nothing of that batch is relayed or acknowledged: the room closes every
 *   connection (clients keep their edits and resend them on reconnect) and is discarded, so the
 *   next connection reloads from storage.
 * - Compaction (`Y.encodeStateAsUpdate` as the snapshot covering the last appended seq) runs
 *   between batches when the log passes `compactEvery` entries, when the room has been idle for
 *   `compactIdleMs`, and when it closes; the store write is not awaited by the queue.
 * - Awareness (presence) is relayed as it comes, without the queue; a connection's states are
 *   removed when it closes. The server does not check the names clients put in their presence:
 *   presence is informative only, and the identity that matters (who may write) is decided from
 *   the session cookie on upgrade.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { closeReasons } from '../../shared/protocol.ts';
import type { NotebookStore } from '../persistence/adapter.ts';
import type { SyncLogger } from './log.ts';
import {
  hasNewContent, readClientMessage, writeAwareness, writeReadOnly, writeSaved, writeSyncStep1,
  writeSyncStep2, writeUpdate, type ClientMessage,
} from './wire.ts';

/** The part of a `ws` WebSocket a room uses. */
export interface CollabSocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
}

export interface ConnectionOptions {
  /** May send document updates (`canWriteDoc(role)`); false = read-only sync. */
  canWrite: boolean;
  /** Asked for Madang's `saved`/`readOnly` messages (URL parameter `ack=1`). */
  wantsAck: boolean;
  /** Shown to a read-only client (`readOnly` message). */
  readOnlyReason?: string;
  /** For logs only (e.g. the user id). */
  label?: string;
}

const wsOpen = 1;
/** A client this far behind on reading is dropped; it resyncs when it reconnects. */
const maxBufferedBytes = 64 * 1024 * 1024;
/** Origin of edits made by the server itself (`applyServerEdit`). */
export const serverEditOrigin = Symbol('madang-server-edit');

export class Connection {
  readonly awarenessIds = new Set<number>();
  isClosed = false;
  /** A read-only client is told once more when it actually tries to write. */
  hasRepeatedReadOnly = false;
  readonly onSendError: (err?: Error) => void;

  constructor(readonly room: Room, readonly socket: CollabSocket, readonly options: ConnectionOptions) {
    this.onSendError = (err) => {
      if (err) room.closeConnection(this);
    };
  }
}

type Task =
  | { kind: 'greet'; conn: Connection }
  | { kind: 'read'; conn: Connection; stateVector: Uint8Array }
  | { kind: 'update'; conn: Connection; update: Uint8Array }
  | { kind: 'edit'; fn: (doc: Y.Doc) => void; resolve: () => void; reject: (err: unknown) => void }
  | { kind: 'compact' };

type WriteTask = Extract<Task, { kind: 'update' | 'edit' }>;

export interface RoomOptions {
  store: NotebookStore;
  logger: SyncLogger;
  compactEvery: number;
  compactIdleMs: number;
  /** No connections and no holds left. */
  onIdle(room: Room): void;
  /** Storage failed; the room has closed its connections and must be forgotten. */
  onFailed(room: Room): void;
}

export type RoomState = 'open' | 'closing' | 'closed' | 'failed';

export class Room {
  state: RoomState = 'open';
  readonly awareness: awarenessProtocol.Awareness;
  readonly #conns = new Set<Connection>();
  #holds = 0;
  readonly #tasks: Task[] = [];
  #isDraining = false;
  #isScheduled = false;
  #flushWaiters: Array<() => void> = [];
  #captured: Array<{ update: Uint8Array; origin: unknown }> = [];
  #lastSeq: number;
  #snapshotSeq: number;
  #compacting: Promise<void> | null = null;
  #idleTimer: NodeJS.Timeout | undefined;

  /** Loads the notebook's doc from storage: the snapshot, then the log in order. */
  static async load(id: string, opts: RoomOptions): Promise<Room> {
    const stored = await opts.store.loadDoc(id);
    const doc = new Y.Doc();
    doc.transact(() => {
      if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
      for (const u of stored.updates) Y.applyUpdate(doc, u);
    });
    return new Room(id, doc, stored.lastSeq, stored.lastSeq - stored.updates.length, opts);
  }

  private constructor(readonly id: string, readonly doc: Y.Doc, lastSeq: number, snapshotSeq: number, private readonly opts: RoomOptions) {
    this.#lastSeq = lastSeq;
    this.#snapshotSeq = snapshotSeq;
    doc.on('update', (update: Uint8Array, origin: unknown) => { this.#captured.push({ update, origin }); });
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.#onAwarenessUpdate);
  }

  get connectionCount(): number {
    return this.#conns.size;
  }

  get isIdle(): boolean {
    return this.#conns.size === 0 && this.#holds === 0;
  }

  /** Log entries after the last snapshot (what compaction would fold in). */
  get logLength(): number {
    return this.#lastSeq - this.#snapshotSeq;
  }

  /** Keeps the room loaded while something (an upgrade in progress, a server edit) uses it. */
  hold(): void {
    this.#holds++;
  }

  release(): void {
    this.#holds--;
    if (this.isIdle) this.opts.onIdle(this);
  }

  addConnection(socket: CollabSocket, options: ConnectionOptions): Connection {
    if (this.state === 'closed' || this.state === 'failed') throw new Error(`room ${this.id} is ${this.state}`);
    const conn = new Connection(this, socket, options);
    this.#conns.add(conn);
    if (!options.canWrite && options.wantsAck) this.#send(conn, writeReadOnly(options.readOnlyReason ?? 'read-only'));
    // Our sync step 1 goes through the queue so the state vector it carries is a stored one.
    this.#enqueue({ kind: 'greet', conn });
    const states = this.awareness.getStates();
    if (states.size > 0) {
      this.#send(conn, writeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...states.keys()])));
    }
    return conn;
  }

  /** One message from a client. Malformed input closes that connection only. */
  receive(conn: Connection, bytes: Uint8Array): void {
    if (conn.isClosed) return;
    let msg: ClientMessage;
    try {
      msg = readClientMessage(bytes);
    } catch (err) {
      this.#closeMalformed(conn, err);
      return;
    }
    switch (msg.type) {
      case 'syncStep1':
        this.#enqueue({ kind: 'read', conn, stateVector: msg.stateVector });
        return;
      case 'syncStep2':
      case 'update':
        if (conn.options.canWrite) this.#enqueue({ kind: 'update', conn, update: msg.update });
        else this.#refuseWrite(conn, msg.update);
        return;
      case 'awareness':
        try {
          awarenessProtocol.applyAwarenessUpdate(this.awareness, msg.update, conn);
        } catch (err) {
          this.#closeMalformed(conn, err);
        }
        return;
      case 'queryAwareness': {
        const ids = [...this.awareness.getStates().keys()];
        this.#send(conn, writeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
        return;
      }
      default:
        return assertNever(msg);
    }
  }

  /** The socket has closed (or is being closed by us). Idempotent. */
  removeConnection(conn: Connection): void {
    conn.isClosed = true;
    if (!this.#conns.delete(conn)) return;
    if (conn.awarenessIds.size > 0 && this.state !== 'closed') {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessIds], null);
    }
    if (this.isIdle) this.opts.onIdle(this);
  }

  closeConnection(conn: Connection, code: number = closeReasons.malformed.code, reason: string = closeReasons.malformed.reason): void {
    if (!conn.isClosed) {
      conn.isClosed = true;
      try {
        conn.socket.close(code, reason);
      } catch {}
    }
    this.removeConnection(conn);
  }

  closeAllConnections(code: number, reason: string): void {
    for (const conn of [...this.#conns]) this.closeConnection(conn, code, reason);
  }

  /** Runs `fn` on the doc as a server edit: stored, then relayed, like a client's update. */
  applyServerEdit(fn: (doc: Y.Doc) => void): Promise<void> {
    if (this.state === 'closed' || this.state === 'failed') return Promise.reject(new Error(`room ${this.id} is ${this.state}`));
    return new Promise((resolve, reject) => this.#enqueue({ kind: 'edit', fn, resolve, reject }));
  }

  /** Resolves when every queued message has been handled (and stored). */
  flush(): Promise<void> {
    if (!this.#isDraining && !this.#isScheduled && this.#tasks.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  /** Writes a snapshot now if the log has entries; resolves when it is stored (or failed and logged). */
  async compact(): Promise<void> {
    this.#enqueue({ kind: 'compact' });
    await this.flush();
    await this.#compacting;
  }

  /** Final step of closing: stops timers and frees the doc. */
  destroy(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.#idleTimer);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  // --- the queue ---

  #enqueue(task: Task): void {
    this.#tasks.push(task);
    if (!this.#isDraining && !this.#isScheduled) {
      this.#isScheduled = true;
      // A microtask: the update is stored and relayed in the same event-loop turn it arrived in
      // (setImmediate batched more across sockets but added a turn of latency per message).
      // Whatever arrives while a store write is pending is stored together in the next commit.
      queueMicrotask(() => void this.#drain());
    }
  }

  async #drain(): Promise<void> {
    this.#isScheduled = false;
    if (this.#isDraining) return;
    this.#isDraining = true;
    try {
      while (this.#tasks.length > 0 && (this.state === 'open' || this.state === 'closing')) {
        const head = this.#tasks[0];
        if (head.kind === 'update' || head.kind === 'edit') {
          let n = 1;
          while (n < this.#tasks.length && (this.#tasks[n].kind === 'update' || this.#tasks[n].kind === 'edit')) n++;
          await this.#writeBatch(this.#tasks.splice(0, n) as WriteTask[]);
        } else {
          this.#tasks.shift();
          this.#runRead(head);
        }
      }
    } catch (err) {
      this.opts.logger.error({ err, notebookId: this.id }, 'collab room queue failed');
      this.#fail(err);
    } finally {
      this.#isDraining = false;
      if (this.#tasks.length === 0 || this.state === 'failed' || this.state === 'closed') {
        const waiters = this.#flushWaiters;
        this.#flushWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  #runRead(task: Exclude<Task, WriteTask>): void {
    switch (task.kind) {
      case 'greet':
        this.#send(task.conn, writeSyncStep1(Y.encodeStateVector(this.doc)));
        return;
      case 'read': {
        if (task.conn.isClosed) return;
        this.#send(task.conn, writeSyncStep2(Y.encodeStateAsUpdate(this.doc, task.stateVector)));
        return;
      }
      case 'compact':
        this.#startCompaction();
        return;
      default:
        return assertNever(task);
    }
  }

  async #writeBatch(batch: WriteTask[]): Promise<void> {
    this.#captured = [];
    const malformed = new Map<Connection, unknown>();
    const editErrors = new Map<WriteTask, unknown>();
    for (const task of batch) {
      if (task.kind === 'update') {
        if (malformed.has(task.conn)) continue;
        try {
          Y.applyUpdate(this.doc, task.update, task.conn);
        } catch (err) {
          // Whatever part did apply was captured and is stored below, keeping doc == storage.
          malformed.set(task.conn, err);
        }
      } else {
        try {
          this.doc.transact(() => task.fn(this.doc), serverEditOrigin);
        } catch (err) {
          editErrors.set(task, err);
        }
      }
    }
    const changes = this.#captured;
    this.#captured = [];
    if (changes.length > 0) {
      try {
        this.#lastSeq = await this.#store(changes.map((c) => c.update));
      } catch (err) {
        this.opts.logger.error({ err, notebookId: this.id }, 'storing a collab update failed; closing the room');
        for (const task of batch) if (task.kind === 'edit') task.reject(err);
        this.#fail(err);
        return;
      }
      for (const change of changes) {
        const msg = writeUpdate(change.update);
        for (const conn of this.#conns) if (conn !== change.origin) this.#send(conn, msg);
      }
    }
    let savedMsg: Uint8Array | undefined;
    const acked = new Set<Connection>();
    for (const task of batch) {
      if (task.kind === 'edit') {
        if (editErrors.has(task)) task.reject(editErrors.get(task));
        else task.resolve();
        continue;
      }
      const conn = task.conn;
      if (!conn.options.wantsAck || conn.isClosed || malformed.has(conn) || acked.has(conn)) continue;
      acked.add(conn);
      savedMsg ??= writeSaved(Y.encodeStateVector(this.doc));
      this.#send(conn, savedMsg);
    }
    for (const [conn, err] of malformed) this.#closeMalformed(conn, err);
    if (changes.length > 0) this.#afterStored();
  }

  /**
   * One append per change, in one commit when the store can. (Not `Y.mergeUpdates`: it re-sorts
   * its decoders per client segment, quadratic in the batch, and a server that fell behind under
   * load then fell further behind merging ever larger batches.)
   */
  async #store(updates: Uint8Array[]): Promise<number> {
    const { store } = this.opts;
    if (updates.length === 1) return store.appendUpdate(this.id, updates[0]);
    if (store.appendUpdates) return store.appendUpdates(this.id, updates);
    let seq = 0;
    for (const u of updates) seq = await store.appendUpdate(this.id, u);
    return seq;
  }

  #afterStored(): void {
    if (this.logLength >= this.opts.compactEvery) this.#enqueue({ kind: 'compact' });
    if (this.opts.compactIdleMs > 0) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = setTimeout(() => {
        if (this.state === 'open' && this.logLength > 0) this.#enqueue({ kind: 'compact' });
      }, this.opts.compactIdleMs);
      this.#idleTimer.unref();
    }
  }

  /** Must run between write batches: then the doc is exactly what storage holds up to `#lastSeq`. */
  #startCompaction(): void {
    if (this.#compacting || this.logLength <= 0) return;
    const uptoSeq = this.#lastSeq;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.#compacting = this.opts.store.compact(this.id, snapshot, uptoSeq).then(
      () => { this.#snapshotSeq = Math.max(this.#snapshotSeq, uptoSeq); },
      (err: unknown) => { this.opts.logger.error({ err, notebookId: this.id }, 'compaction failed; the log is kept'); },
    ).finally(() => { this.#compacting = null; });
  }

  #fail(_err: unknown): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    for (const task of this.#tasks.splice(0)) {
      if (task.kind === 'edit') task.reject(new Error(`room ${this.id} failed: storage error`));
    }
    // 1011 "internal error": not in the 4400 range, so clients reconnect (and resend their edits).
    for (const conn of [...this.#conns]) {
      conn.isClosed = true;
      this.#conns.delete(conn);
      try {
        conn.socket.close(1011, 'storage failed');
      } catch {}
    }
    clearTimeout(this.#idleTimer);
    this.awareness.off('update', this.#onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.opts.onFailed(this);
  }

  // --- sending ---

  #send(conn: Connection, msg: Uint8Array): void {
    if (conn.isClosed || conn.socket.readyState !== wsOpen) return;
    if (conn.socket.bufferedAmount > maxBufferedBytes) {
      this.opts.logger.warn({ notebookId: this.id, conn: conn.options.label }, 'collab client too slow; disconnecting');
      this.closeConnection(conn, 1013, 'too slow, reconnect');
      return;
    }
    try {
      conn.socket.send(msg, conn.onSendError);
    } catch {
      this.closeConnection(conn);
    }
  }

  #refuseWrite(conn: Connection, update: Uint8Array): void {
    if (!conn.options.wantsAck || conn.hasRepeatedReadOnly) return;
    let isNew: boolean;
    try {
      isNew = hasNewContent(this.doc, update);
    } catch (err) {
      this.#closeMalformed(conn, err);
      return;
    }
    if (!isNew) return;
    conn.hasRepeatedReadOnly = true;
    this.#send(conn, writeReadOnly(conn.options.readOnlyReason ?? 'read-only'));
  }

  #closeMalformed(conn: Connection, err: unknown): void {
    this.opts.logger.warn({ notebookId: this.id, conn: conn.options.label, err: err instanceof Error ? err.message : String(err) }, 'malformed collab message; closing that connection');
    this.closeConnection(conn, closeReasons.malformed.code, closeReasons.malformed.reason);
  }

  #onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin instanceof Connection) {
      // `updated` too: a client that reconnects re-announces a state the room already knows.
      for (const id of added) origin.awarenessIds.add(id);
      for (const id of updated) origin.awarenessIds.add(id);
      for (const id of removed) origin.awarenessIds.delete(id);
    }
    const changed = added.concat(updated, removed);
    if (changed.length === 0) return;
    const msg = writeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    for (const conn of this.#conns) if (conn !== origin) this.#send(conn, msg);
  };
}

function assertNever(x: never): never {
  throw new Error(`unexpected: ${JSON.stringify(x)}`);
}
