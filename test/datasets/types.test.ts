import { describe, expect, it } from 'vitest';
import { TypeTracker, fitsType, type ColumnType } from '../../shared/datasets/types.ts';

function infer(values: string[]): ColumnType {
  const t = new TypeTracker();
  for (const v of values) t.add(v);
  return t.type;
}

describe('type inference', () => {
  it.each<[string[], ColumnType]>([
    [['1', '2', '-3'], 'integer'],
    [['1', '2.5', ''], 'double'],
    [['1e3', '0.5', '.25'], 'double'],
    [['true', 'FALSE', ''], 'boolean'],
    [['2024-02-29', '2023-12-31'], 'date'],
    [['2024-02-30'], 'text'],
    [['2024-01-01 10:00', '2024-01-01T23:59:59.5'], 'timestamp'],
    [['2024-01-01 24:00'], 'text'],
    [['007', '12'], 'text'],
    [['00.5'], 'text'],
    [['1', 'N/A'], 'text'],
    [['', ''], 'text'],
    [['12345678901234567890'], 'double'],
    [['ST-999', 'ST-998'], 'text'],
  ])('%j -> %s', (values, type) => {
    expect(infer(values)).toBe(type);
  });

  it('looks at every value, not a sample (a bad value on the last line counts)', () => {
    const values = Array.from({ length: 10000 }, (_, i) => String(i));
    values.push('없음');
    expect(infer(values)).toBe('text');
  });

  it('fitsType matches the steward-facing types', () => {
    expect(fitsType('0', 'integer')).toBe(true);
    expect(fitsType('+5', 'integer')).toBe(true);
    expect(fitsType('5.', 'double')).toBe(true);
    expect(fitsType('yes', 'boolean')).toBe(false);
    expect(fitsType('anything', 'text')).toBe(true);
  });
});
