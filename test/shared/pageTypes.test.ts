import { describe, expect, it } from 'vitest';
import { nestedAsDouble, pageSelectList } from '../../shared/pageTypes.ts';

describe('page-bound types', () => {
  it('cast wide integers and decimals inside nested types to DOUBLE, and nothing else', () => {
    const cases: Array<[string, string | null]> = [
      ['BIGINT', null], // top level: the engine casts it already
      ['DECIMAL(18,3)', null],
      ['VARCHAR[]', null],
      ['INTEGER[]', null],
      ['BIGINT[]', 'DOUBLE[]'],
      ['HUGEINT[3]', 'DOUBLE[3]'],
      ['DECIMAL(4,1)[]', 'DOUBLE[]'],
      ['UBIGINT[][]', 'DOUBLE[][]'],
      ['STRUCT(x BIGINT, y VARCHAR)', 'STRUCT(x DOUBLE, y VARCHAR)'],
      ['MAP(VARCHAR, BIGINT)', 'MAP(VARCHAR, DOUBLE)'],
      ['UNION(a UHUGEINT, b VARCHAR)', 'UNION(a DOUBLE, b VARCHAR)'],
      // field names are not types, however they are spelled
      ['STRUCT(BIGINT BIGINT)', 'STRUCT(BIGINT DOUBLE)'],
      ['STRUCT("BIGINT" INTEGER)', null],
      ['STRUCT("a ""b"" BIGINT" DECIMAL(18, 3)[], c INTEGER)[]', 'STRUCT("a ""b"" BIGINT" DOUBLE[], c INTEGER)[]'],
    ];
    for (const [type, expected] of cases) expect(nestedAsDouble(type), type).toBe(expected);
  });

  it('select every column by name when one needs a cast, else *', () => {
    expect(pageSelectList([{ name: 'a', type: 'BIGINT' }, { name: 'b', type: 'VARCHAR[]' }])).toBe('*');
    expect(pageSelectList([{ name: 'a', type: 'BIGINT' }, { name: 'l"st', type: 'BIGINT[]' }]))
      .toBe('"a", CAST("l""st" AS DOUBLE[]) AS "l""st"');
  });
});
