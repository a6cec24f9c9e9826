/**
 * Kysely row types for every table in the database, in one `DatabaseSchema`.
 *
 * Other modules add their tables by defining an interface next to their code (as the accounts
 * module does in `server/auth/authSchema.ts`) and listing it in the `extends` clause below, so this
 * file stays the one place that says what the database holds. Their migration goes into
 * `./migrations/` and its `index.ts`.
 *
 * Timestamps are ISO 8601 strings in UTC (`Date#toISOString()`): they sort as text and mean the
 * same in SQLite and Postgres.
 */
import type { AuthTables } from '../auth/authSchema.ts';

export interface NotebooksTable {
  id: string;
  title: string;
  created_at: string;
  /** Row change (rename, delete) or the latest stored edit, at most about a second stale. */
  updated_at: string;
  /** Soft delete: set once, the row and its history stay for the audit trail. */
  deleted_at: string | null;
  /** User id of whoever created it; null for imports from the CLI and seeded samples. */
  created_by: string | null;
}

/** The append-only Yjs update log; `seq` increases per notebook, starting at 1. */
export interface DocUpdatesTable {
  notebook_id: string;
  seq: number;
  data: Uint8Array;
  created_at: string;
}

/** At most one snapshot per notebook: `Y.encodeStateAsUpdate` of the doc after `upto_seq`. */
export interface DocSnapshotsTable {
  notebook_id: string;
  data: Uint8Array;
  upto_seq: number;
  created_at: string;
}

export interface NotebookTables {
  notebooks: NotebooksTable;
  doc_updates: DocUpdatesTable;
  doc_snapshots: DocSnapshotsTable;
}

/** Every table. Add another module's tables by extending here (see the header comment). */
export interface DatabaseSchema extends NotebookTables, AuthTables {}
