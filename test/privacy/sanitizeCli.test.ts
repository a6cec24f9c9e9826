/** `madang sanitize` through the real bin (node server/bin/madang.mjs): exit codes 0, 2 and 1. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = path.join(root, 'server', 'bin', 'madang.mjs');
let dir: string;

function madang(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'sanitize', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'madang-sanitize-cli-'));
  const rows = ['id;age;gu;purpose'];
  const gus = ['강남구', '서초구', '마포구', '은평구'];
  for (let i = 0; i < 120; i++) rows.push(`${i};${20 + (i % 37)};${gus[i % 4]};${['a', 'b', 'c'][i % 3]}`);
  writeFileSync(path.join(dir, 'people.csv'), `${rows.join('\n')}\n`);
  writeFileSync(path.join(dir, 'gu.csv'), '강남구,동남권,*\n서초구,동남권,*\n마포구,서북권,*\n은평구,서북권,*\n');
  const policy = (k: number) => JSON.stringify({ k, suppressionLimit: 0.05, columns: { id: { role: 'identifier' }, age: { role: 'quasi', hierarchy: { bands: [10, 20] } }, gu: { role: 'quasi', hierarchy: { file: 'gu.csv' } }, purpose: { role: 'other' } } });
  writeFileSync(path.join(dir, 'policy.json'), policy(5));
  writeFileSync(path.join(dir, 'impossible.json'), policy(500));
  writeFileSync(path.join(dir, 'broken.json'), '{"k": 5, "columns": {"age": {"role": "quasi"}}}');
});

describe('madang sanitize (bin)', () => {
  it('exit 0: writes the extract and the report', () => {
    const r = madang('--input', 'people.csv', '--policy', 'policy.json', '--out', 'out.parquet', '--report', 'report.json');
    expect(r.stderr).toContain('identifier columns dropped: id');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote out\.parquet: \d+ of 120 rows/);
    const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
    for (const key of ['inputRows', 'outputRows', 'suppressed', 'k', 'minClassSize', 'levels', 'loss', 'metric', 'droppedColumns', 'warnings']) expect(report).toHaveProperty(key);
    expect(report.minClassSize).toBeGreaterThanOrEqual(5);
    expect(existsSync(path.join(dir, 'out.parquet'))).toBe(true);
  }, 60_000);

  it('exit 2: no solution, the report says why, no extract', () => {
    const r = madang('--input', 'people.csv', '--policy', 'impossible.json', '--out', 'none.parquet', '--report', 'none.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('k=500 is larger than the number of rows (120)');
    expect(r.stderr).toContain('정책을 만족하는 변환이 없습니다');
    expect(JSON.parse(readFileSync(path.join(dir, 'none.json'), 'utf8')).status).toBe('no-solution');
    expect(existsSync(path.join(dir, 'none.parquet'))).toBe(false);
  }, 60_000);

  it('exit 1: bad policy, named by path, in both languages', () => {
    const r = madang('--input', 'people.csv', '--policy', 'broken.json', '--out', 'x.parquet');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('columns.age.hierarchy');
    expect(r.stderr).toContain('정책이 올바르지 않습니다');
    expect(existsSync(path.join(dir, 'x.parquet'))).toBe(false);
  }, 60_000);
});
