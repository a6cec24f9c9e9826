/**
 * A person's own CSV in the engine: CP949 and UTF-8 files read into DuckDB-WASM (blocking bundle,
 * the same `registerFileText` + `read_csv` the browser engine uses), and bytes that are neither
 * encoding refused before they reach the engine, with the line where reading stops.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeCsvBytes, LocalFileError, registerLocalFile, type LocalSink } from '../../client/duckdb/localFiles.ts';
import { openBlockingDuckDB, type BlockingConnection } from './wasmDuck.ts';

let conn: BlockingConnection;
let sink: LocalSink;
let registered: string[] = [];

beforeAll(async () => {
  const duck = await openBlockingDuckDB();
  conn = duck.conn;
  sink = {
    async registerCsvText(name, text) {
      registered.push(name);
      duck.db.registerFileText(`${name}.csv`, text);
      conn.query(`CREATE OR REPLACE TABLE "${name}" AS SELECT * FROM read_csv('${name}.csv', header = true)`);
      return Number(conn.query(`SELECT count(*)::DOUBLE AS n FROM "${name}"`).toArray()[0]!.toJSON().n);
    },
    async registerArrow() {
      throw new Error('not used: CSV only here');
    },
    async count(name) {
      return Number(conn.query(`SELECT count(*)::DOUBLE AS n FROM "${name}"`).toArray()[0]!.toJSON().n);
    },
  };
});

afterAll(() => conn?.close());

function fileOf(bytes: Uint8Array, name: string): File {
  return new File([bytes as BlobPart], name, { lastModified: 1_700_000_000_000 });
}

function refusal(bytes: Uint8Array, name = 'x.csv'): LocalFileError {
  try {
    decodeCsvBytes(bytes, name);
  } catch (err) {
    if (err instanceof LocalFileError) return err;
    throw err;
  }
  throw new Error('decoded without complaint');
}

describe('local CSV files', () => {
  it('a CP949 file from Seoul open data is read with its Korean headers and values', async () => {
    const bytes = new Uint8Array(readFileSync(path.resolve('test/fixtures/cp949/air_2018_head.csv')));
    const table = await registerLocalFile(fileOf(bytes, 'air 2018 head.csv'), sink);
    expect(table).toMatchObject({ name: 'local_air_2018_head', kind: 'csv', encoding: 'euc-kr' });
    const top = conn.query(`SELECT 측정소명, "미세먼지농도(㎍/㎥)" AS pm10 FROM local_air_2018_head ORDER BY pm10 DESC NULLS LAST LIMIT 1`).toArray()[0]!.toJSON();
    expect({ ...top, pm10: Number(top.pm10) }).toEqual({ 측정소명: '신촌로', pm10: 58 });
    expect(table.rowCount).toBe(await sink.count('local_air_2018_head'));
  });

  it('the same rows saved as UTF-8 read the same', async () => {
    const cp949 = new Uint8Array(readFileSync(path.resolve('test/fixtures/cp949/air_2018_head.csv')));
    const utf8 = new TextEncoder().encode(new TextDecoder('euc-kr').decode(cp949));
    const table = await registerLocalFile(fileOf(utf8, 'air_utf8.csv'), sink);
    expect(table.encoding).toBe('utf-8');
    const diff = conn.query(`SELECT count(*)::DOUBLE AS n FROM (SELECT * FROM local_air_utf8 EXCEPT ALL SELECT * FROM local_air_2018_head)`).toArray()[0]!.toJSON();
    expect(Number(diff.n)).toBe(0);
  });

  it('bytes that are neither UTF-8 nor CP949 are refused with the line, before the engine sees them', async () => {
    registered = [];
    // 0x80 and 0xFF start no CP949 character and are invalid UTF-8
    const garbled = new Uint8Array([...new TextEncoder().encode('a,b\n1,'), 0x80, 0xff, 0x80, 0x0a]);
    await expect(registerLocalFile(fileOf(garbled, 'garbled.csv'), sink)).rejects.toBeInstanceOf(LocalFileError);
    expect(registered).toEqual([]);
    const err = refusal(garbled, 'garbled.csv');
    expect(err.detail.en).toContain('garbled.csv: this file is neither UTF-8 nor CP949');
    expect(err.detail.en).toContain('line 2');
    expect(err.detail.ko).toContain('2번째 줄');
  });

  it('names the encoding that read further: a UTF-8 file with one stray byte on line 3', () => {
    const lines = new TextEncoder().encode('자치구,건수\n종로구,1\n중구,');
    const bytes = new Uint8Array([...lines, 0xff, 0x0a]);
    const err = refusal(bytes);
    expect(err.detail.en).toMatch(/read as UTF-8, it breaks at line 3/);
  });

  it('a CP949 file with a byte outside CP949 names CP949 and its line', () => {
    const cp949 = new Uint8Array(readFileSync(path.resolve('test/fixtures/cp949/air_2018_head.csv')));
    const cut = cp949.indexOf(0x0a) + 1; // after the header line
    const bytes = new Uint8Array([...cp949.subarray(0, cut), 0xff, ...cp949.subarray(cut)]);
    expect(refusal(bytes).detail.en).toMatch(/read as CP949, it breaks at line 2/);
  });
});
