/** `clientBuildState`: `madang serve` rebuilds the client when it is missing or older than its sources. */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientBuildState } from '../../server/http/clientBuild.ts';

describe('clientBuildState', () => {
  let root: string;
  const dist = () => path.join(root, 'dist', 'client');
  const at = (iso: string) => new Date(iso);

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'madang-build-'));
    await mkdir(path.join(root, 'client', 'components'), { recursive: true });
    await mkdir(path.join(root, 'shared'), { recursive: true });
    await writeFile(path.join(root, 'client', 'components', 'App.tsx'), 'x');
    await writeFile(path.join(root, 'shared', 'roles.ts'), 'x');
    await utimes(path.join(root, 'client', 'components', 'App.tsx'), at('2026-01-01'), at('2026-01-01'));
    await utimes(path.join(root, 'shared', 'roles.ts'), at('2026-01-01'), at('2026-01-01'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is missing without dist/client/index.html', () => {
    expect(clientBuildState(root, dist())).toBe('missing');
  });

  it('is fresh when the build is newer than every source, stale when a nested source is newer', async () => {
    await mkdir(dist(), { recursive: true });
    await writeFile(path.join(dist(), 'index.html'), '<!doctype html>');
    await utimes(path.join(dist(), 'index.html'), at('2026-02-01'), at('2026-02-01'));
    expect(clientBuildState(root, dist())).toBe('fresh');

    await utimes(path.join(root, 'shared', 'roles.ts'), at('2026-03-01'), at('2026-03-01'));
    expect(clientBuildState(root, dist())).toBe('stale');
    await utimes(path.join(root, 'shared', 'roles.ts'), at('2026-01-01'), at('2026-01-01'));

    await utimes(path.join(root, 'client', 'components', 'App.tsx'), at('2026-03-01'), at('2026-03-01'));
    expect(clientBuildState(root, dist())).toBe('stale');
  });
});
