/**
 * How DuckDB-WASM's values reach the page. The engine is opened with `castBigIntToDouble` and
 * `castDecimalToDouble` so the grid and charts get plain numbers, but DuckDB-WASM 1.32 applies the
 * cast only to top-level columns: inside a LIST, ARRAY or STRUCT it relabels BIGINT, UBIGINT,
 * HUGEINT, UHUGEINT and DECIMAL children as Float64 and leaves their integer bits, so
 * `list(range)` arrived as [0, 5e-324, 1e-323]. Reads for the page therefore cast such nested
 * columns to the same shape with DOUBLE in those places. (MAP children keep their Int64 type and
 * need nothing; the cast covers them too, so a MAP of BIGINT shows as numbers like the rest.)
 */

/** Scalar types the engine turns into doubles at the top level and garbles when nested. */
const wideScalar = /^(?:BIGINT|UBIGINT|HUGEINT|UHUGEINT|DECIMAL\(\s*\d+\s*,\s*\d+\s*\))$/;

/**
 * `type` (as DESCRIBE writes it) with every wide integer or decimal inside a nested type replaced
 * by DOUBLE, or null when nothing needs a cast (scalars, or nested types without such members).
 * Struct field names are kept as written: a name is followed by a space and its type, a type by
 * `,`, `)`, `[` or the end, and quoted names are skipped whole.
 */
export function nestedAsDouble(type: string): string | null {
  if (!/[[(]/.test(type) || wideScalar.test(type.trim())) return null;
  let out = '';
  let changed = false;
  let i = 0;
  while (i < type.length) {
    const ch = type[i]!;
    if (ch === '"') {
      // A quoted struct field name: copied as is (doubled quotes inside).
      let j = i + 1;
      while (j < type.length && !(type[j] === '"' && type[j + 1] !== '"')) j += type[j] === '"' ? 2 : 1;
      out += type.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const word = /^(?:DECIMAL\(\s*\d+\s*,\s*\d+\s*\)|[A-Za-z_][A-Za-z0-9_]*)/.exec(type.slice(i));
    if (!word) {
      out += ch;
      i += 1;
      continue;
    }
    const after = type.slice(i + word[0].length).match(/^\s*(.?)/)?.[1] ?? '';
    const isType = after === '' || after === ',' || after === ')' || after === '[';
    if (isType && wideScalar.test(word[0])) {
      out += 'DOUBLE';
      changed = true;
    } else out += word[0];
    i += word[0].length;
  }
  return changed ? out : null;
}

/**
 * The select list a page-bound read uses for these columns: `*` when no column needs a cast, else
 * every column by name with nested wide numbers cast to DOUBLE (names and order unchanged).
 */
export function pageSelectList(columns: ReadonlyArray<{ name: string; type: string }>): string {
  const casts = columns.map((c) => nestedAsDouble(c.type));
  if (casts.every((c) => c === null)) return '*';
  const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return columns.map((c, i) => (casts[i] === null ? q(c.name) : `CAST(${q(c.name)} AS ${casts[i]}) AS ${q(c.name)}`)).join(', ');
}
