/**
 * Storage behind one interface (like y-websocket's `setPersistence` and tldraw's TLSyncStorage).
 * The collab server depends only on this; SQLite is the embedded default, Postgres comes with
 * scale-out. Every adapter must pass `test/harness/persistenceContract.ts`.
 */
export interface NotebookRecord {
  id: string;
  title: string;
  createdAt: string; // ISO 8601
  updatedAt: string; // ISO 8601
  deletedAt: string | null;
  /** User id of the creator; null/absent for CLI imports and seeded samples. */
  createdBy?: string | null;
}

export interface StoredDocState {
  /** The latest snapshot (a Yjs update encoding the whole doc at `snapshotSeq`), or null. */
  snapshot: Uint8Array | null;
  /** Updates appended after the snapshot, in append order. */
  updates: Uint8Array[];
  /** The sequence number of the last update included (snapshot or log). 0 when empty. */
  lastSeq: number;
}

export interface NotebookStore {
  /** Creates the notebook row; the document starts empty (or with `initialUpdate`). */
  createNotebook(input: { id: string; title: string; initialUpdate?: Uint8Array; createdBy?: string | null }): Promise<NotebookRecord>;
  getNotebook(id: string): Promise<NotebookRecord | null>;
  /** Not deleted, newest first (most recently updated, then most recently created). */
  listNotebooks(): Promise<NotebookRecord[]>;
  renameNotebook(id: string, title: string): Promise<NotebookRecord | null>;
  /** Soft delete: the row and history stay for the audit trail, it disappears from lists. */
  deleteNotebook(id: string): Promise<boolean>;

  /** Everything needed to rebuild the doc. */
  loadDoc(notebookId: string): Promise<StoredDocState>;
  /**
   * Durably appends one Yjs update and returns its sequence number. When the promise resolves,
   * the update survives a process crash (SIGKILL).
   */
  appendUpdate(notebookId: string, update: Uint8Array): Promise<number>;
  /**
   * Optional: appends several updates atomically (consecutive seqs, in order) and returns the last
   * seq. The collab room stores a batch with it when present (one commit instead of one per
   * update); otherwise it calls `appendUpdate` for each.
   */
  appendUpdates?(notebookId: string, updates: Uint8Array[]): Promise<number>;
  /**
   * Replaces the snapshot with `snapshot` (covering every update up to and including `uptoSeq`)
   * and drops those updates, atomically. Updates appended after `uptoSeq` are kept.
   */
  compact(notebookId: string, snapshot: Uint8Array, uptoSeq: number): Promise<void>;
  /** Number of updates in the log after the snapshot (drives background compaction). */
  countUpdates(notebookId: string): Promise<number>;

  close(): Promise<void>;
}
