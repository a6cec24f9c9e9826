/**
 * `madang notebook import` pins extract refs too (through `openStorage`): an unpinned ref becomes
 * `name@<newest live>`, and a pin to a withdrawn version is refused with exit 1 in both languages.
 * The server is stopped first, as an operator would run the CLI against its data dir.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.ts';
import { startTestServer } from '../harness/testServer.ts';
import { addTripsExtract, storyNotebookMd } from './fixtures.ts';

let dataDir: string;
let tmp: string;

async function madang(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'madang', ...args, '--data', dataDir], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'madang-import-pins-'));
  dataDir = path.join(tmp, 'data');
  const server = await startTestServer({ dataDir });
  try {
    for (const seed of [7, 8]) {
      const { catalog, version } = await addTripsExtract(server.server, tmp, { seed, rows: 50 });
      if (version === 1) await catalog.withdraw('trips', 1);
      await catalog.close();
    }
  } finally {
    await server.close();
  }
}, 60_000);

afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('madang notebook import', () => {
  it('pins an unpinned extract to its newest live version', async () => {
    const file = path.join(tmp, 'story.md');
    await writeFile(file, storyNotebookMd);
    const imported = await madang(['notebook', 'import', file]);
    expect(imported.code, imported.stderr).toBe(0);
    const id = imported.stdout.trim().split(/\s+/)[0]!;
    const exported = await madang(['notebook', 'export', id]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('extracts:\n  - trips@2\n');
  });

  it('refuses a pin to a withdrawn version, naming it and the version to use', async () => {
    const file = path.join(tmp, 'pinned.md');
    await writeFile(file, storyNotebookMd.replace('  - trips\n', '  - trips@1\n'));
    const r = await madang(['notebook', 'import', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/extract trips v1 has been withdrawn \(\d{4}-\d{2}-\d{2}\): change it to trips@2/);
    expect(r.stderr).toContain('회수');
    expect((await madang(['notebook', 'list'])).stdout.trim().split('\n')).toHaveLength(1);
  });
});
