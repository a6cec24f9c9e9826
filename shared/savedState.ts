/**
 * "Is everything I did stored on the server?" as pure functions over Yjs state vectors. No Y.Doc,
 * socket or DOM here, so the client hooks, the server and the tests can share it.
 *
 * A state vector maps each Yjs client id to the number of items it has created (its clock). The
 * server tells ack-clients its durable state vector (protocol message 100 `saved`); our change
 * set is covered when, for every client id we hold items of, the server holds at least as many.
 * We compare every client id, not only `doc.clientID`: edits made offline in an earlier page load
 * come back from IndexedDB under that load's (different) client id and are just as unsaved.
 *
 * Deletions do not advance a clock, so a state vector cannot confirm them; callers track
 * "a deletion was made after the last ack" separately (see `SavedTracker`).
 */
import * as decoding from 'lib0/decoding';

/** client id -> clock (number of items that client created). */
export type StateVector = Map<number, number>;

/** Reads a state vector in `Y.encodeStateVector` encoding (y-protocols' `readStateVector`). */
export function decodeStateVector(bytes: Uint8Array): StateVector {
  const decoder = decoding.createDecoder(bytes);
  const sv: StateVector = new Map();
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    sv.set(client, clock);
  }
  return sv;
}

/** The client ids (with their clocks) in `local` that `remote` does not fully hold. */
export function missingFrom(local: StateVector, remote: StateVector): StateVector {
  const missing: StateVector = new Map();
  for (const [client, clock] of local) {
    if ((remote.get(client) ?? 0) < clock) missing.set(client, clock);
  }
  return missing;
}

/** True when `remote` holds every item counted in `local`. */
export function isCovered(local: StateVector, remote: StateVector): boolean {
  return missingFrom(local, remote).size === 0;
}

/** Pointwise maximum: what is known durable after learning `b` on top of `a`. Returns a new map. */
export function mergeStateVectors(a: StateVector, b: StateVector): StateVector {
  const out: StateVector = new Map(a);
  for (const [client, clock] of b) {
    if ((out.get(client) ?? 0) < clock) out.set(client, clock);
  }
  return out;
}

/**
 * The saved indicator's state, as a value: the durable state vector we know of and whether a
 * local deletion still waits for an ack. Transitions are pure functions below.
 */
export interface SavedTracker {
  /** What the server has told us (or shown us by sending it) is stored. */
  durable: StateVector;
  /** A local deletion happened after the last `saved` message (deletions move no clock). */
  isDeletionPending: boolean;
}

export const initialSavedTracker: SavedTracker = { durable: new Map(), isDeletionPending: false };

/** The server sent `saved` (message 100): its durable state vector. */
export function onServerSaved(t: SavedTracker, serverVector: StateVector): SavedTracker {
  return { durable: mergeStateVectors(t.durable, serverVector), isDeletionPending: false };
}

/**
 * Content reached us from the server (sync step 1's vector, sync step 2, relayed updates). The
 * server stores an update before it relays it or includes it in a sync answer, so whatever it
 * sends is durable.
 */
export function onServerHolds(t: SavedTracker, serverVector: StateVector): SavedTracker {
  return { ...t, durable: mergeStateVectors(t.durable, serverVector) };
}

/** A local transaction deleted something (new items are caught by the clock comparison). */
export function onLocalDeletion(t: SavedTracker): SavedTracker {
  return t.isDeletionPending ? t : { ...t, isDeletionPending: true };
}

/** Saved = the server holds all items of our doc and no local deletion awaits an ack. */
export function isSaved(t: SavedTracker, localVector: StateVector): boolean {
  return !t.isDeletionPending && isCovered(localVector, t.durable);
}
