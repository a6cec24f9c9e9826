/**
 * Identifiers for notebooks and cells: 21 characters from the URL-safe alphabet (A–Z a–z 0–9 `_` `-`),
 * 126 random bits, from `crypto.getRandomValues` (a global in Node 20 and every browser).
 * They go into URLs (`/collab/<id>`) and Y.Map keys, so they must never need escaping.
 *
 * @example
 *   const id = newId();        // 'V1StGXR8_Z5jdHi6B-myT'
 *   isValidNotebookId(id);     // true
 */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const idLength = 21;

export function newId(): string {
  const bytes = new Uint8Array(idLength);
  crypto.getRandomValues(bytes);
  let id = '';
  // 256 is a multiple of 64, so masking keeps every character equally likely.
  for (const b of bytes) id += alphabet[b & 63];
  return id;
}

const idPattern = /^[A-Za-z0-9_-]{6,64}$/;

/** Ids we accept from outside (URLs, files, peers): 6–64 URL-safe characters. */
export function isValidNotebookId(s: unknown): s is string {
  return typeof s === 'string' && idPattern.test(s);
}

/** Cell ids follow the same rule as notebook ids. */
export function isValidCellId(s: unknown): s is string {
  return typeof s === 'string' && idPattern.test(s);
}
