/**
 * Notebooks as the API and the CLI see them: create, import, export, rename, delete, list. It
 * wraps the store (rows + update log) and the live rooms, so:
 * - a new or imported notebook's content is written as the store's initial update, once, before
 *   any client can join its room;
 * - importing ALWAYS makes a new notebook. Re-creating an existing room's content from a file as
 *   fresh Yjs items would make clients that still hold the old items merge both copies (Jupyter's
 *   duplicated-cells bug), so there is no "import into".
 * - a rename changes the row and the doc's `meta.title` through the room, so open clients see it.
 */
import * as Y from 'yjs';
import { z } from 'zod';
import { MadangError } from '../../shared/errors.ts';
import { newId, isValidNotebookId } from '../../shared/ids.ts';
import { initNotebook, readMeta, setExtracts, setTitle } from '../../shared/schema/notebook.ts';
import {
  applyNotebookFileToDoc,
  notebookFileFromDoc,
  parseNotebookMarkdown,
  serializeNotebookMarkdown,
} from '../../shared/notebookFile.ts';
import type { NotebookRecord, NotebookStore } from '../persistence/adapter.ts';

/** Notebook titles: trimmed, 1–200 characters, no control characters (tabs and newlines included). */
export const titleSchema = z
  .string()
  .trim()
  .min(1, 'title must not be empty')
  // Characters as people count them (code points), as the client does: an emoji is one, not two.
  .refine((t) => [...t].length <= 200, 'title is too long (max 200 characters)')
  // eslint-disable-next-line no-control-regex
  .refine((t) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(t), 'title must not contain control characters');

/** Largest notebook file accepted by import (HTTP and CLI). */
export const maxNotebookFileBytes = 4 * 1024 * 1024;

/** What the service needs from the live rooms (implemented by `server/sync/rooms.ts`). */
export interface LiveDocs {
  /** The doc of a room that is loaded in memory right now, else undefined (never loads one). */
  loadedDoc(id: string): Y.Doc | undefined;
  /** Applies `edit` to the room's doc as a server-originated change: stored, then sent to clients. */
  applyServerEdit(id: string, edit: (doc: Y.Doc) => void): Promise<void>;
  /** Disconnects everyone from a deleted notebook's room and unloads it. */
  closeRoom?(id: string): Promise<void>;
}

export interface NotebookServiceDeps {
  store: NotebookStore;
  /** Absent in one-shot CLI commands that never run rooms. */
  rooms?: LiveDocs;
  /** Makes `ownerId` the owner of a new notebook (accounts module); absent when there are no accounts (CLI). */
  grantOwner?: (notebookId: string, ownerId: string) => Promise<void>;
  /**
   * Pins an imported notebook's unpinned extract refs to the newest live versions and refuses pins
   * to missing or withdrawn versions (`server/extracts/pins.ts`). Absent: refs are kept as written.
   */
  pinExtracts?: (refs: readonly string[]) => Promise<string[]>;
}

function invalidTitle(err: z.ZodError): MadangError {
  const what = err.issues.map((i) => i.message).join('; ');
  return new MadangError('invalid_input', { ko: `제목이 올바르지 않습니다: ${what}`, en: `invalid title: ${what}` });
}

/** Validates a title; throws `invalid_input` with the reason. */
export function parseTitle(value: unknown): string {
  const r = titleSchema.safeParse(value);
  if (!r.success) throw invalidTitle(r.error);
  return r.data;
}

/** Rebuilds a notebook's doc from storage: the snapshot, then the log in append order. */
export async function loadDocFromStore(store: NotebookStore, id: string): Promise<Y.Doc> {
  const state = await store.loadDoc(id);
  const doc = new Y.Doc();
  doc.transact(() => {
    if (state.snapshot) Y.applyUpdate(doc, state.snapshot);
    for (const update of state.updates) Y.applyUpdate(doc, update);
  });
  return doc;
}

export class NotebookService {
  readonly #store: NotebookStore;
  readonly #rooms: LiveDocs | undefined;
  readonly #grantOwner: NotebookServiceDeps['grantOwner'];
  readonly #pinExtracts: NotebookServiceDeps['pinExtracts'];

  constructor(deps: NotebookServiceDeps) {
    this.#store = deps.store;
    this.#rooms = deps.rooms;
    this.#grantOwner = deps.grantOwner;
    this.#pinExtracts = deps.pinExtracts;
  }

