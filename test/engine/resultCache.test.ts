import { describe, expect, it } from 'vitest';
import { fnv1a64, normaliseSql, resultKey } from '../../shared/resultCache.ts';

const base = { sql: 'SELECT * FROM t WHERE a = $x', params: { x: 1 }, upstream: { t: 'abc' }, sources: { bikes: 'h1' } };

describe('result cache keys', () => {
  it('ignore layout whitespace and a trailing semicolon, not string contents', () => {
    expect(normaliseSql('  SELECT  *\n\tFROM t ;\n')).toBe('SELECT * FROM t');
    expect(normaliseSql("SELECT 'a  b'")).toBe("SELECT 'a  b'");
    expect(resultKey(base)).toBe(resultKey({ ...base, sql: 'SELECT *\n  FROM t\nWHERE a = $x;' }));
    expect(resultKey(base)).not.toBe(resultKey({ ...base, sql: "SELECT * FROM t WHERE a = 'x  y'" }));
  });

  it('change with any input value, upstream result or extract version', () => {
    const k = resultKey(base);
    expect(resultKey({ ...base, params: { x: 2 } })).not.toBe(k);
    expect(resultKey({ ...base, params: { x: '1' } })).not.toBe(k);
    expect(resultKey({ ...base, upstream: { t: 'abd' } })).not.toBe(k);
    expect(resultKey({ ...base, sources: { bikes: 'h2' } })).not.toBe(k);
    expect(resultKey({ ...base, params: { X: 1 } })).toBe(k); // names are case-insensitive, as in DuckDB
  });

  it('do not depend on key order', () => {
    expect(resultKey({ ...base, params: { a: 1, b: [1, 2] } })).toBe(resultKey({ ...base, params: { b: [1, 2], a: 1 } }));
  });

  it('FNV-1a 64 matches the reference vectors', () => {
    expect(fnv1a64('')).toBe('cbf29ce484222325');
    expect(fnv1a64('a')).toBe('af63dc4c8601ec8c');
  });
});
