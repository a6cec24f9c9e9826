/**
 * Every migration, by name, for Kysely's `Migrator` (a static provider: no directory scanning, so
 * it works the same under tsx, vitest and a bundle). Names sort in the order they run; add one
 * file per migration and one line here, never edit a released migration.
 */
import type { Migration } from 'kysely';
import * as notebooks001 from './001_notebooks.ts';
import * as auth002 from './002_auth.ts';
import * as extracts003 from './003_extracts.ts';
import * as privacy004 from './004_privacy.ts';
import * as stories005 from './005_stories.ts';

export const migrations: Record<string, Migration> = {
  '001_notebooks': notebooks001,
  '002_auth': auth002,
  '003_extracts': extracts003,
  '004_privacy': privacy004,
  '005_stories': stories005,
};