  /** A live (not deleted) notebook row, or null (also for malformed ids). */
  async get(id: string): Promise<NotebookRecord | null> {
    if (!isValidNotebookId(id)) return null;
    const row = await this.#store.getNotebook(id);
    return row && row.deletedAt === null ? row : null;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.get(id)) !== null;
  }

  /** Live notebooks, newest first. */
  list(): Promise<NotebookRecord[]> {
    return this.#store.listNotebooks();
  }

  /** A new, empty notebook titled `title`; `ownerId` becomes its owner. */
  async create(input: { title: unknown; ownerId?: string }): Promise<NotebookRecord> {
    const title = parseTitle(input.title);
    const doc = new Y.Doc();
    initNotebook(doc, { title });
    return this.#insert(title, doc, input.ownerId);
  }

  /**
   * A new notebook from a `.md` notebook file. Malformed files are `invalid_input` with the
   * parser's reason; the title comes from the file's front matter. Unpinned extracts are pinned to
   * their newest live version (a file that pins keeps its pin; a pin to a missing or withdrawn
   * version is `invalid_input` naming both), so the notebook computes on fixed rows from the start.
   */
  async importMarkdown(markdown: string, input: { ownerId?: string; fallbackTitle?: string } = {}): Promise<NotebookRecord> {
    if (Buffer.byteLength(markdown, 'utf8') > maxNotebookFileBytes) {
      throw new MadangError('payload_too_large', {
        ko: `노트북 파일이 너무 큽니다 (최대 ${maxNotebookFileBytes / 1024 / 1024}MB)`,
        en: `notebook file too large (max ${maxNotebookFileBytes / 1024 / 1024} MB)`,
      });
    }
    const doc = new Y.Doc();
    try {
      const file = parseNotebookMarkdown(markdown);
      applyNotebookFileToDoc(doc, file);
    } catch (err) {
      if (err instanceof MadangError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw new MadangError('invalid_input', {
        ko: `노트북 파일을 읽을 수 없습니다: ${reason}`,
        en: `cannot read notebook file: ${reason}`,
      }, { cause: err });
    }
    const refs = readMeta(doc).extracts;
    if (refs.length > 0 && this.#pinExtracts) {
      const pinned = await this.#pinExtracts(refs);
      if (pinned.some((r, i) => r !== refs[i])) setExtracts(doc, pinned);
    }
    const fileTitle = readMeta(doc).title;
    const title = parseTitle(fileTitle && fileTitle.trim() !== '' ? fileTitle : (input.fallbackTitle ?? '제목 없음'));
    if (readMeta(doc).title !== title) setTitle(doc, title);
    return this.#insert(title, doc, input.ownerId);
  }

  /** The notebook as a `.md` file: from the live room if it is loaded, else from storage. */
  async exportMarkdown(id: string): Promise<{ record: NotebookRecord; markdown: string }> {
    const record = await this.get(id);
    if (!record) throw notFound(id);
    const live = this.#rooms?.loadedDoc(id);
    const doc = live ?? (await loadDocFromStore(this.#store, id));
    try {
      return { record, markdown: serializeNotebookMarkdown(notebookFileFromDoc(doc)) };
    } finally {
      if (!live) doc.destroy();
    }
  }

  /** Renames the row and the doc's `meta.title` (open clients see the change). */
  async rename(id: string, titleInput: unknown): Promise<NotebookRecord> {
    const title = parseTitle(titleInput);
    if (!(await this.exists(id))) throw notFound(id);
    // Through the room: stored as an ordinary edit and relayed, so open clients see it at once.
    if (!this.#rooms) throw new Error('NotebookService.rename needs the live rooms (a running server)');
    await this.#rooms.applyServerEdit(id, (doc) => setTitle(doc, title));
    const row = await this.#store.renameNotebook(id, title);
    if (!row) throw notFound(id);
    return row;
  }

  /** Soft delete; connected clients are disconnected. */
  async delete(id: string): Promise<void> {
    if (!(await this.exists(id))) throw notFound(id);
    await this.#store.deleteNotebook(id);
    await this.#rooms?.closeRoom?.(id);
  }

  async #insert(title: string, doc: Y.Doc, ownerId: string | undefined): Promise<NotebookRecord> {
    const id = newId();
    const initialUpdate = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    const record = await this.#store.createNotebook({ id, title, initialUpdate });
    if (ownerId !== undefined && this.#grantOwner) await this.#grantOwner(id, ownerId);
    return record;
  }
}

function notFound(id: string): MadangError {
  return new MadangError('not_found', { ko: `노트북을 찾을 수 없습니다: ${id}`, en: `notebook not found: ${id}` });
}
