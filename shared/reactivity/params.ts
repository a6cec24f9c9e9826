/**
 * `$name` parameters -> positional `$1..$n` for a prepared statement. DuckDB-WASM binds values by
 * position only (`stmt.query(...values)`; named parameters fail with "Values were not provided"),
 * so the cell's SQL is rewritten using DuckDB's own tokenizer output (`db.tokenize(sql)`): a `$`
 * operator token immediately followed by a name token is a parameter; `$` inside strings,
 * quoted identifiers and comments is never touched, and values are never spliced into the text.
 */

/** DuckDB-WASM `ScriptTokens` (offsets are UTF-8 byte offsets). */
export interface SqlTokens {
  offsets: readonly number[];
  types: readonly number[];
}

export const tokenTypes = { identifier: 0, numeric: 1, string: 2, operator: 3, keyword: 4, comment: 5 } as const;

export interface PositionalSql {
  sql: string;
  /** Parameter names in positional order: `$1` is `names[0]`. */
  names: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isNameByte(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b >= 0x80;
}

/**
 * `wrap` may turn a parameter reference into an expression around it (e.g. a list parameter is
 * sent as one string and split back into a LIST by DuckDB).
 */
export function toPositionalParams(sql: string, tokens: SqlTokens, wrap?: (name: string, ref: string) => string): PositionalSql {
  const bytes = encoder.encode(sql);
  const names: string[] = [];
  const parts: Uint8Array[] = [];
  let copied = 0;
  for (let i = 0; i < tokens.offsets.length - 1; i++) {
    const at = tokens.offsets[i]!;
    const next = tokens.offsets[i + 1]!;
    const nextType = tokens.types[i + 1];
    if (tokens.types[i] !== tokenTypes.operator || bytes[at] !== 0x24 /* $ */ || next !== at + 1) continue;
    if (nextType !== tokenTypes.identifier && nextType !== tokenTypes.keyword) continue;
    let end = next;
    while (end < bytes.length && isNameByte(bytes[end]!)) end++;
    const name = decoder.decode(bytes.subarray(next, end));
    if (/^\d+$/.test(name)) continue; // already positional
    let index = names.findIndex((n) => n.toLowerCase() === name.toLowerCase());
    if (index < 0) index = names.push(name) - 1;
    const ref = `$${index + 1}`;
    parts.push(bytes.subarray(copied, at), encoder.encode(wrap ? wrap(names[index]!, ref) : ref));
    copied = end;
  }
  if (names.length === 0) return { sql, names };
  parts.push(bytes.subarray(copied));
  return { sql: parts.map((p) => decoder.decode(p)).join(''), names };
}

/** Values for `names`, from the current input values; a missing input is an error naming it. */
export function bindValues(names: readonly string[], values: ReadonlyMap<string, unknown>): { ok: true; values: unknown[] } | { ok: false; missing: string[] } {
  const lower = new Map([...values].map(([k, v]) => [k.toLowerCase(), v]));
  const missing = names.filter((n) => !lower.has(n.toLowerCase()));
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, values: names.map((n) => lower.get(n.toLowerCase())) };
}

/** Unit separator: joins a list parameter's items into the one string DuckDB-WASM can bind. */
export const listSeparator = '\u001f';

/**
 * A list value (multi-select) as one bindable string plus the SQL that rebuilds the LIST:
 * numbers become DOUBLE[], anything else VARCHAR[]; an empty list is NULL (matches nothing).
 */
export function listParam(values: readonly unknown[], ref: string): { value: string; sql: string } {
  const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
  return {
    value: values.map((v) => String(v)).join(listSeparator),
    sql: `CAST(string_split(NULLIF(${ref}, ''), chr(31)) AS ${numeric ? 'DOUBLE' : 'VARCHAR'}[])`,
  };
}
