/**
 * ACRO 1.0's synthetic-data table tests (https://github.com/AI-SDC/ACRO `test/test_tables.py`,
 * class `SyntheticData` and the `test_{1,2,3,4}d_{crosstab,pivot_table}_{safe,unsafe}_*` cases),
 * rebuilt in SQL. The data: four categorical variables with levels A, B, C; 11 records per
 * combination (depvar 0..10), except 5 records (0..4) where indvar1 = indvar3 = indvar4 = 'C'.
 * ACRO's `get_safe_*` subsets drop indvar1 = 'C' and expect "pass" with no suppression; the
 * `get_unsafe_*` subsets expect flagged cells (status "review" after suppression; ours `fail`,
 * see acro.test.ts for the mapping).
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkQueryOutput } from '../../server/outputCheck/checkQueryOutput.ts';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
  await connection.run(`
    CREATE TABLE data AS
    SELECT a.v AS indvar1, b.v AS indvar2, c.v AS indvar3, d.v AS indvar4, r.range AS depvar
    FROM (VALUES ('A'), ('B'), ('C')) a(v), (VALUES ('A'), ('B'), ('C')) b(v),
         (VALUES ('A'), ('B'), ('C')) c(v), (VALUES ('A'), ('B'), ('C')) d(v), range(11) r
    WHERE r.range < CASE WHEN a.v = 'C' AND c.v = 'C' AND d.v = 'C' THEN 5 ELSE 11 END`);
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

// SyntheticData.get_unsafe_{1,2,3,4}d: the subsets ACRO builds by fixing variables to 'C'.
const unsafe = {
  '1d': "indvar4 = 'C' AND indvar3 = 'C' AND indvar2 = 'C'",
  '2d': "indvar4 = 'C' AND indvar3 = 'C'",
  '3d': "indvar4 = 'C'",
  '4d': 'TRUE',
} as const;
// get_safe_*: the same without indvar1 = 'C'.
const safe = (d: keyof typeof unsafe) => `${unsafe[d]} AND indvar1 <> 'C'`;

const cases: { name: string; dims: keyof typeof unsafe; select: string; groupBy: string }[] = [
  { name: '1d crosstab(indvar1, indvar2)', dims: '1d', select: 'indvar1, indvar2, count(*) AS n', groupBy: 'indvar1, indvar2' },
  { name: '1d pivot_table(index=indvar1, values=depvar, mean)', dims: '1d', select: 'indvar1, avg(depvar) AS mean', groupBy: 'indvar1' },
  { name: '2d crosstab(indvar1, indvar2, values=depvar, sum)', dims: '2d', select: 'indvar1, indvar2, sum(depvar) AS total', groupBy: 'indvar1, indvar2' },
  { name: '2d pivot_table(indvar1 × indvar2, mean)', dims: '2d', select: 'indvar1, indvar2, avg(depvar) AS mean', groupBy: 'indvar1, indvar2' },
  { name: '3d crosstab([indvar1, indvar2], indvar3, sum)', dims: '3d', select: 'indvar1, indvar2, indvar3, sum(depvar) AS total', groupBy: 'indvar1, indvar2, indvar3' },
  { name: '3d pivot_table([indvar1, indvar2] × indvar3, mean)', dims: '3d', select: 'indvar1, indvar2, indvar3, avg(depvar) AS mean', groupBy: 'indvar1, indvar2, indvar3' },
  { name: '4d crosstab([indvar1, indvar2], [indvar3, indvar4], sum)', dims: '4d', select: 'indvar1, indvar2, indvar3, indvar4, sum(depvar) AS total', groupBy: 'ALL' },
];

describe('ACRO synthetic tables', () => {
  for (const c of cases) {
    it(`${c.name}: safe subset passes, unsafe subset fails on threshold`, async () => {
      const sql = (where: string) => `SELECT ${c.select} FROM data WHERE ${where} GROUP BY ${c.groupBy}`;
      const [ok, bad] = await Promise.all([
        checkQueryOutput({ connection, sql: sql(safe(c.dims)) }),
        checkQueryOutput({ connection, sql: sql(unsafe[c.dims]) }),
      ]);
      expect(ok.status, JSON.stringify(ok.cells)).toBe('pass');
      expect(ok.rowCount).toBeGreaterThan(0);
      expect(bad.status).toBe('fail');
      expect(bad.summary.threshold).toBeGreaterThan(0);
      // Only the indvar1 = 'C' cells (5 records each) are small.
      for (const cell of bad.cells) expect(cell.reason).toMatch(/^5 contributing records/);
    });
  }
});
