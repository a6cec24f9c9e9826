/**
 * `NotebookStore` in memory: for tests, the in-memory benchmark case, and one-shot tools. It keeps
 * the same rules as the SQL store (the persistence contract suite runs against both), and copies
 * bytes on the way in so a caller reusing its buffer cannot change stored history.
 */
import { MadangError } from '../../shared/errors.ts';
import type { NotebookRecord, NotebookStore, StoredDocState } from './adapter.ts';

interface Entry {
  record: NotebookRecord;
  snapshot: { data: Uint8Array; uptoSeq: number } | null;
  updates: { seq: number; data: Uint8Array }[];
  lastSeq: number;
}

const touchIntervalMs = 1000;

export function createMemoryNotebookStore(opts: { now?: () => Date } = {}): NotebookStore {
  const now = opts.now ?? (() => new Date());
  const entries = new Map<string, Entry>();

  function entry(id: string): Entry {
    const e = entries.get(id);
    if (!e) throw new MadangError('not_found', { ko: `노트북을 찾을 수 없습니다: ${id}`, en: `notebook not found: ${id}` });
    return e;
  }

  return {
    async createNotebook(input) {
      if (entries.has(input.id)) {
        throw new MadangError('conflict', { ko: `이미 있는 노트북 id입니다: ${input.id}`, en: `notebook id already exists: ${input.id}` });
      }
      const at = now().toISOString();
      const record: NotebookRecord = {
        id: input.id, title: input.title, createdAt: at, updatedAt: at, deletedAt: null,
        createdBy: input.createdBy ?? null,
      };
      const updates = input.initialUpdate !== undefined ? [{ seq: 1, data: input.initialUpdate.slice() }] : [];
      entries.set(input.id, { record, snapshot: null, updates, lastSeq: updates.length });
      return { ...record };
    },

    async getNotebook(id) {
      const e = entries.get(id);
      return e ? { ...e.record } : null;
    },

    async listNotebooks() {
      return [...entries.values()]
        .map((e) => e.record)
        .filter((r) => r.deletedAt === null)
        .sort((a, b) => cmpDesc(a.updatedAt, b.updatedAt) || cmpDesc(a.createdAt, b.createdAt) || cmpDesc(a.id, b.id))
        .map((r) => ({ ...r }));
    },

    async renameNotebook(id, title) {
      const e = entries.get(id);
      if (!e || e.record.deletedAt !== null) return null;
      e.record = { ...e.record, title, updatedAt: now().toISOString() };
      return { ...e.record };
    },

    async deleteNotebook(id) {
      const e = entries.get(id);
      if (!e || e.record.deletedAt !== null) return false;
      const at = now().toISOString();
      e.record = { ...e.record, deletedAt: at, updatedAt: at };
      return true;
    },

    async loadDoc(notebookId): Promise<StoredDocState> {
      const e = entries.get(notebookId);
      if (!e) return { snapshot: null, updates: [], lastSeq: 0 };
      return { snapshot: e.snapshot?.data ?? null, updates: e.updates.map((u) => u.data), lastSeq: e.lastSeq };
    },

    async appendUpdate(notebookId, update) {
      const e = entry(notebookId);
      const seq = ++e.lastSeq;
      e.updates.push({ seq, data: update.slice() });
      const at = now();
      if (Date.parse(e.record.updatedAt) < at.getTime() - touchIntervalMs) {
        e.record = { ...e.record, updatedAt: at.toISOString() };
      }
      return seq;
    },

    async appendUpdates(notebookId, updates) {
      const e = entry(notebookId);
      for (const u of updates) e.updates.push({ seq: ++e.lastSeq, data: u.slice() });
      return e.lastSeq;
    },

    async compact(notebookId, snapshot, uptoSeq) {
      if (!Number.isInteger(uptoSeq) || uptoSeq < 0) throw new RangeError(`invalid uptoSeq: ${uptoSeq}`);
      const e = entry(notebookId);
      if (e.snapshot && e.snapshot.uptoSeq >= uptoSeq) return;
      if (uptoSeq > e.lastSeq) throw new RangeError(`compact up to ${uptoSeq} but the log ends at ${e.lastSeq}`);
      e.snapshot = { data: snapshot.slice(), uptoSeq };
      e.updates = e.updates.filter((u) => u.seq > uptoSeq);
    },

    async countUpdates(notebookId) {
      return entries.get(notebookId)?.updates.length ?? 0;
    },

    async close() {},
  };
}

function cmpDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}
