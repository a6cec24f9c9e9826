/**
 * The real `madang` bin as a child process (node + tsx, as `npx madang` runs it): help, the
 * notebook import/export round trip through a data dir, and exit code 1 with a message for bad input.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'server', 'bin', 'madang.mjs');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMadang(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), TZ: 'Asia/Seoul', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

describe('madang CLI', () => {
  let dataDir: string;
  let scratch: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'madang-cli-data-'));
    scratch = await mkdtemp(path.join(os.tmpdir(), 'madang-cli-files-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  // Each run starts node + tsx (about a second), so independent runs go in parallel.
  it('--help lists the subcommands and exits 0', async () => {
    const [r, nb] = await Promise.all([runMadang(['--help']), runMadang(['notebook', '--help'])]);
    expect(r.code, r.stderr).toBe(0);
    for (const word of ['serve', 'notebook', 'user']) expect(r.stdout).toContain(word);
    expect(nb.code).toBe(0);
    expect(nb.stdout).toContain('import');
    expect(nb.stdout).toContain('export');
  }, 30_000);

  it('notebook import then export round-trips a sample file byte for byte', async () => {
    const samples = (await readdir(path.join(repoRoot, 'notebooks'))).filter((f) => f.endsWith('.md')).sort();
    expect(samples.length).toBeGreaterThan(0);
    const file = path.join(repoRoot, 'notebooks', samples[0]);
    const imported = await runMadang(['notebook', 'import', file, '--data', dataDir]);
    expect(imported.code, imported.stderr).toBe(0);
    const id = imported.stdout.trim();
    expect(id).toMatch(/^[A-Za-z0-9_-]{6,64}$/);
    // MADANG_DATA works as well as --data.
    const exported = await runMadang(['notebook', 'export', id], { MADANG_DATA: dataDir });
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toBe(await readFile(file, 'utf8'));
  }, 30_000);

  it('exits 1 with a message for a malformed file, a missing file, an unknown id and a bad command', async () => {
    const bad = path.join(scratch, 'bad.md');
    await writeFile(bad, '---\ntitle: broken\nlang: ko\n---\n\n```sql q\nSELECT 1\n');
    const [r1, r2, r3, r4, r5, r6] = await Promise.all([
      runMadang(['notebook', 'import', bad, '--data', dataDir]),
      runMadang(['notebook', 'import', path.join(scratch, 'missing.md'), '--data', dataDir]),
      runMadang(['notebook', 'export', 'AAAAAAAAAAAAAAAAAAAAA', '--data', dataDir]),
      runMadang(['frobnicate']),
      runMadang(['serve', '--port', 'eighty', '--data', dataDir]),
      runMadang(['notebook', 'export', 'AAAAAAAAAAAAAAAAAAAAA', '--data', path.join(scratch, 'nothing-here')]),
    ]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/line \d+/);
    expect(r1.stdout).toBe('');

    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('no such file');

    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('notebook not found');

    expect(r4.code).toBe(1);
    expect(r4.stderr).toContain('unknown command');

    expect(r5.code).toBe(1);
    expect(r5.stderr).toContain('port must be an integer');

    expect(r6.code).toBe(1);
    expect(r6.stderr).toContain('no Madang data in');
  }, 30_000);
});
