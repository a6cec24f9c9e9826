import { describe, expect, it } from 'vitest';
import { fnv1a64, normaliseSql, resultKey } from '../../shared/resultCache.ts';
import { mulberry32 } from '../harness/seededRandom.ts';

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
    // The two-halves arithmetic equals the 64-bit definition (BigInt) on varied text.
    const reference = (text: string) => {
      let h = 0xcbf29ce484222325n;
      for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      return h.toString(16).padStart(16, '0');
    };
    const random = mulberry32(7);
    for (let n = 0; n < 300; n++) {
      const text = Array.from({ length: Math.floor(random() * 80) }, () => String.fromCodePoint(Math.floor(random() * (random() < 0.8 ? 128 : 0xd7ff)))).join('');
      expect(fnv1a64(text)).toBe(reference(text));
    }
    expect(fnv1a64('SELECT 자치구, count(*) FROM trips GROUP BY ALL')).toBe(reference('SELECT 자치구, count(*) FROM trips GROUP BY ALL'));
  });
});
