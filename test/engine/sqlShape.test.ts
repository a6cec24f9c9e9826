/**
 * `sqlShape` over DuckDB's own tokenizer (the WASM blocking bundle): which edits keep a cell's
 * dependency analysis (numbers, comments) and which must ask the parser again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlShape } from '../../shared/reactivity/sqlShape.ts';
import { openBlockingDuckDB } from './wasmDuck.ts';

let shapeOf: (sql: string) => string | null;

beforeAll(async () => {
  const { db } = await openBlockingDuckDB();
  shapeOf = (sql) => sqlShape(sql, db.tokenize(sql));
}, 60_000);

describe('the shape of a SQL text', () => {
  it('ignores numbers and comments', () => {
    const same: Array<[string, string]> = [
      ['SELECT a FROM q1 WHERE x > 10 LIMIT 20', 'SELECT a FROM q1 WHERE x > 15.5 LIMIT 200 -- more'],
      ["SELECT a FROM q1 /* c */ WHERE y = 'a -- b'", "SELECT a FROM q1 WHERE y = 'a -- b' -- note"],
      ['SELECT 자치구, count(*) FROM trips WHERE 연도 = 2020 GROUP BY ALL', 'SELECT 자치구, count(*) FROM trips WHERE 연도 = 2023 GROUP BY ALL /* 최근 */'],
      ['SELECT * FROM t WHERE d > $since ORDER BY 1', 'SELECT * FROM t WHERE d > $since ORDER BY 2'],
    ];
    for (const [a, b] of same) {
      expect(shapeOf(a), a).not.toBeNull();
      expect(shapeOf(a), `${a} / ${b}`).toBe(shapeOf(b));
    }
  });

  it('keeps names, strings, parameters, quoted identifiers and statements', () => {
    const different: Array<[string, string]> = [
      ['SELECT a FROM q1', 'SELECT a FROM q2'],
      ["SELECT * FROM 'a.csv'", "SELECT * FROM 'b.csv'"],
      ['SELECT * FROM t WHERE x = $min', 'SELECT * FROM t WHERE x = $max'],
      ['SELECT * FROM t WHERE x = $1', 'SELECT * FROM t WHERE x = $2'],
      ['SELECT "a--b" FROM t', 'SELECT "a--c" FROM t'],
      ['SELECT 1', 'SELECT 1; SELECT 2'],
      ['SELECT a FROM t', 'select a from t'],
    ];
    for (const [a, b] of different) expect(shapeOf(a), `${a} / ${b}`).not.toBe(shapeOf(b));
  });

  it('is null for literals it does not read (escape and dollar-quoted strings)', () => {
    expect(shapeOf("SELECT E'a\\nb'")).toBeNull();
    expect(shapeOf('SELECT $$a$$')).toBeNull();
  });
});
