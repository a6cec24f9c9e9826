/**
 * Notebook rows, the Yjs update log and snapshots (issue 2). Row types: `../schema.ts`.
 *
 * Portable SQL only (Kysely's schema builder, `blob` is `bytea` on Postgres via the dialect), so
 * the same migration can later run on Postgres.
 */
import type { Kysely } from 'kysely';

// Migrations describe the past, so they must not depend on today's schema types.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('notebooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addColumn('created_by', 'text')
    .execute();
  await db.schema.createIndex('notebooks_updated_at').on('notebooks').column('updated_at').execute();

  await db.schema
    .createTable('doc_updates')
    .addColumn('notebook_id', 'text', (c) => c.notNull().references('notebooks.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', 'blob', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('doc_updates_pk', ['notebook_id', 'seq'])
    .execute();

  await db.schema
    .createTable('doc_snapshots')
    .addColumn('notebook_id', 'text', (c) => c.primaryKey().references('notebooks.id'))
    .addColumn('data', 'blob', (c) => c.notNull())
    .addColumn('upto_seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('doc_snapshots').ifExists().execute();
  await db.schema.dropTable('doc_updates').ifExists().execute();
  await db.schema.dropTable('notebooks').ifExists().execute();
}
