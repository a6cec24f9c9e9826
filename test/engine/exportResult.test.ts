/**
 * Result downloads are written in slices (see `exportResult.ts`): the slices cover every row once,
 * in order, and the header DuckDB writes before each CSV slice is found even when a quoted column
 * name holds a comma, a doubled quote or a newline, so it can be dropped from all but the first;
 * Parquet gets BIGINT columns back as Int64.
 */
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { exportSlices, headerLength, sliceRows, withIntegerTypes } from '../../client/components/outputs/exportResult.ts';

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

describe('Parquet column types', () => {
  it('BIGINT columns the engine handed over as doubles are written as Int64 again, nulls kept', () => {
    const t = new arrow.Table({
      i: arrow.vectorFromArray([0, null, 9_007_199_254_740_991], new arrow.Float64()),
      label: arrow.vectorFromArray(['a', 'b', 'c'], new arrow.Utf8()),
      x: arrow.vectorFromArray([1.5, 2, 3], new arrow.Float64()),
    });
    const out = withIntegerTypes(t, [{ name: 'i', type: 'BIGINT' }, { name: 'label', type: 'VARCHAR' }, { name: 'x', type: 'DOUBLE' }], arrow);
    expect(out.schema.fields.map((f) => [f.name, String(f.type)])).toEqual([['i', 'Int64'], ['label', 'Utf8'], ['x', 'Float64']]);
    expect(Array.from(out.getChild('i')!, (v) => v)).toEqual([0n, null, 9_007_199_254_740_991n]);
    expect(out.getChild('x')!.toArray()).toEqual(Float64Array.from([1.5, 2, 3]));
    expect(out.getChild('label')!.toArray()).toEqual(['a', 'b', 'c']);
    // what parquet-wasm is given: the IPC stream of the rebuilt table reads back the same
    const back = arrow.tableFromIPC(arrow.tableToIPC(out, 'stream'));
    expect(Array.from(back.getChild('i')!, (v) => v)).toEqual([0n, null, 9_007_199_254_740_991n]);
  });

  it('leaves a table without BIGINT columns as it is', () => {
    const t = arrow.tableFromArrays({ n: Int32Array.from([1, 2]) });
    expect(withIntegerTypes(t, [{ name: 'n', type: 'INTEGER' }], arrow)).toBe(t);
  });
});
