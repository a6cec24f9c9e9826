/**
 * Stories for citizens (issue 6): a story per published notebook (its slug is the public
 * address), immutable versions (drafts waiting for checks or a steward, then published), and
 * citizen feedback with members' public replies. Row types: `server/stories/storeSchema.ts`.
 */
import { sql, type Kysely } from 'kysely';

// Migrations must not depend on the app's current schema types (they describe the past).
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('stories')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notebook_id', 'text', (c) => c.notNull().unique())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    // The newest published version (null until the first one is published).
    .addColumn('current_version', 'integer')
    // Unpublishing hides the pages but keeps every version (the record).
    .addColumn('unpublished_at', 'text')
    .execute();
  await db.schema
    .createTable('story_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('story_id', 'text', (c) => c.notNull().references('stories.id'))
    // Assigned when published (1, 2, ...); null for drafts.
    .addColumn('version', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('blocked', 'review', 'published', 'rejected', 'discarded')`))
    .addColumn('content_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('review_requested_at', 'text')
    .addColumn('review_note', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('published_at', 'text')
    .execute();
  await db.schema.createIndex('story_versions_story').on('story_versions').columns(['story_id', 'version']).execute();
  await db.schema
    .createTable('story_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('story_id', 'text', (c) => c.notNull().references('stories.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('moderated_by', 'text')
    .addColumn('moderated_at', 'text')
    .addColumn('reply', 'text')
    .addColumn('reply_by', 'text')
    .addColumn('reply_at', 'text')
    .execute();
  await db.schema.createIndex('story_feedback_story').on('story_feedback').columns(['story_id', 'created_at']).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('story_feedback').ifExists().execute();
  await db.schema.dropTable('story_versions').ifExists().execute();
  await db.schema.dropTable('stories').ifExists().execute();
}
