/**
 * The extract catalog (issue 3): one row per immutable version of a named extract. The Parquet
 * file lives in the data dir (`extracts/<name>/<version>-<hash>.parquet`); the row says what it
 * is, where it came from and whether it was withdrawn. Row type: `server/extracts/catalog.ts`.
 */
import { sql, type Kysely } from 'kysely';

// Migrations must not depend on the app's current schema types (they describe the past).
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('extracts')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('public', 'sanitised')`))
    // sha256 of the Parquet bytes: the ETag and the browser cache key.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // sha256 of the imported source file, so a restart does not register the same data again.
    .addColumn('source_hash', 'text', (c) => c.notNull())
    .addColumn('parquet_file', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('columns_json', 'text', (c) => c.notNull())
    .addColumn('attribution_json', 'text', (c) => c.notNull())
    .addColumn('dataset_id', 'text')
    .addColumn('policy_version_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addPrimaryKeyConstraint('extracts_pk', ['name', 'version'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('extracts').ifExists().execute();
}
