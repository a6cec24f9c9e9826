/**
 * The collab wire format (see `shared/protocol.ts`): reading what clients send, writing what the
 * server sends. Pure functions over bytes; the room decides what to do with them.
 *
 * Incoming messages are decoded completely before anything acts on them, so a malformed message
 * (bad varint, truncated payload, unknown type) is rejected as a whole with `MalformedMessage`.
 * Yjs update payloads are only checked for framing here; their content is checked when applied.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { messageType } from '../../shared/protocol.ts';

/** y-protocols/sync sub-types (its `messageYjsSyncStep1` …). */
const syncStep1 = 0;
const syncStep2 = 1;
const syncUpdate = 2;

export type ClientMessage =
  | { type: 'syncStep1'; stateVector: Uint8Array }
  | { type: 'syncStep2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'queryAwareness' };

export class MalformedMessage extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedMessage';
  }
}

/** Decodes one client message; throws `MalformedMessage` for anything we do not understand. */
export function readClientMessage(bytes: Uint8Array): ClientMessage {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case messageType.sync: {
        const sub = decoding.readVarUint(decoder);
        const payload = decoding.readVarUint8Array(decoder);
        if (sub === syncStep1) {
          // Decoding the state vector here means a bad one fails now, not inside the room's queue.
          Y.decodeStateVector(payload);
          return { type: 'syncStep1', stateVector: payload };
        }
        if (sub === syncStep2) return { type: 'syncStep2', update: payload };
        if (sub === syncUpdate) return { type: 'update', update: payload };
        throw new MalformedMessage(`unknown sync message type: ${sub}`);
      }
      case messageType.awareness:
        return { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
      case messageType.queryAwareness:
        return { type: 'queryAwareness' };
      default:
        throw new MalformedMessage(`unknown message type: ${type}`);
    }
  } catch (err) {
    if (err instanceof MalformedMessage) throw err;
    throw new MalformedMessage(`cannot decode message: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** Sync step 1: the server's state vector ("this is what I hold"). */
export function writeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.sync);
    encoding.writeVarUint(e, syncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** Sync step 2: everything the other side lacks. */
export function writeSyncStep2(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.sync);
    encoding.writeVarUint(e, syncStep2);
    encoding.writeVarUint8Array(e, update);
  });
}

export function writeUpdate(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.sync);
    encoding.writeVarUint(e, syncUpdate);
    encoding.writeVarUint8Array(e, update);
  });
}

export function writeAwareness(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.awareness);
    encoding.writeVarUint8Array(e, update);
  });
}

/** Madang 100 `saved`: the state vector of what the server has durably stored. */
export function writeSaved(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.saved);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** Madang 101 `readOnly`: this connection may read but not write. */
export function writeReadOnly(reason: string): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, messageType.readOnly);
    encoding.writeVarString(e, reason);
  });
}

/**
 * Whether applying `update` would change `doc`: a struct the doc does not have, or a deletion of
 * something not yet deleted. Used to tell a read-only client that an edit was refused, without
 * nagging about the no-op sync step 2 every client sends on connect. (Throws on a malformed
 * update.)
 */
export function hasNewContent(doc: Y.Doc, update: Uint8Array): boolean {
  const { structs, ds } = Y.decodeUpdate(update);
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const s of structs) {
    if (s instanceof Y.Skip) continue;
    if (s.id.clock + s.length > (sv.get(s.id.client) ?? 0)) return true;
  }
  if (ds.clients.size === 0) return false;
  const known = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, ranges] of ds.clients) {
    const have = known.clients.get(client) ?? [];
    for (const r of ranges) {
      // `have` is sorted and merged, so one containing range covers the whole deletion or none does.
      const covering = have.find((h) => h.clock <= r.clock && h.clock + h.len > r.clock);
      if (!covering || covering.clock + covering.len < r.clock + r.len) return true;
    }
  }
  return false;
}
