/**
 * N in-memory Y.Docs joined by a seeded, unreliable network (after Yjs `tests/testHelper.js` and
 * tldraw's sync fuzz test). Each local update becomes one message per connected peer; messages
 * wait in a queue and are delivered in random order, so peers see updates late and reordered.
 *
 * Links can go down (a peer offline, or the network split into groups). Like a websocket that
 * drops, messages in flight on a link that goes down are lost, and nothing is queued while it is
 * down; when the link comes back both sides exchange what the other lacks (the y-protocols sync
 * step 1/2 handshake: state vector -> missing updates), and those messages are queued too.
 *
 * Everything random comes from `mulberry32(seed)`, and every doc gets a fixed clientID, so a
 * failing seed replays exactly.
 *
 * @example
 *   const net = new SyncNetwork({ peers: 3, seed: 7 });
 *   insertCell(net.docs[0], { kind: 'sql' });
 *   net.deliverRandom(1);
 *   net.flush();
 *   net.assertConverged();
 */
import { deepStrictEqual } from 'node:assert/strict';
import * as Y from 'yjs';
import { getNotebookRoots, listCells, readMeta } from '../../shared/schema/notebook.ts';
import { mulberry32 } from './seededRandom.ts';

/** Helpers over an RNG, so tests read as intent. */
export class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)];
  }
  /** A URL-safe id valid for cells (deterministic, unlike newId()). */
  id(prefix = 'c'): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let s = prefix;
    while (s.length < 12) s += chars[this.int(chars.length)];
    return s;
  }
}

interface Message {
  from: number;
  to: number;
  update: Uint8Array;
}

/** Marks updates applied from the network, so they are not echoed back out. */
const networkOrigin = Symbol('syncNetwork');

export interface SyncNetworkOptions {
  peers: number;
  seed: number;
}

export class SyncNetwork {
  readonly docs: Y.Doc[];
  readonly random: Random;
  /** Messages in flight, in send order; delivery picks among them at random. */
  readonly queue: Message[] = [];
  /** Group number per peer; peers talk only within a group. -1 = offline. */
  readonly #group: number[];
  delivered = 0;
  dropped = 0;

  constructor(options: SyncNetworkOptions) {
    this.random = new Random(options.seed);
    this.#group = Array.from({ length: options.peers }, () => 0);
    this.docs = Array.from({ length: options.peers }, (_, i) => {
      const doc = new Y.Doc();
      // Fixed client ids: Yjs breaks concurrent-insert ties by client id, so replays need them.
      doc.clientID = i + 1;
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === networkOrigin) return;
        for (let to = 0; to < options.peers; to++) {
          if (to !== i && this.isConnected(i, to)) this.queue.push({ from: i, to, update });
        }
      });
      return doc;
    });
  }

  get peerCount(): number {
    return this.docs.length;
  }

  isConnected(a: number, b: number): boolean {
    return this.#group[a] !== -1 && this.#group[a] === this.#group[b];
  }

  isOnline(peer: number): boolean {
    return this.#group[peer] !== -1;
  }

  /** Delivers up to `count` queued messages, each chosen at random. Returns how many it delivered. */
  deliverRandom(count: number): number {
    let n = 0;
    while (n < count && this.queue.length > 0) {
      const [msg] = this.queue.splice(this.random.int(this.queue.length), 1);
      Y.applyUpdate(this.docs[msg.to], msg.update, networkOrigin);
      this.delivered++;
      n++;
    }
    return n;
  }

  /** Takes a peer off the network: its in-flight messages (both ways) are lost. */
  goOffline(peer: number): void {
    this.#setGroups(this.#group.map((g, i) => (i === peer ? -1 : g)));
  }

  goOnline(peer: number): void {
    this.#setGroups(this.#group.map((g, i) => (i === peer ? 0 : g)));
  }

  /** Splits online peers: `groupOf(peer)` names each peer's side. Offline peers stay offline. */
  partition(groupOf: (peer: number) => number): void {
    this.#setGroups(this.#group.map((g, i) => (g === -1 ? -1 : Math.max(0, groupOf(i)))));
  }

  /** Everyone online, in one group. */
  heal(): void {
    this.#setGroups(this.#group.map(() => 0));
  }

  /** Heals the network and delivers every message (in random order) until nothing is in flight. */
  flush(): void {
    this.heal();
    while (this.queue.length > 0) this.deliverRandom(this.queue.length);
  }

  #setGroups(next: number[]): void {
    const before = [...this.#group];
    for (let i = 0; i < next.length; i++) this.#group[i] = next[i];
    const wasConnected = (a: number, b: number) => before[a] !== -1 && before[a] === before[b];
    // Lost in flight: messages on links that just went down.
    const kept = this.queue.filter((m) => this.isConnected(m.from, m.to));
    this.dropped += this.queue.length - kept.length;
    this.queue.length = 0;
    this.queue.push(...kept);
    // Reconnected links run the sync handshake: each side sends what the other lacks.
    for (let a = 0; a < next.length; a++) {
      for (let b = 0; b < next.length; b++) {
        if (a === b || wasConnected(a, b) || !this.isConnected(a, b)) continue;
        const missing = Y.encodeStateAsUpdate(this.docs[a], Y.encodeStateVector(this.docs[b]));
        this.queue.push({ from: a, to: b, update: missing });
      }
    }
  }

  /** Throws (with a readable diff) unless every doc holds the same content and state. */
  assertConverged(): void {
    assertDocsConverged(this.docs);
  }

  destroy(): void {
    for (const doc of this.docs) doc.destroy();
  }
}

/** What a person sees in a notebook, plus the raw shared state, as plain data. */
export function notebookState(doc: Y.Doc) {
  const { cells, comments } = getNotebookRoots(doc);
  return {
    meta: readMeta(doc),
    cells: listCells(doc),
    rawCells: cells.toJSON(),
    comments: comments.toJSON(),
  };
}

function stateVector(doc: Y.Doc): Record<string, number> {
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  return Object.fromEntries([...sv.entries()].sort((a, b) => a[0] - b[0]).map(([k, v]) => [String(k), v]));
}

/**
 * Convergence: equal state vectors (every peer has every update), nothing left pending (no update
 * waiting for a missing dependency), and equal visible content and raw shared maps.
 */
export function assertDocsConverged(docs: readonly Y.Doc[]): void {
  const [first, ...rest] = docs;
  const pending = docs.map((d, i) => ({ peer: i, structs: d.store.pendingStructs !== null, ds: d.store.pendingDs !== null }));
  deepStrictEqual(pending.filter((p) => p.structs || p.ds), [], 'no doc may hold pending (undeliverable) updates');
  rest.forEach((doc, i) => {
    deepStrictEqual(stateVector(doc), stateVector(first), `state vector of peer ${i + 1} differs from peer 0`);
    deepStrictEqual(notebookState(doc), notebookState(first), `content of peer ${i + 1} differs from peer 0`);
  });
}
