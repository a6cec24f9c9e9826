/**
 * Opens the database and brings its schema up to date.
 *
 * Embedded default: one SQLite file, `<dataDir>/madang.db`, through Kysely's SqliteDialect over
 * better-sqlite3. Postgres (`DATABASE_URL`) arrives with scale-out; everything above this file
 * uses the Kysely query builder with portable SQL so that switch stays local.
 *
 * Durability: WAL with `synchronous=NORMAL` commits survive a process crash (SIGKILL) — the WAL is
 * written before the commit returns, only the fsync is deferred to checkpoints, so only a power
 * loss can drop the newest commits. That is the promise `NotebookStore.appendUpdate` makes.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';
import { MadangError } from '../../shared/errors.ts';
import { migrations } from './migrations/index.ts';
import type { DatabaseSchema } from './schema.ts';

export const databaseFileName = 'madang.db';

const sqliteHandles = new WeakMap<Kysely<any>, Database.Database>();

/**
 * The better-sqlite3 handle under a database from `openDatabase`, for hot paths that run one
 * prepared statement (see sqlStore's append); undefined for any other database. Never run a
 * statement on it while `inTransaction` is true: that transaction belongs to a Kysely caller
 * awaiting between its statements, and the statement would join (and roll back with) it.
 */
export function sqliteHandleOf(db: Kysely<any>): Database.Database | undefined {
  return sqliteHandles.get(db);
}

export interface OpenDatabaseOptions {
  /** The data dir; created if missing. */
  dataDir: string;
  /** `postgres://…` (not supported yet) or undefined for the embedded SQLite file. */
  databaseUrl?: string;
  /** Milliseconds a writer waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Kysely<DatabaseSchema>> {
  if (opts.databaseUrl !== undefined) {
    throw new MadangError('invalid_input', {
      ko: 'Postgres 저장소는 아직 지원하지 않습니다. DATABASE_URL을 비우면 내장 SQLite를 씁니다.',
      en: 'Postgres storage is not supported yet; unset DATABASE_URL to use the embedded SQLite database.',
    });
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const sqlite = new Database(path.join(opts.dataDir, databaseFileName));
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    sqlite.pragma('foreign_keys = ON');
  } catch (err) {
    sqlite.close();
    throw err;
  }
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    await migrateToLatest(db);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  sqliteHandles.set(db, sqlite);
  return db;
}

/** Runs every pending migration; throws (with the failing migration's name) if one fails. */
export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result = await migrator.migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed`, { cause: result.error });
  }
  return result;
}
