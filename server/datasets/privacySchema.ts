/** Row types of migration `004_privacy` (datasets, policies, reviews, extract builds). */
import type { Kysely } from 'kysely';
import type { AuthTables } from '../auth/authSchema.ts';

export interface DatasetsTable {
  id: string;
  name: string;
  created_by: string | null;
  created_at: string;
}

export interface DatasetVersionsTable {
  id: string;
  dataset_id: string;
  version: number;
  original_name: string;
  format: 'csv' | 'parquet';
  encoding: string | null;
  delimiter: string | null;
  row_count: number;
  byte_size: number;
  source_hash: string;
  columns_json: string;
  raw_dir: string;
  derived_from: string | null;
  created_by: string | null;
  created_at: string;
}

export interface PolicyVersionsTable {
  id: string;
  dataset_id: string;
  version: number;
  dataset_version_id: string;
  policy_json: string;
  note: string;
  author_id: string;
  author_org_id: string;
  preview_json: string;
  created_at: string;
}

export interface PolicyReviewsTable {
  id: string;
  policy_version_id: string;
  user_id: string;
  org_id: string;
  decision: 'approve' | 'request_changes' | 'comment';
  comment: string;
  created_at: string;
}

export interface ExtractBuildsTable {
  id: string;
  dataset_id: string;
  policy_version_id: string;
  extract_name: string;
  extract_version: number;
  input_hash: string;
  report_json: string;
  built_by: string | null;
  built_at: string;
}

export interface PrivacyTables {
  datasets: DatasetsTable;
  dataset_versions: DatasetVersionsTable;
  policy_versions: PolicyVersionsTable;
  policy_reviews: PolicyReviewsTable;
  extract_builds: ExtractBuildsTable;
}

/** The database as this module sees it (its tables plus accounts, for names and the audit log). */
export type PrivacyDb = Kysely<PrivacyTables & AuthTables>;

/** `DatabaseSchema` does not list these tables (owned elsewhere); the cast is the one bridge. */
export function asPrivacyDb(db: Kysely<any>): PrivacyDb {
  return db as PrivacyDb;
}
