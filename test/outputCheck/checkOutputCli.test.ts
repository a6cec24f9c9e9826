/**
 * `madang check-output` through the real bin (node + tsx, as `npx madang` runs it): exit 0 pass,
 * 3 review/fail, 1 bad input with the message in English and Korean, and the report file.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli.ts';
import type { OutputCheckReport } from '../../shared/outputCheck/report.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repoRoot, 'server', 'bin', 'madang.mjs');
const acroCsv = path.join(repoRoot, 'test', 'fixtures', 'acro', 'test_data.csv');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runMadang(args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir() },
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

let dir: string;
beforeAll(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'madang-check-cli-')); });
afterAll(() => rm(dir, { recursive: true, force: true }));

const readReport = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as OutputCheckReport;
const check = (sql: string, out: string, extra: string[] = [], input = acroCsv) =>
  runMadang(['check-output', '--input', input, '--sql', sql, '--out', path.join(dir, out), ...extra]);

describe('madang check-output', () => {
  // Each run starts node + tsx (about a second), so independent runs go in parallel.
  it.concurrent('exit 0 on pass, 3 on fail and on review, with the report written', async () => {
    const [pass, fail, review] = await Promise.all([
      check('SELECT grant_type, count(*) AS n FROM data GROUP BY grant_type', 'pass.json'),
      check('SELECT year, grant_type, avg(inc_grants) AS mean FROM data GROUP BY year, grant_type', 'fail.json'),
      check('SELECT year, count(*) OVER (PARTITION BY year) FROM data', 'review.json'),
    ]);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/^check-output: pass; 0 flagged cells/);
    expect((await readReport(path.join(dir, 'pass.json'))).status).toBe('pass');

    expect(fail.code, fail.stderr).toBe(3);
    expect(fail.stdout).toContain('fail (threshold 7; dominance 1; p-ratio 2; zero 1)');
    const failed = await readReport(path.join(dir, 'fail.json'));
    expect(failed.status).toBe('fail');
    expect(failed.cells[0]).toMatchObject({ column: 'mean', rule: expect.any(String), reason: expect.any(String) });
    expect(Object.keys(failed.cells[0]).slice(0, 5)).toEqual(['row', 'column', 'rule', 'value', 'reason']);
    expect(failed.query?.sql).toContain('avg(inc_grants)');

    expect(review.code, review.stderr).toBe(3);
    expect((await readReport(path.join(dir, 'review.json'))).status).toBe('review');
  }, 60_000);

  it.concurrent('exit 1 with English and Korean messages for an unreadable file', async () => {
    const r = await check('SELECT count(*) FROM data', 'x1.json', [], path.join(dir, 'missing.csv'));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('missing.csv: no such file');
    expect(r.stderr).toContain('파일이 없음');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 30_000);
});

// The other cases through main() in process: the same code path without a process start each.
describe('madang check-output (in process)', () => {
  async function runMain(args: string[]): Promise<RunResult> {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'madang', ...args], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, env: {} });
    return { code, stdout, stderr };
  }
  const inProcess = (sql: string, out: string, extra: string[] = []) =>
    runMain(['check-output', '--input', acroCsv, '--sql', sql, '--out', path.join(dir, out), ...extra]);

  it('--rules applies a rules file (ACRO keys accepted)', async () => {
    const rules = path.join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify({ safe_threshold: 5 }));
    const r = await inProcess('SELECT year, grant_type, count(*) AS n FROM data GROUP BY ALL', 'rules.out.json', ['--rules', rules]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readReport(path.join(dir, 'rules.out.json'))).rules.threshold).toBe(5);
  });

  it('exit 1 for SQL errors, bad rules files and missing options, in both languages', async () => {
    const notJson = path.join(dir, 'bad.json');
    const badKey = path.join(dir, 'badkey.json');
    await writeFile(notJson, '{ threshold: 5 }');
    await writeFile(badKey, JSON.stringify({ dominance: { k: 1.5 } }));
    const sql = 'SELECT count(*) FROM data';
    const sqlError = await inProcess('SELECT nope FROM data GROUP BY nope', 'x2.json');
    const rulesNotJson = await inProcess(sql, 'x3.json', ['--rules', notJson]);
    const rulesBadKey = await inProcess(sql, 'x4.json', ['--rules', badKey]);
    const rulesMissing = await inProcess(sql, 'x5.json', ['--rules', path.join(dir, 'none.json')]);
    const noOut = await runMain(['check-output', '--input', acroCsv, '--sql', sql]);
    for (const r of [sqlError, rulesNotJson, rulesBadKey, rulesMissing, noOut]) expect(r.code, r.stderr).toBe(1);
    expect(sqlError.stderr).toMatch(/SQL error: Binder Error/);
    expect(sqlError.stderr).toMatch(/SQL 오류/);
    expect(rulesNotJson.stderr).toContain(`invalid rules file ${notJson}: not JSON`);
    expect(rulesBadKey.stderr).toContain(`invalid rules file ${badKey}: dominance.k:`);
    expect(rulesBadKey.stderr).toContain('규칙 파일');
    expect(rulesMissing.stderr).toContain('none.json: no such file');
    expect(noOut.stderr).toMatch(/--out/);
  });
});
