/**
 * JSON for DuckDB parse trees without losing digits. `JSON.parse` turns every number into a double,
 * so a BIGINT constant like 9007199254740993 (or DuckDB's "no location" marker 2^64 − 1) would come
 * back changed, and the evidence query would then filter on a different value. Numbers with more
 * than 15 significant digits are therefore kept as their exact text through a parse/stringify trip.
 */
import { randomBytes } from 'node:crypto';

// A per-process nonce, so no string in a query can pose as a kept number.
const marker = `__madang_exact_${randomBytes(6).toString('hex')}:`;

/** Parses JSON, keeping long numbers as marked strings (restored by `stringifyExactJson`). */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') {
      // Copy the string as is, escapes included.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let j = i + 1;
      while (j < text.length && /[-+0-9.eE]/.test(text[j])) j++;
      const token = text.slice(i, j);
      const digits = token.replace(/[eE].*$/, '').replace(/[^0-9]/g, '').replace(/^0+/, '');
      out += digits.length > 15 ? `"${marker}${token}"` : token;
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return JSON.parse(out);
}

/** Stringifies, turning kept numbers back into the exact number text. */
export function stringifyExactJson(value: unknown): string {
  const escaped = marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return JSON.stringify(value).replace(new RegExp(`"${escaped}([-+0-9.eE]+)"`, 'g'), '$1');
}
