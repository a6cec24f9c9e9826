/**
 * Result downloads are written in slices (see `exportResult.ts`): the slices cover every row once,
 * in order, and the header DuckDB writes before each CSV slice is found even when a quoted column
 * name holds a comma, a doubled quote or a newline, so it can be dropped from all but the first.
 * Parquet downloads keep the exact values and types of BIGINT, UBIGINT, DECIMAL and HUGEINT columns
 * (which the engine hands to JS as doubles), checked end to end: the real `resultParquetParts` over
 * DuckDB-WASM in this process, the file read back by native DuckDB.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exactType, exportSlices, headerLength, parquetSliceSql, resultParquetParts, sliceRows } from '../../client/components/outputs/exportResult.ts';
import { engineApi, windowSql, type EngineApi, type WindowRequest } from '../../client/runtime/engineApi.ts';
import { openInProcessEngine, type InProcessEngine } from './asyncWasmDuck.ts';

// The page loads parquet-wasm's module by URL; in Node it is given the module's bytes.
vi.mock('parquet-wasm/esm/parquet_wasm_bg.wasm?url', async () => {
  const { createRequire } = await import('node:module');
  return { default: await readFile(createRequire(import.meta.url).resolve('parquet-wasm/esm/parquet_wasm_bg.wasm')) };
});
// DuckDB-WASM's Node build require()s apache-arrow's CommonJS copy, which is not the ES module the
// code under test imports (in the page's bundle both are one), and Arrow checks types with
// instanceof: the code under test is given the engine's copy.
vi.mock('apache-arrow', async () => (await import('node:module')).createRequire(import.meta.url)('apache-arrow') as object);

const bytes = (s: string) => new TextEncoder().encode(s);

describe('result export slices', () => {
  it('cover every row exactly once, in order', () => {
    expect(exportSlices(450_000, 200_000)).toEqual([
      { offset: 0, limit: 200_000 }, { offset: 200_000, limit: 200_000 }, { offset: 400_000, limit: 50_000 },
    ]);
    expect(exportSlices(200_000, 200_000)).toEqual([{ offset: 0, limit: 200_000 }]);
    expect(exportSlices(1, 200_000)).toEqual([{ offset: 0, limit: 1 }]);
    expect(exportSlices(0, 200_000)).toEqual([{ offset: 0, limit: 0 }]);
    const ten = exportSlices(10_000_000, sliceRows(2));
    expect(ten).toHaveLength(50);
    expect(ten.reduce((n, s) => n + s.limit, 0)).toBe(10_000_000);
    expect(ten.every((s, i) => i === 0 || s.offset === ten[i - 1]!.offset + ten[i - 1]!.limit)).toBe(true);
  });

  it('are smaller for wide results, within bounds', () => {
    expect(sliceRows(1)).toBe(200_000);
    expect(sliceRows(2)).toBe(200_000);
    expect(sliceRows(40)).toBe(10_000);
    expect(sliceRows(10_000)).toBe(1_000);
    expect(sliceRows(0)).toBe(200_000);
  });
});

describe('CSV header length', () => {
  it('is the first line, newline included', () => {
    expect(headerLength(bytes('자치구,n\n중구,1\n'))).toBe(bytes('자치구,n\n').length);
  });

  it('skips newlines, commas and doubled quotes inside quoted names', () => {
    const header = '"a\nb","c,d","e""f",g\n';
    expect(headerLength(bytes(`${header}1,2,3,4\n`))).toBe(bytes(header).length);
  });

  it('is the whole text when there is no newline', () => {
    expect(headerLength(bytes('a,b'))).toBe(3);
  });
});

describe('Parquet downloads keep exact numeric types', () => {
  let duck: InProcessEngine;
  let api: EngineApi;
  let instance: DuckDBInstance;
  let native: DuckDBConnection;
  let dir: string;

  beforeAll(async () => {
    duck = await openInProcessEngine();
    api = engineApi(duck.engine);
    instance = await DuckDBInstance.create(':memory:');
    native = await instance.connect();
    dir = await mkdtemp(path.join(tmpdir(), 'madang-export-'));
  });

  afterAll(async () => {
    native?.closeSync();
    instance?.closeSync();
    await rm(dir, { recursive: true, force: true });
  });

  /** `resultParquetParts` over the whole table, written to a file; the progress reports seen. */
  async function download(table: string, orderBy: WindowRequest['orderBy'] = null): Promise<{ file: string; progress: number[] }> {
    const { rowCount, columns } = await api.describe(table);
    const progress: number[] = [];
    const parts = await resultParquetParts(api, table, rowCount, columns, orderBy, (p) => progress.push(p.rowsDone));
    const file = path.join(dir, `${table}.parquet`);
    await writeFile(file, Buffer.concat(parts));
    return { file, progress };
  }

  const nativeRows = async (sql: string) => (await native.runAndReadAll(sql)).getRows();
  const types = (file: string) => nativeRows(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`);

  it('BIGINT past 2^53, UBIGINT, DECIMAL(p,s), HUGEINT and UHUGEINT read back natively as the same values and exact types, nulls kept', async () => {
    await api.query(`CREATE TABLE __r_exact AS SELECT * FROM (VALUES
      (1, 9007199254740993::BIGINT, 18446744073709551615::UBIGINT, 12345678901234.567::DECIMAL(18,3), 1234567890123456789012345678.0123456789::DECIMAL(38,10),
        99999999999999999999999999999999999999::HUGEINT, 99999999999999999999999999999999999999::UHUGEINT, 12.5::DECIMAL(4,1), 'a', 0.1::DOUBLE),
      (2, (-9223372036854775808)::BIGINT, 0::UBIGINT, -0.001::DECIMAL(18,3), -0.0000000001::DECIMAL(38,10),
        -99999999999999999999999999999999999999::HUGEINT, 0::UHUGEINT, -999.9::DECIMAL(4,1), NULL, -2.5::DOUBLE),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'c', NULL),
      (4, 9223372036854775807::BIGINT, 9007199254740993::UBIGINT, 0::DECIMAL(18,3), -1234567890123456789012345678.9::DECIMAL(38,10),
        -1::HUGEINT, 18446744073709551616::UHUGEINT, 0.1::DECIMAL(4,1), 'd', 3.0::DOUBLE)
    ) AS t(n, big, ubig, dec, wide, huge, uhuge, small, label, x)`, []);
    const { file, progress } = await download('__r_exact');
    expect(progress).toEqual([4]);
    expect(await types(file)).toEqual([
      ['n', 'INTEGER'], ['big', 'BIGINT'], ['ubig', 'UBIGINT'], ['dec', 'DECIMAL(18,3)'], ['wide', 'DECIMAL(38,10)'],
      ['huge', 'DECIMAL(38,0)'], ['uhuge', 'DECIMAL(38,0)'], ['small', 'DECIMAL(4,1)'], ['label', 'VARCHAR'], ['x', 'DOUBLE'],
    ]);
    expect(await nativeRows(`SELECT n, big::VARCHAR, ubig::VARCHAR, dec::VARCHAR, wide::VARCHAR, huge::VARCHAR, uhuge::VARCHAR, small::VARCHAR, label, x
      FROM read_parquet('${file}', file_row_number = true) ORDER BY file_row_number`)).toEqual([
      [1, '9007199254740993', '18446744073709551615', '12345678901234.567', '1234567890123456789012345678.0123456789',
        '99999999999999999999999999999999999999', '99999999999999999999999999999999999999', '12.5', 'a', 0.1],
      [2, '-9223372036854775808', '0', '-0.001', '-0.0000000001', '-99999999999999999999999999999999999999', '0', '-999.9', null, -2.5],
      [3, null, null, null, null, null, null, null, 'c', null],
      [4, '9223372036854775807', '9007199254740993', '0.000', '-1234567890123456789012345678.9000000000', '-1', '18446744073709551616', '0.1', 'd', 3],
    ]);
  });

  it('lists and structs of BIGINT or DECIMAL are written as the right numbers (doubles), not their integer bits', async () => {
    await api.query(`CREATE TABLE __r_nested_pq AS SELECT list(range) AS agg, {'x': 5::BIGINT} AS s, [1.5::DECIMAL(4,1)] AS d FROM range(3)`, []);
    const { file } = await download('__r_nested_pq');
    expect(await nativeRows(`SELECT agg::VARCHAR, s::VARCHAR, d::VARCHAR FROM read_parquet('${file}')`)).toEqual([['[0.0, 1.0, 2.0]', '{\'x\': 5.0}', '[1.5]']]);
  });

  it('an empty result keeps its exact column types', async () => {
    await api.query(`CREATE TABLE __r_exact_empty AS SELECT 1::BIGINT AS big, 1.5::DECIMAL(18,3) AS dec, 1::HUGEINT AS huge WHERE false`, []);
    const { file } = await download('__r_exact_empty');
    expect(await types(file)).toEqual([['big', 'BIGINT'], ['dec', 'DECIMAL(18,3)'], ['huge', 'DECIMAL(38,0)']]);
    expect(await nativeRows(`SELECT count(*) FROM read_parquet('${file}')`)).toEqual([[0n]]);
  });

  it('a HUGEINT of 39 digits fails the download in both languages instead of being written rounded', async () => {
    await api.query(`CREATE TABLE __r_exact_huge AS SELECT * FROM (VALUES (1::HUGEINT), (170141183460469231731687303715884105727::HUGEINT)) AS t("큰 수")`, []);
    const { rowCount, columns } = await api.describe('__r_exact_huge');
    const run = resultParquetParts(api, '__r_exact_huge', rowCount, columns, null, () => {});
    await expect(run).rejects.toThrow(/Parquet 파일로 내려받을 수 없습니다: 열 "큰 수"의 값 170141183460469231731687303715884105727.*CSV로 내려받으세요\. \/ Cannot download as Parquet: column "큰 수" holds 170141183460469231731687303715884105727, more than 38 digits.*Download it as CSV instead\./);
    // the engine is still usable afterwards (the sorted copy, when any, is dropped)
    expect(await api.count('__r_exact_huge')).toBe(2);
  });

  it('a sorted result spanning several slices is written in the sort order with exact values, progress per slice', async () => {
    // 2^53 + 2*i: every value odd above 2^53, so a double would round each one to a neighbour
    await api.query(`CREATE TABLE __r_exact_sorted AS SELECT i::INTEGER AS i, (9007199254740993 + 2 * i)::BIGINT AS big,
      (i / 1000)::DECIMAL(18,3) AS dec, CASE WHEN i % 7 = 0 THEN NULL ELSE i END::BIGINT AS sparse FROM range(120000) t(i)`, []);
    const { columns } = await api.describe('__r_exact_sorted');
    expect(sliceRows(columns.length)).toBe(100_000);
    const { file, progress } = await download('__r_exact_sorted', { column: 'big', descending: true });
    expect(progress).toEqual([100_000, 120_000]);
    expect(await types(file)).toEqual([['i', 'INTEGER'], ['big', 'BIGINT'], ['dec', 'DECIMAL(18,3)'], ['sparse', 'BIGINT']]);
    // every row in descending order, each value exact (compared as text with the engine's own)
    const [[rows, ordered, exact, nulls]] = await nativeRows(`SELECT count(*), bool_and(i = 119999 - file_row_number),
      bool_and(big::VARCHAR = (9007199254740993 + 2 * i::HUGEINT)::VARCHAR AND dec::VARCHAR = (i / 1000)::DECIMAL(18,3)::VARCHAR
        AND (sparse IS NULL) = (i % 7 = 0) AND coalesce(sparse = i, true)),
      count(*) FILTER (sparse IS NULL) FROM read_parquet('${file}', file_row_number = true)`) as [[bigint, boolean, boolean, bigint]];
    expect([rows, ordered, exact, nulls]).toEqual([120_000n, true, true, 17_143n]);
    expect(await nativeRows(`SELECT big::VARCHAR FROM read_parquet('${file}') LIMIT 1`)).toEqual([['9007199254980991']]);
    // the sorted copy is gone
    expect((await api.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE table_name LIKE '__export_sorted%'`, [])).toArray()[0]!.toJSON().n).toBe(0);
  });
});

