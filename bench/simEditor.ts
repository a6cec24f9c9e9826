/**
 * A simulated editor: a raw `ws` client speaking the y-websocket protocol (sync handshake, then
 * updates), cheap enough that hundreds fit in the benchmark process next to the server under test.
 *
 * Each editor types into its own text (`e<k>`, as people do in their own cells) in a small local
 * Y.Doc, so its updates are real Yjs updates. Every edit embeds the send time in the text, and the
 * sender registers `(clientID, clock)` of the new item with its send time; receivers read
 * `(client, clock)` from the relayed update's header, which is all it takes to time delivery
 * without applying the update (both servers relay the update their doc emitted, whose first struct
 * is the sender's item).
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export interface DeliveryLog {
  /** `${client}:${clock}` -> send time (performance.now ms). */
  sentAt: Map<string, number>;
  /** Called for each update received by an editor other than its author. */
  onDelivery(latencyMs: number, sentAtMs: number): void;
}

export class SimEditor {
  readonly doc = new Y.Doc();
  readonly #text: Y.Text;
  readonly #ws: WebSocket;
  #seq = 0;
  isSynced = false;
  savedCount = 0;
  readonly synced: Promise<void>;
  readonly closed: Promise<void>;

  constructor(url: string, readonly index: number, private readonly log: DeliveryLog) {
    this.#text = this.doc.getText(`e${index}`);
    this.#ws = new WebSocket(url, { perMessageDeflate: false });
    this.#ws.binaryType = 'nodebuffer';
    let resolveSynced!: () => void;
    this.synced = new Promise((r) => { resolveSynced = r; });
    this.closed = new Promise((r) => this.#ws.once('close', () => r()));
    this.#ws.on('open', () => {
      this.#send((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 0); encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc)); });
    });
    this.#ws.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(data);
      const type = decoding.readVarUint(d);
      if (type === 100) { this.savedCount++; return; }
      if (type !== 0) return;
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === 0) {
        // Server's step 1: answer with what it lacks of ours (y-websocket clients do the same).
        this.#send((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, payload)); });
      } else if (sub === 1) {
        if (!this.isSynced) { this.isSynced = true; resolveSynced(); }
      } else if (sub === 2) {
        this.#onUpdate(payload);
      }
    });
    this.doc.on('update', (update: Uint8Array) => {
      this.#send((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint8Array(e, update); });
    });
  }

  /** Types one short edit with its send time in it. */
  edit(): void {
    const clock = Y.getState(this.doc.store, this.doc.clientID);
    const now = performance.now();
    this.log.sentAt.set(`${this.doc.clientID}:${clock}`, now);
    this.#text.insert(this.#text.length, `[${this.index}.${this.#seq++}@${now.toFixed(3)}]`);
  }

  close(): Promise<void> {
    this.#ws.close();
    return this.closed;
  }

  #onUpdate(update: Uint8Array): void {
    // Yjs v1 update header: #clients, then per client #structs, client id, first clock.
    const d = decoding.createDecoder(update);
    if (decoding.readVarUint(d) === 0) return;
    decoding.readVarUint(d);
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    if (client === this.doc.clientID) return;
    const sent = this.log.sentAt.get(`${client}:${clock}`);
    if (sent !== undefined) this.log.onDelivery(performance.now() - sent, sent);
  }

  #send(write: (e: encoding.Encoder) => void): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    write(e);
    this.#ws.send(encoding.toUint8Array(e));
  }
}
