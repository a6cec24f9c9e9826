/**
 * First start: load every sample notebook in `notebooks/*.md` so a fresh install has something to
 * open. It runs once per data dir: a marker file records that seeding happened, so deleting every
 * sample later does not bring them back on the next restart.
 */
import { mkdir, readdir, readFile, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import type { NotebookRecord } from '../persistence/adapter.ts';
import type { NotebookService } from './service.ts';

/** Name of the marker file in the data dir. */
export const seedMarkerFile = 'seeded-samples.json';

export interface SeedResult {
  /** False when this data dir was seeded before (or already had notebooks). */
  seeded: boolean;
  notebooks: NotebookRecord[];
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The sample files, in name order (stable ids do not matter; a stable order does, for listing). */
export async function listSampleFiles(samplesDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(samplesDir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort().map((n) => path.join(samplesDir, n));
}

/**
 * Imports the samples when the data dir was never seeded and holds no notebooks. `ownerId` (the
 * demo admin, when accounts exist) becomes the owner of each.
 */
export async function seedSampleNotebooks(input: {
  notebooks: NotebookService;
  dataDir: string;
  samplesDir: string;
  ownerId?: string;
}): Promise<SeedResult> {
  const marker = path.join(input.dataDir, seedMarkerFile);
  if (await fileExists(marker)) return { seeded: false, notebooks: [] };
  const existing = await input.notebooks.list();
  const created: NotebookRecord[] = [];
  if (existing.length === 0) {
    // Reverse name order: the list is newest first, so the first sample file ends up on top.
    for (const file of (await listSampleFiles(input.samplesDir)).reverse()) {
      const markdown = await readFile(file, 'utf8');
      created.push(await input.notebooks.importMarkdown(markdown, {
        ownerId: input.ownerId,
        fallbackTitle: path.basename(file, '.md'),
      }));
    }
  }
  await mkdir(input.dataDir, { recursive: true });
  await writeFile(marker, JSON.stringify({ seededAt: new Date().toISOString(), notebooks: created.map((n) => n.id) }, null, 2) + '\n');
  return { seeded: created.length > 0, notebooks: created };
}
