/**
 * The notebook row's title follows the doc's `meta.title`. People rename a notebook in place on
 * its page, which edits `meta.title` in the Y.Doc (everyone sees it at once); the home page lists
 * rows, so the row must catch up. This wraps the store the rooms write through: after an update
 * is stored, if the live doc's title differs from the last one the row is known to have, the row
 * is renamed (validated like any title; a title no API would accept is left in the doc only).
 *
 * The rename runs after `appendUpdate` has answered, chained per notebook, so a title edit never
 * delays relaying or acknowledging the update itself.
 */
import type * as Y from 'yjs';
import { readMeta } from '../../shared/schema/notebook.ts';
import type { NotebookStore } from '../persistence/adapter.ts';
import { titleSchema } from './service.ts';

export interface TitleSyncedStore extends NotebookStore {
  /** Resolves when every scheduled row rename has finished (shutdown, tests). */
  settled(): Promise<void>;
}

export interface TitleSyncOptions {
  /** The doc of a loaded room, if any (`RoomManager.loadedDoc`). */
  liveDoc: (notebookId: string) => Y.Doc | undefined;
  onError?: (err: unknown, notebookId: string) => void;
}

export function withRowTitleFromDoc(store: NotebookStore, opts: TitleSyncOptions): TitleSyncedStore {
  /** Doc title last reconciled with the row, per notebook (no entry: not checked yet). */
  const reconciled = new Map<string, string>();
  const chains = new Map<string, Promise<void>>();

  function schedule(notebookId: string, docTitle: string): void {
    const previous = chains.get(notebookId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (reconciled.get(notebookId) === docTitle) return;
        const parsed = titleSchema.safeParse(docTitle);
        if (parsed.success) {
          const row = await store.getNotebook(notebookId);
          if (!row || row.deletedAt !== null) return;
          if (row.title !== parsed.data) await store.renameNotebook(notebookId, parsed.data);
        }
        reconciled.set(notebookId, docTitle);
      })
      .catch((err: unknown) => opts.onError?.(err, notebookId))
      .finally(() => {
        if (chains.get(notebookId) === next) chains.delete(notebookId);
      });
    chains.set(notebookId, next);
  }

  function afterStored(notebookId: string): void {
    const doc = opts.liveDoc(notebookId);
    if (!doc) return;
    const title = readMeta(doc).title;
    if (reconciled.get(notebookId) !== title) schedule(notebookId, title);
  }

  const overrides: Partial<TitleSyncedStore> = {
    async appendUpdate(notebookId, update) {
      const seq = await store.appendUpdate(notebookId, update);
      afterStored(notebookId);
      return seq;
    },
    async settled() {
      while (chains.size > 0) await Promise.allSettled([...chains.values()]);
    },
  };
  // Optional capabilities pass through only when the store has them (rooms check for them).
  if (store.appendUpdates) {
    const appendUpdates = store.appendUpdates.bind(store);
    overrides.appendUpdates = async (notebookId, updates) => {
      const seq = await appendUpdates(notebookId, updates);
      afterStored(notebookId);
      return seq;
    };
  }
  // Everything else is the store's own, so methods added to NotebookStore later keep working.
  return new Proxy(store, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof TitleSyncedStore];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as TitleSyncedStore;
}
