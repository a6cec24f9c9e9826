/**
 * checkQueryOutput end to end on small files: which query shapes are checked, which are row-level
 * or need review, the input formats (CSV `,`/`;`, CP949, Parquet), and bad input.
 *
 * people.csv (36 records): gu A 12 × income 10; gu B 3 × 10; gu C income 1000 and 9 × 10
 * (top two 92.7% of 1090, p = 8%); gu empty (NULL) 11 × 20. Names are unique.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MadangError } from '../../shared/errors.ts';
import { checkQueryOutput } from '../../server/outputCheck/checkQueryOutput.ts';
import type { OutputCheckReport } from '../../shared/outputCheck/report.ts';

let dir: string;
let csv: string;
const records: [string, number][] = [
  ...Array.from({ length: 12 }, (): [string, number] => ['A', 10]),
  ...Array.from({ length: 3 }, (): [string, number] => ['B', 10]),
  ['C', 1000], ...Array.from({ length: 9 }, (): [string, number] => ['C', 10]),
  ...Array.from({ length: 11 }, (): [string, number] => ['', 20]),
];
const lines = (sep: string) => [`name${sep}gu${sep}income`, ...records.map(([gu, income], i) => `"person ${i}"${sep}${gu}${sep}${income}`)].join('\n') + '\n';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'madang-check-'));
  csv = path.join(dir, 'people.csv');
  await writeFile(csv, lines(','));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const check = (sql: string, extra: Partial<Parameters<typeof checkQueryOutput>[0]> = {}) => checkQueryOutput({ input: csv, sql, ...extra });
const at = (r: OutputCheckReport) => r.cells.map((c) => `${c.row}:${c.column}:${c.rule}`);
async function badInput(p: Promise<unknown>): Promise<MadangError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(MadangError);
  expect((err as MadangError).code).toBe('invalid_input');
  return err as MadangError;
}

describe('aggregate queries are checked cell by cell', () => {
  it('keeps the output column names as the query gives them', async () => {
    const r = await check('SELECT count(*), count(*) AS n, count(*) AS n FROM data', { includeTable: true });
    expect(r.table).toEqual({ columns: ['count_star()', 'n', 'n'], rows: [[36, 36, 36]] });
  });

  it('counts by group, with the NULL group as a group', async () => {
    const r = await check('SELECT gu, count(*) AS n FROM data GROUP BY gu ORDER BY gu NULLS LAST', { includeTable: true });
    expect(r.table?.rows).toEqual([['A', 12], ['B', 3], ['C', 10], [null, 11]]);
    expect(at(r)).toEqual(['1:n:threshold']);
    expect(r).toMatchObject({ status: 'fail', rowCount: 4, query: { shape: 'aggregate' } });
    expect(r.query?.engine).toMatch(/^duckdb v1\./);
  });

  it('means: threshold, dominance and p-ratio where the data says', async () => {
    const r = await check('SELECT gu, avg(income) AS mean FROM data GROUP BY gu ORDER BY gu NULLS LAST');
    expect(at(r)).toEqual(['1:mean:threshold', '2:mean:p-ratio', '2:mean:dominance']);
    expect(r.cells[2].reason).toBe('the 2 largest contributors make 92.66% of the total (limit 90%)');
  });

  it('keeps the aggregate FILTER in the evidence (zero counts are flagged)', async () => {
    const r = await check('SELECT gu, count(*) FILTER (WHERE income > 100) AS rich FROM data GROUP BY gu ORDER BY gu NULLS LAST');
    expect(at(r)).toEqual([
      '0:rich:threshold', '0:rich:zero', '1:rich:threshold', '1:rich:zero', '2:rich:threshold', '3:rich:threshold', '3:rich:zero',
    ]);
  });

  it('traces aggregates inside expressions and keeps ORDER BY / LIMIT', async () => {
    const r = await check('SELECT gu, round(sum(income) / count(*), 1) AS m FROM data WHERE gu IS NOT NULL GROUP BY ALL ORDER BY m DESC, gu LIMIT 2', { includeTable: true });
    expect(r.table).toEqual({ columns: ['gu', 'm'], rows: [['C', 109], ['A', 10]] });
    expect(r.columns[1]).toEqual({ name: 'm', role: 'statistic', aggregates: ['sum(income)', 'count(*)'] });
    expect(at(r)).toEqual(['0:m:p-ratio', '0:m:dominance']);
  });

  it('a cell the query blanks itself (NULL) is not flagged: self-suppression', async () => {
    const r = await check('SELECT gu, CASE WHEN count(*) < 10 THEN NULL ELSE count(*) END AS n FROM data GROUP BY gu ORDER BY gu NULLS LAST', { includeTable: true });
    expect(r.table?.rows).toEqual([['A', 12], ['B', null], ['C', 10], [null, 11]]);
    expect(r.status).toBe('pass');
  });

  it('catches differencing inside one query: aggregates whose record sets differ by a few records', async () => {
    const r = await check("SELECT gu, sum(income) - sum(income) FILTER (WHERE name <> 'person 0') AS d FROM data GROUP BY gu ORDER BY gu NULLS LAST", { includeTable: true });
    expect(r.table?.rows[0]).toEqual(['A', 10]); // person 0's income
    expect(r.cells[0]).toMatchObject({ row: 0, column: 'd', rule: 'threshold', aggregate: 'sum(income) vs sum(income) FILTER (…)' });
    expect(r.cells[0].reason).toMatch(/differs by 1 records/);
    // Elsewhere the two sums cover the same records: the "everyone" case, flagged as a zero.
    expect(at(r)).toEqual(['0:d:threshold', '1:d:threshold', '1:d:zero', '2:d:p-ratio', '2:d:dominance', '2:d:zero', '3:d:zero']);
    // Same record sets (no FILTER on either side) are not a difference.
    expect((await check('SELECT gu, sum(income) - avg(income) FROM data WHERE gu = \'A\' GROUP BY gu')).status).toBe('pass');
  });

  it('and across columns of a row, where a reader can subtract', async () => {
    const r = await check("SELECT gu, count(*) AS n, count(*) FILTER (WHERE name <> 'person 0') AS others FROM data WHERE gu = 'A' GROUP BY gu", { includeTable: true });
    expect(r.table?.rows).toEqual([['A', 12, 11]]);
    expect(r.cells).toMatchObject([{ row: 0, column: 'others', rule: 'threshold', aggregate: 'count(*) vs count(*) FILTER (…)' }]);
  });

  it('groups with keys only are thresholded on their size', async () => {
    expect(at(await check('SELECT gu FROM data GROUP BY gu ORDER BY gu NULLS LAST'))).toEqual(['1:gu:threshold']);
  });

  it('a filtering CTE is fine: its rows are still records', async () => {
    const r = await check('WITH poor AS (SELECT * FROM data WHERE income < 500) SELECT gu, count(*) AS n FROM poor GROUP BY gu ORDER BY gu NULLS LAST');
    expect(r.query?.shape).toBe('aggregate');
    expect(at(r)).toEqual(['1:n:threshold', '2:n:threshold']);
  });

  it('margins with ROLLUP carry their own evidence', async () => {
    const r = await check('SELECT gu, count(*) AS n FROM data GROUP BY ROLLUP (gu) ORDER BY gu NULLS LAST, n', { includeTable: true });
    expect(r.table?.rows.at(-1)).toEqual([null, 36]);
    expect(at(r)).toEqual(['1:n:threshold']);
  });

  it('min/max ask for review; string_agg fails as row-level; unknown aggregates are an issue', async () => {
    const r = await check("SELECT gu, max(income) AS top, string_agg(name, ',') AS names, bool_and(income > 0) AS ok FROM data WHERE gu = 'A' GROUP BY gu");
    expect(r.cells.map((c) => [c.column, c.rule, c.outcome])).toEqual([['top', 'row-level', 'review'], ['names', 'row-level', 'fail']]);
    expect(r.issues).toMatchObject([{ code: 'unknown-aggregate', outcome: 'review' }]);
    expect(r.issues[0].reason).toMatch(/^bool_and\(\)/);
    expect(r.status).toBe('fail');
  });

  it('keeps big integer constants exact through the parse tree', async () => {
    const r = await check('SELECT count(*) AS n FROM data WHERE 9007199254740993 - 9007199254740992 = 1', { includeTable: true });
    expect(r.table?.rows).toEqual([[36]]);
    expect(r.status).toBe('pass');
  });
});

describe('row-level and unanalysable queries', () => {
  it('records themselves fail, one flag per row', async () => {
    const r = await check("SELECT name, income FROM data WHERE gu = 'A'");
    expect(r.status).toBe('fail');
    expect(r.query?.shape).toBe('row-level');
    expect(r.summary['row-level']).toBe(12);
    expect(r.cells[0]).toMatchObject({ row: 0, column: 'name', rule: 'row-level', value: 'person 0' });
  });

  it('a long output is checked on its first rows and flagged for review', async () => {
    const r = await check('SELECT name FROM data', { maxRows: 5 });
    expect(r.rowCount).toBe(5);
    expect(r.issues.map((i) => i.outcome)).toEqual(['review']);
    expect(r.status).toBe('fail');
  });

  it.each([
    ['a window function', 'SELECT gu, count(*) OVER () FROM data', /window/],
    ['a join', 'SELECT a.gu, count(*) FROM data a JOIN data b USING (name) GROUP BY a.gu', /joins/],
    ['a union', "SELECT gu, count(*) FROM data GROUP BY gu UNION ALL SELECT 'x', 1", /set operations/],
    ['aggregation in a CTE', 'WITH g AS (SELECT gu, count(*) AS n FROM data GROUP BY gu) SELECT * FROM g WHERE n > 5', /aggregation inside/],
    ['SELECT DISTINCT', 'SELECT DISTINCT gu FROM data', /DISTINCT/],
    ['a scalar subquery', 'SELECT gu, count(*), (SELECT max(income) FROM data) FROM data GROUP BY gu', /subqueries/],
    ['a star next to aggregates', 'SELECT *, count(*) FROM data GROUP BY ALL', /`\*`/],
  ])('%s needs review', async (_, sql, reason) => {
    const r = await check(sql);
    expect(r.status).toBe('review');
    expect(r.query?.shape).toBe('unanalysable');
    expect(r.issues[0].reason).toMatch(reason);
    expect(r.issues[0].reasonKo.length).toBeGreaterThan(0);
    expect(r.columns.every((c) => c.role === 'unchecked')).toBe(true);
  });
});

describe('input files', () => {
  const expected = ['1:n:threshold'];
  const sql = 'SELECT gu, count(*) AS n FROM data GROUP BY gu ORDER BY gu NULLS LAST';

  it('reads `;`-separated CSV', async () => {
    const file = path.join(dir, 'semi.csv');
    await writeFile(file, lines(';'));
    expect(at(await checkQueryOutput({ input: file, sql }))).toEqual(expected);
  });

  it('reads Parquet', async () => {
    const file = path.join(dir, 'people.parquet');
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    await c.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${file}' (FORMAT parquet)`);
    c.closeSync();
    instance.closeSync();
    expect(at(await checkQueryOutput({ input: file, sql }))).toEqual(expected);
  });

  it('reads CP949 (EUC-KR) CSV, common in Korean public data', async () => {
    const file = path.join(dir, 'cp949.csv');
    const gangnam = Buffer.from([0xb0, 0xad, 0xb3, 0xb2, 0xb1, 0xb8]); // 강남구
    const rows = Array.from({ length: 4 }, () => Buffer.concat([gangnam, Buffer.from(',1\n')]));
    await writeFile(file, Buffer.concat([Buffer.from('gu,v\n'), ...rows]));
    const r = await checkQueryOutput({ input: file, sql: 'SELECT gu, count(*) AS n FROM data GROUP BY gu', includeTable: true });
    expect(r.table?.rows).toEqual([['강남구', 4]]);
  });

  it('works on a caller\'s connection with a `data` table', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run("CREATE TABLE data AS SELECT 'x' AS k FROM range(10)");
    const r = await checkQueryOutput({ connection, sql: 'SELECT k, count(*) FROM data GROUP BY k' });
    expect(r.status).toBe('pass');
    connection.closeSync();
    instance.closeSync();
  });
});

describe('bad input', () => {
  it('a missing file or a directory', async () => {
    const missing = await badInput(checkQueryOutput({ input: path.join(dir, 'nope.csv'), sql: 'SELECT 1' }));
    expect(missing.detail.en).toMatch(/nope\.csv: no such file$/);
    expect(missing.detail.ko).toMatch(/파일이 없음/);
    const folder = path.join(dir, 'folder');
    await mkdir(folder, { recursive: true });
    expect((await badInput(checkQueryOutput({ input: folder, sql: 'SELECT 1' }))).detail.en).toMatch(/is a directory/);
  });

  it('a file named .parquet that is not Parquet', async () => {
    const file = path.join(dir, 'fake.parquet');
    await writeFile(file, 'a,b\n1,2\n');
    expect((await badInput(checkQueryOutput({ input: file, sql: 'SELECT 1' }))).detail.en).toMatch(/not a Parquet file/);
  });

  it('a CSV that is neither UTF-8 nor CP949 says so', async () => {
    const file = path.join(dir, 'binary.csv');
    await writeFile(file, Buffer.from([0x67, 0x75, 0x0a, 0x61, 0xff, 0x62, 0x0a]));
    expect((await badInput(checkQueryOutput({ input: file, sql: 'SELECT 1' }))).detail.en).toMatch(/binary\.csv as CSV: .*not utf-8/i);
  });

  it('SQL errors carry DuckDB\'s message', async () => {
    expect((await badInput(check('SELEC gu FROM data'))).detail.en).toMatch(/^SQL error: syntax error at or near "SELEC"/);
    expect((await badInput(check('SELECT nope, count(*) FROM data GROUP BY nope'))).detail.en).toMatch(/^SQL error: Binder Error: .*nope/);
    expect((await badInput(check('SELECT gu, count(*) FROM data GROUP BY gu'.replace('count(*)', 'count(*) + ')))).detail.ko).toMatch(/^SQL 오류/);
  });

  it('only one SELECT; no DDL, no file access from the query', async () => {
    expect((await badInput(check('DROP TABLE data'))).detail.en).toMatch(/^only a single SELECT query can be checked/);
    expect((await badInput(check('PIVOT data ON gu USING count(*)'))).detail.en).toMatch(/PIVOT as GROUP BY/);
    expect((await badInput(check('SELECT 1; SELECT 2'))).detail.en).toBe('only a single SELECT query can be checked');
    const err = await badInput(check(`SELECT count(*) FROM read_csv('${csv}')`));
    expect(err.detail.en).toMatch(/^SQL error: .*(external access|disabled)/i);
  });

  it('invalid rules name the key', async () => {
    expect((await badInput(check('SELECT 1', { rules: { pRatio: 3 } }))).detail.en).toMatch(/^invalid rules: pRatio:/);
  });
});
