/**
 * The shape of a SQL text for dependency analysis: its tokens (DuckDB's own tokenizer) with
 * numbers and comments left out. Two texts of the same shape name the same tables, cells and
 * `$parameters` — the parser sees the same statement with other numbers — so an edit that only
 * changes numbers or comments (a threshold, a year, a LIMIT, a note) reuses the analysis of the
 * text before it instead of asking the server again. Everything else stays in the shape, string
 * literals included (`FROM 'trips.csv'` names a file); when in doubt the shape is null and the
 * server is asked.
 */
import { tokenTypes, type SqlTokens } from './params.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Length of a quoted lexeme starting at `at` (`quote` doubled inside), or -1 if unterminated. */
function quotedLength(bytes: Uint8Array, at: number, quote: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    if (bytes[i] !== quote) continue;
    if (bytes[i + 1] === quote) {
      i++;
      continue;
    }
    return i + 1 - at;
  }
  return -1;
}

/** Length of a plain lexeme: up to whitespace or the start of a comment. */
function plainLength(bytes: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const b = bytes[i]!;
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) break;
    if ((b === 0x2d && bytes[i + 1] === 0x2d) || (b === 0x2f && bytes[i + 1] === 0x2a)) break; // -- or /*
    i++;
  }
  return i - at;
}

export function sqlShape(sql: string, tokens: SqlTokens): string | null {
  const bytes = encoder.encode(sql);
  const parts: string[] = [];
  for (let i = 0; i < tokens.offsets.length; i++) {
    const at = tokens.offsets[i]!;
    const end = tokens.offsets[i + 1] ?? bytes.length;
    const type = tokens.types[i]!;
    if (type === tokenTypes.numeric) {
      parts.push('1#');
      continue;
    }
    if (type === tokenTypes.comment) continue;
    const first = bytes[at];
    let length: number;
    if (type === tokenTypes.string) {
      // Only plain '…' literals are understood here (E'…' and $$…$$ send the text to the server).
      if (first !== 0x27) return null;
      length = quotedLength(bytes, at, 0x27);
    } else if (type === tokenTypes.identifier && first === 0x22) {
      length = quotedLength(bytes, at, 0x22);
    } else {
      length = plainLength(bytes, at, end);
    }
    if (length <= 0 || at + length > end) return null;
    parts.push(`${type}${decoder.decode(bytes.subarray(at, at + length))}`);
  }
  return parts.join('\u0000');
}
