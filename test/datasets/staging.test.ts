/**
 * Staging folders left by an import that was stopped part-way (server killed, power cut) are
 * removed before the next staging, once they are old enough that no running import can own them;
 * a young folder (an import running right now, perhaps in the CLI) is kept.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatasetService, staleStagingMs, sweepStaleStaging } from '../../server/datasets/datasetService.ts';
import { openDatabase } from '../../server/persistence/database.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function incomingWith(ages: Record<string, number>, now: number): Promise<{ dataDir: string; incoming: string }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'madang-staging-'));
  dirs.push(dataDir);
  const incoming = path.join(dataDir, 'raw', '.incoming');
  for (const [name, age] of Object.entries(ages)) {
    const dir = path.join(incoming, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'original.csv'), 'a,b\n1,2\n');
    const t = new Date(now - age);
    await utimes(dir, t, t);
  }
  return { dataDir, incoming };
}

describe('stale staging folders', () => {
  it('removes folders older than the limit and keeps younger ones', async () => {
    const now = Date.now();
    const { incoming } = await incomingWith({ crashed: staleStagingMs + 60_000, running: 60_000 }, now);
    expect(await sweepStaleStaging(incoming, now)).toEqual(['crashed']);
    expect(await readdir(incoming)).toEqual(['running']);
    expect(await sweepStaleStaging(path.join(incoming, 'missing'), now)).toEqual([]);
  });

  it('the dataset service sweeps before its first staging', async () => {
    const now = Date.now();
    const { dataDir, incoming } = await incomingWith({ crashed: 2 * staleStagingMs, running: 1000 }, now);
    const db = await openDatabase({ dataDir });
    try {
      const staged = await createDatasetService({ db, dataDir }).stage();
      const left = await readdir(incoming);
      expect(left.sort()).toEqual([path.basename(staged.dir), 'running'].sort());
      await staged.discard();
    } finally {
      await db.destroy();
    }
  });
});
