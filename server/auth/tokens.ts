/**
 * Secret tokens (session cookies, invite links) and their stored digests. Only the SHA-256 of a
 * token is ever written to the database, so a leaked database copy cannot be replayed as cookies.
 */
import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Short random id for rows (users, orgs): 128 bits, base64url. */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A password people can type: 4 groups of 4 from an alphabet without look-alikes (~82 bits). */
export function newReadablePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  let out = '';
  for (let i = 0; i < 16; i++) {
    if (i > 0 && i % 4 === 0) out += '-';
    out += alphabet[bytes[i] % alphabet.length];
  }
  return out;
}
