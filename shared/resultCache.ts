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
  // Every planning pass normalises every cell's SQL again; the texts rarely change between passes.
  const known = normalised.get(sql);
  if (known !== undefined) return known;
  const out = normaliseUncached(sql);
  if (normalised.size >= 256) normalised.delete(normalised.keys().next().value!);
  normalised.set(sql, out);
  return out;
}

const normalised = new Map<string, string>();

function normaliseUncached(sql: string): string {
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

/**
 * FNV-1a, 64 bits, as 16 hex digits. In two 32-bit halves: BigInt arithmetic allocates per byte
 * and made every planning pass cost a few hundred microseconds before a query could be posted
 * (bench:query). The prime is 2^40 + 0x1b3, so h * prime = (h << 40) + h * 0x1b3 (mod 2^64).
 */
export function fnv1a64(text: string): string {
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (const b of new TextEncoder().encode(text)) {
    lo = (lo ^ b) >>> 0;
    const low = lo * 0x1b3; // < 2^41: exact in a double
    const carry = Math.floor(low / 0x100000000);
    hi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = low >>> 0;
  }
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
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
