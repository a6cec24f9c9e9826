/**
 * The privacy pipeline (issue 5): datasets and their immutable versions (raw files live under
 * `<dataDir>/raw/`, never served), versioned policies, reviews (approve / request changes /
 * comment) and extract builds with their sanitise report. Row types: `server/datasets/privacySchema.ts`.
 */
import { sql, type Kysely } from 'kysely';

// Migrations must not depend on the app's current schema types (they describe the past).
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('datasets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('dataset_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv', 'parquet')`))
    .addColumn('encoding', 'text')
    .addColumn('delimiter', 'text')
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    // sha256 of the original file: the input hash extracts record.
    .addColumn('source_hash', 'text', (c) => c.notNull())
    .addColumn('columns_json', 'text', (c) => c.notNull())
    // Folder under `<dataDir>/raw/` with original.*, data.parquet (and normalized.csv).
    .addColumn('raw_dir', 'text', (c) => c.notNull())
    .addColumn('derived_from', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('dataset_versions_unique', ['dataset_id', 'version'])
    .execute();
  await db.schema
    .createTable('policy_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('dataset_version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
    .addColumn('policy_json', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_org_id', 'text', (c) => c.notNull())
    // The sanitise report of the preview run at draft time: what approvers approve.
    .addColumn('preview_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('policy_versions_unique', ['dataset_id', 'version'])
    .execute();
  await db.schema
    .createTable('policy_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_version_id', 'text', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('approve', 'request_changes', 'comment')`))
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('policy_reviews_by_version').on('policy_reviews').column('policy_version_id').execute();
  await db.schema
    .createTable('extract_builds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
    .addColumn('policy_version_id', 'text', (c) => c.notNull().references('policy_versions.id'))
    .addColumn('extract_name', 'text', (c) => c.notNull())
    .addColumn('extract_version', 'integer', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('report_json', 'text', (c) => c.notNull())
    .addColumn('built_by', 'text')
    .addColumn('built_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of ['extract_builds', 'policy_reviews', 'policy_versions', 'dataset_versions', 'datasets']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
