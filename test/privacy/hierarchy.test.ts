/** Hierarchy kinds, encoding and their errors; policy validation with path-precise messages. */
import { describe, expect, it } from 'vitest';
import { MadangError } from '../../shared/errors.ts';
import { encodeHierarchy, levelMap } from '../../shared/privacy/hierarchy.ts';
import { bandLabel, generateHierarchyRows, maskLabel, truncateLabel } from '../../shared/privacy/hierarchyKinds.ts';
import { parsePolicy } from '../../shared/privacy/policy.ts';

function errorOf(fn: () => unknown): MadangError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MadangError) return err;
    throw err;
  }
  throw new Error('expected a MadangError');
}

describe('generated hierarchies', () => {
  it('bands: "lo-hi" per width, then "*"', () => {
    expect(generateHierarchyRows('birth_year', { kind: 'bands', bands: [5, 10, 20] }, ['1987', '2003'])).toEqual([
      ['1987', '1985-1989', '1980-1989', '1980-1999', '*'],
      ['2003', '2000-2004', '2000-2009', '2000-2019', '*'],
    ]);
    expect(bandLabel(2.7, 2.5, false)).toBe('[2.5, 5)');
    expect(bandLabel(-3, 5, true)).toBe('-5--1');
  });

  it('truncate: hour, day, month, year labels from DuckDB/ISO timestamps', () => {
    expect(generateHierarchyRows('t', { kind: 'truncate', truncate: ['hour', 'day', 'month'] }, ['2024-03-09 17:42:10'])).toEqual([
      ['2024-03-09 17:42:10', '2024-03-09 17:00', '2024-03-09', '2024-03', '*'],
    ]);
    expect(truncateLabel('2024-03-09T07:05', 'minute')).toBe('2024-03-09 07:05');
    expect(truncateLabel('2024-03-09', 'hour')).toBeNull();
  });

  it('mask keeps a prefix (code points) and masks the rest', () => {
    expect(maskLabel('1234567', 3)).toBe('123****');
    expect(maskLabel('강남구역삼동', 2)).toBe('강남****');
    expect(generateHierarchyRows('code', { kind: 'mask', keep: [5, 2] }, ['ST-1234'])).toEqual([['ST-1234', 'ST-12**', 'ST*****', '*']]);
  });

  it('map and levels', () => {
    expect(generateHierarchyRows('gu', { kind: 'map', map: { 강남구: ['동남권', '서울'], 마포구: ['서북권', '서울'] } }, ['마포구'])).toEqual([['마포구', '서북권', '서울', '*']]);
    expect(generateHierarchyRows('g', { kind: 'levels', levels: 1 }, ['F', 'M'])).toEqual([['F', '*'], ['M', '*']]);
  });

  it('names the values that do not fit (first few and the count)', () => {
    const err = errorOf(() => generateHierarchyRows('age', { kind: 'bands', bands: [10] }, ['12', 'abc', 'x', 'y', 'z', 'w', 'v']));
    expect(err.detail.en).toBe('column "age": values that are not numbers cannot be banded: "abc", "x", "y", "z", "w" … (6)');
    expect(err.detail.ko).toContain('"abc"');
    const missing = errorOf(() => generateHierarchyRows('gu', { kind: 'map', map: { 강남구: ['동남권'] } }, ['강남구', '중구']));
    expect(missing.detail.en).toContain('"중구" (1)');
  });
});

describe('encodeHierarchy', () => {
  const rows = [['a1', 'X', '*'], ['a2', 'X', '*'], ['a3', 'Y', '*'], ['a4', 'Y', '*']];

  it('codes levels in data order and keeps ARX domain shares over all rows', () => {
    const h = encodeHierarchy('A', rows, ['a3', 'a1']);
    expect(h.maxLevel).toBe(2);
    expect(Array.from(h.codes[1])).toEqual([0, 1]);
    expect(h.labels[1]).toEqual(['Y', 'X']);
    expect(Array.from(h.shares[1])).toEqual([0.5, 0.5]);
    expect(Array.from(h.shares[0])).toEqual([0.25, 0.25]);
    expect(Array.from(levelMap(h, 1, 2))).toEqual([0, 0]);
  });

  it('errors: values missing from the hierarchy, ragged rows, not a tree', () => {
    expect(errorOf(() => encodeHierarchy('A', rows, ['a1', 'b7', 'b8'])).detail.en).toBe('hierarchy of column "A": values present in the data are missing from the hierarchy: "b7", "b8" (2)');
    expect(errorOf(() => encodeHierarchy('A', [['a1', 'X', '*'], ['a2', 'X']], ['a1'])).detail.en).toContain('row 2 has 2 fields');
    expect(errorOf(() => encodeHierarchy('A', [['a1', 'X', 'P', '*'], ['a2', 'X', 'Q', '*']], ['a1', 'a2'])).detail.en).toContain('"X" at level 1 generalises to both "P" and "Q"');
  });
});

describe('parsePolicy', () => {
  const base = { k: 5, suppressionLimit: 0.04, metric: 'entropy', columns: { id: { role: 'identifier' } } };

  it('accepts the interfaces.md example and normalises hierarchies', () => {
    const p = parsePolicy({
      ...base,
      columns: {
        rental_id: { role: 'identifier' },
        birth_year: { role: 'quasi', hierarchy: { bands: [5, 10, 20] } },
        rented_at: { role: 'quasi', hierarchy: { truncate: ['hour', 'day', 'month'] } },
        station: { role: 'quasi', hierarchy: { file: 'station_hierarchy.csv' } },
        gender: { role: 'quasi', hierarchy: { levels: 1 } },
        purpose: { role: 'sensitive', lDiversity: { variant: 'distinct', l: 2 } },
        distance_m: { role: 'other' },
      },
    });
    expect(p.columns.birth_year).toEqual({ role: 'quasi', hierarchy: { kind: 'bands', bands: [5, 10, 20] } });
    expect(p.columns.station).toEqual({ role: 'quasi', hierarchy: { kind: 'file', file: 'station_hierarchy.csv' } });
  });

  it('defaults: no suppression, entropy', () => {
    expect(parsePolicy({ k: 2, columns: {} })).toEqual({ k: 2, suppressionLimit: 0, metric: 'entropy', columns: {} });
  });

  it('names the exact path of each problem, in both languages', () => {
    const err = errorOf(() => parsePolicy({ ...base, k: 0, columns: { age: { role: 'quasi', hierarchy: { bands: [5, 7] } }, x: { role: 'secret' } } }));
    expect(err.detail.en).toContain('k:');
    expect(err.detail.en).toContain('columns.age.hierarchy.bands[1]: band 7 must be a whole multiple');
    expect(err.detail.en).toContain('columns.x.role');
    expect(err.detail.ko).toContain('columns.age.hierarchy.bands[1]');
    expect(errorOf(() => parsePolicy({ ...base, columns: { t: { role: 'quasi', hierarchy: { truncate: ['day', 'hour'] } } } })).detail.en).toContain('columns.t.hierarchy.truncate[1]: units must get coarser');
    expect(errorOf(() => parsePolicy({ ...base, columns: { t: { role: 'quasi', hierarchy: { levels: 1, bands: [5] } } } })).detail.en).toContain('expected exactly one of');
    expect(errorOf(() => parsePolicy({ ...base, suppressionLimit: 2 })).detail.en).toContain('suppressionLimit');
  });
});
