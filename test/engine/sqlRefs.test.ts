/**
 * Reference extraction on DuckDB's own parse trees (native `json_serialize_sql`, what the server's
 * analyser runs), and `$name` -> positional rewriting on DuckDB-WASM's tokenizer, executed for real.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseSerializedSql, notebookNameOf } from '../../shared/reactivity/sqlRefs.ts';
import { bindValues, toPositionalParams } from '../../shared/reactivity/params.ts';
import { createSqlAnalyser } from '../../server/extracts/sqlAnalysis.ts';
import { openBlockingDuckDB } from './wasmDuck.ts';
import type * as duckdb from '@duckdb/duckdb-wasm/blocking';

let native: DuckDBConnection;
let instance: DuckDBInstance;
let wasm: { db: duckdb.DuckDBBindings; conn: duckdb.DuckDBConnection };

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  native = await instance.connect();
  wasm = await openBlockingDuckDB();
});
afterAll(() => {
  native?.closeSync();
  instance?.closeSync();
});

async function refs(sql: string) {
  const r = await native.runAndReadAll(`SELECT json_serialize_sql('${sql.replaceAll("'", "''")}')`);
  return analyseSerializedSql(String(r.getRows()[0]![0]));
}

describe('table references from the parse tree', () => {
  it('finds joins, subqueries and IN-lists; excludes CTE names (also recursive ones)', async () => {
    const r = await refs(`WITH c AS (SELECT * FROM inner_src) SELECT * FROM c, main.foo f JOIN bar USING (x)
      WHERE y IN (SELECT z FROM qq) AND EXISTS (SELECT 1 FROM (SELECT * FROM deep) d)`);
    expect(r.ok && r.refs.map((t) => t.table)).toEqual(['inner_src', 'foo', 'bar', 'qq', 'deep']);
    const rec = await refs('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r, t');
    expect(rec.ok && rec.refs.map((t) => t.table)).toEqual(['t']);
  });

  it('keeps schema qualification: main.x is a notebook name, other schemas and system catalogs are not', async () => {
    const r = await refs('SELECT * FROM main.a, other.b, information_schema.columns, "Weird Name", 자치구_요약');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.refs.map(notebookNameOf)).toEqual(['a', null, null, 'Weird Name', '자치구_요약']);
  });

  it('a CTE name shadows a table only where it is in scope', async () => {
    const r = await refs('SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) x, t');
    expect(r.ok && r.refs.map((t) => t.table)).toEqual(['t']);
  });

  it('lists $parameters and reports syntax errors with their position', async () => {
    const r = await refs("SELECT * FROM bike WHERE 연도 = $year AND 자치구 = $district AND note <> '$notparam'");
    expect(r.ok && r.params).toEqual(['year', 'district']);
    const bad = await refs('SELECT * FROM t WHERE');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/syntax error/);
  });

  it('the server analyser answers several cells at once, and an empty cell has no references', async () => {
    const analyser = createSqlAnalyser();
    const out = await analyser.analyse(['SELECT * FROM a JOIN b USING (k)', '', 'SELEC']);
    await analyser.close();
    expect(out[0]).toMatchObject({ ok: true, refs: [{ table: 'a' }, { table: 'b' }] });
    expect(out[1]).toEqual({ ok: true, refs: [], params: [], statementCount: 0 });
    expect(out[2]!.ok).toBe(false);
  });
});

describe('parameter binding', () => {
  it('rewrites $name to positional parameters with the tokenizer, leaving strings, quoted names and comments alone', () => {
    const sql = "SELECT '$no' AS a, \"$x\" AS b, $year AS y -- $c\n FROM range(1) WHERE $자치구 = $자치구 /* $d */ AND $YEAR > 0";
    const out = toPositionalParams(sql, wasm.db.tokenize(sql));
    expect(out.names).toEqual(['year', '자치구']);
    expect(out.sql).toBe("SELECT '$no' AS a, \"$x\" AS b, $1 AS y -- $c\n FROM range(1) WHERE $2 = $2 /* $d */ AND $1 > 0");
  });

  it('binds values through a prepared statement (never spliced) and computes with them', () => {
    wasm.conn.query("CREATE TABLE bike AS SELECT * FROM (VALUES (2022, '강남구', 10), (2023, '강남구', 12), (2023, '중구', 3)) t(연도, 자치구, n)");
    const sql = "SELECT sum(n) AS total FROM bike WHERE 연도 = $year AND 자치구 = $gu";
    const { sql: positional, names } = toPositionalParams(sql, wasm.db.tokenize(sql));
    const bound = bindValues(names, new Map<string, unknown>([['year', 2023], ['gu', "강남구' OR '1'='1"]]));
    expect(bound.ok).toBe(true);
    if (!bound.ok) return;
    const stmt = wasm.conn.prepare(positional);
    expect(stmt.query(...bound.values).toArray()[0]!.toJSON()).toEqual({ total: null }); // an injection attempt is just a value
    const ok = bindValues(names, new Map<string, unknown>([['YEAR', 2023], ['gu', '강남구']]));
    expect(ok.ok && stmt.query(...ok.values).toArray()[0]!.toJSON()).toEqual({ total: 12 });
    stmt.close();
  });

  it('a missing input is named', () => {
    expect(bindValues(['year', 'gu'], new Map([['year', 1]]))).toEqual({ ok: false, missing: ['gu'] });
  });
});