describe('Parquet slice SQL', () => {
  it('is the grid window, with exact-typed columns read as text over it in their order', () => {
    const columns = [{ name: 'n', type: 'INTEGER' }, { name: 'a "b"', type: 'BIGINT' }, { name: 'd', type: 'DECIMAL(18,3)' }, { name: 's', type: 'VARCHAR' }];
    const slice = { offset: 200, limit: 100 };
    expect(parquetSliceSql('__r_k', slice, columns)).toBe(
      `SELECT "n", CAST("a ""b""" AS VARCHAR) AS "a ""b""", CAST("d" AS VARCHAR) AS "d", "s" FROM (${windowSql('__r_k', slice)}) AS w`);
    expect(parquetSliceSql('__export_sorted_1', slice, columns)).toContain(`FROM (${windowSql('__export_sorted_1', slice)}) AS w`);
    expect(parquetSliceSql('__r_k', slice, [{ name: 'x', type: 'DOUBLE' }, { name: 'v', type: 'VARCHAR[]' }])).toBe(windowSql('__r_k', slice));
    // Nested wide numbers come garbled from the engine: they are written as doubles.
    expect(parquetSliceSql('__r_k', slice, [{ name: 'x', type: 'DOUBLE' }, { name: 'l', type: 'BIGINT[]' }]))
      .toBe(`SELECT "x", CAST("l" AS DOUBLE[]) AS "l" FROM (${windowSql('__r_k', slice)}) AS w`);
  });

  it('rebuilds the types the engine would hand over as doubles (or, UHUGEINT, as bytes)', () => {
    expect(['BIGINT', 'UBIGINT', 'HUGEINT', 'UHUGEINT', 'DECIMAL(18,3)', 'DECIMAL(4,0)', 'INTEGER', 'DOUBLE', 'VARCHAR', 'BIGINT[]'].map(exactType)).toEqual([
      { kind: 'int64' }, { kind: 'uint64' }, { kind: 'decimal', precision: 38, scale: 0 }, { kind: 'decimal', precision: 38, scale: 0 },
      { kind: 'decimal', precision: 18, scale: 3 }, { kind: 'decimal', precision: 4, scale: 0 }, null, null, null, null,
    ]);
  });
});
