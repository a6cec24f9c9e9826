/**
 * Result cache keys: a cell's result is reused when nothing that could change it changed. The key
 * hashes (normalised SQL, bound input values, upstream results' keys, extract versions). Pure and
 * synchronous (FNV-1a 64-bit over a canonical string), so client and tests compute the same key.
 */

export interface ResultKeyInput {
  sql: string;
  /** Parameter name -> value actually bound. */
  params: Readonly<Record<string, unknown>>;
  /** Upstream cell name -> that cell's result key. */
  upstream: Readonly<Record<string, string>>;
  /** Source name -> content hash (extract version) or a local file's fingerprint. */
  sources: Readonly<Record<string, string>>;
}

/**
 * Whitespace outside string literals and quoted identifiers collapses to one space, and a trailing
 * semicolon goes. Comments stay: they are rare and stripping them safely needs the tokenizer.
 */
export function normaliseSql(sql: string): string {
  let out = '';
  let quote: string | null = null;
  let pendingSpace = false;
  for (const ch of sql.trim()) {
    if (quote) {
      out += ch;
      if (ch === quote) quote = null;
      continue;
    }
    if (/\s/.test(ch)) {
      pendingSpace = true;
      continue;
    }
    if (pendingSpace && out) out += ' ';
    pendingSpace = false;
    if (ch === "'" || ch === '"') quote = ch;
    out += ch;
  }
  return out.replace(/;+$/, '').trimEnd();
}

function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' && !Number.isFinite(value)) return `num:${String(value)}`;
  if (typeof value === 'bigint') return `big:${value.toString()}`;
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a, 64 bits, as 16 hex digits. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * prime) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export function resultKey(input: ResultKeyInput): string {
  const lowerKeys = (o: Readonly<Record<string, unknown>>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
  return fnv1a64(canonical({
    sql: normaliseSql(input.sql),
    params: lowerKeys(input.params),
    upstream: lowerKeys(input.upstream),
    sources: lowerKeys(input.sources),
  }));
}
