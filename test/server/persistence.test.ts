import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../server/persistence/database.ts';
import { createMemoryNotebookStore } from '../../server/persistence/memoryStore.ts';
import { createSqlNotebookStore } from '../../server/persistence/sqlStore.ts';
import { runPersistenceContract } from '../harness/persistenceContract.ts';

runPersistenceContract('memory', async ({ now }) => ({ store: createMemoryNotebookStore({ now }) }));

runPersistenceContract('sqlite', async ({ now }) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-store-'));
  const open = async () => createSqlNotebookStore(await openDatabase({ dataDir }), { now, ownsDatabase: true });
  let store = await open();
  return {
    store,
    reopen: async () => { await store.close(); store = await open(); return store; },
    cleanup: async () => { fs.rmSync(dataDir, { recursive: true, force: true }); },
  };
}, { fileBacked: true });

describe('SQLite store sharing the connection', () => {
  it('an append while another module has a transaction open is not rolled back with it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'madang-tx-'));
    const db = await openDatabase({ dataDir });
    try {
      const store = createSqlNotebookStore(db);
      await store.createNotebook({ id: 'nb-tx-aaa', title: 'a' });
      let append: Promise<number> | undefined;
      let appendMany: Promise<number> | undefined;
      await expect(db.transaction().execute(async (trx) => {
        await trx.insertInto('notebooks')
          .values({ id: 'nb-tx-bbb', title: 'b', created_at: 'x', updated_at: 'x', deleted_at: null, created_by: null })
          .execute();
        append = store.appendUpdate('nb-tx-aaa', Uint8Array.from([1, 2]));
        appendMany = store.appendUpdates?.('nb-tx-aaa', [Uint8Array.from([3]), Uint8Array.from([4])]);
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('rollback');
      })).rejects.toThrow('rollback');
      expect(await append).toBe(1);
      expect(await appendMany).toBe(3);
      expect((await store.loadDoc('nb-tx-aaa')).updates.map((u) => Array.from(u))).toEqual([[1, 2], [3], [4]]);
      expect(await store.getNotebook('nb-tx-bbb')).toBeNull();
    } finally {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('openDatabase', () => {
  it('creates <dataDir>/madang.db in WAL mode with foreign keys on, and migrates idempotently', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'madang-db-')), 'nested');
    try {
      let db = await openDatabase({ dataDir });
      expect(fs.existsSync(path.join(dataDir, 'madang.db'))).toBe(true);
      const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
      expect(mode.rows[0].journal_mode).toBe('wal');
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
      expect(fk.rows[0].foreign_keys).toBe(1);
      await db.destroy();
      db = await openDatabase({ dataDir });
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(db);
      expect(tables.rows.map((r) => r.name)).toEqual(expect.arrayContaining(['notebooks', 'doc_updates', 'doc_snapshots']));
      await db.destroy();
    } finally {
      fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it('refuses a Postgres URL with a clear message (not supported yet)', async () => {
    await expect(openDatabase({ dataDir: os.tmpdir(), databaseUrl: 'postgres://x/y' })).rejects.toThrow(/Postgres/);
  });
});
