/**
 * The small wiring for one-shot CLI commands (`madang notebook list|import|export`): the database
 * and the notebook store, no rooms, no HTTP. It lives apart from `server/index.ts` so these
 * commands do not load every feature the server composes (DuckDB, stories, datasets…), which
 * would cost seconds per command.
 */
import { mkdir } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import { openDatabase } from '../persistence/database.ts';
import type { DatabaseSchema } from '../persistence/schema.ts';
import { createSqlNotebookStore } from '../persistence/sqlStore.ts';
import type { NotebookStore } from '../persistence/adapter.ts';
import { extractVersionIndex, pinExtractRefs } from '../extracts/pins.ts';
import { NotebookService } from './service.ts';

/** The data dir holds password hashes, sessions and raw datasets: owner-only when we create it. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
}

export interface NotebookStorage {
  notebooks: NotebookService;
  store: NotebookStore;
  db: Kysely<DatabaseSchema>;
  close(): Promise<void>;
}

export async function openStorage(config: Pick<Config, 'dataDir' | 'databaseUrl'>, options: { create: boolean }): Promise<NotebookStorage> {
  if (options.create) await prepareDataDir(config.dataDir);
  const db = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const store = createSqlNotebookStore(db);
  return {
    // Imports pin to the versions already in the catalog (the CLI never registers public data).
    notebooks: new NotebookService({ store, pinExtracts: (refs) => pinExtractRefs(refs, extractVersionIndex(db)) }),
    store,
    db,
    async close() {
      await store.close();
      await db.destroy();
    },
  };
}
