import { describe, expect, it } from 'vitest';
import { DateDay, Int64, Table, TimestampMicrosecond, Type, Utf8, vectorFromArray } from 'apache-arrow';
import { toPlainRows } from '../../client/charts/tableRows.ts';

describe('Arrow result -> plain rows', () => {
  it('dates and timestamps become Dates, BIGINT numbers, strings stay', () => {
    const t = new Table({
      d: vectorFromArray([new Date(Date.UTC(2024, 0, 2)), null], new DateDay()),
      ts: vectorFromArray([new Date(Date.UTC(2024, 0, 2, 3, 4)), new Date(Date.UTC(2024, 0, 3))], new TimestampMicrosecond()),
      n: vectorFromArray([5n, 7n], new Int64()),
      s: vectorFromArray(['가', '나'], new Utf8()),
    });
    const { rows, columns } = toPlainRows(t);
    expect(columns).toEqual(['d', 'ts', 'n', 's']);
    expect(rows[0]).toEqual({ d: new Date(Date.UTC(2024, 0, 2)), ts: new Date(Date.UTC(2024, 0, 2, 3, 4)), n: 5, s: '가' });
    expect(rows[1].d).toBeNull();
    expect(toPlainRows(t, 1).rows.length).toBe(1);
  });

  it('uses the same type ids as Arrow (read without importing Arrow at runtime)', () => {
    expect([Type.Decimal, Type.Date, Type.Timestamp]).toEqual([7, 8, 10]);
  });

  it('plain rows pass through with BIGINT made numbers', () => {
    expect(toPlainRows([{ a: 1n, b: 'x' }])).toEqual({ rows: [{ a: 1, b: 'x' }], columns: ['a', 'b'] });
    expect(toPlainRows(null)).toEqual({ rows: [], columns: [] });
  });
});
