/**
 * Password hashing: argon2id (the @node-rs/argon2 default algorithm) with OWASP's minimum
 * parameters (19 MiB, 2 passes, 1 lane). Hashes are PHC strings, so parameters can be raised later
 * without invalidating stored ones.
 */
import { hash, verify } from '@node-rs/argon2';
import { MadangError } from '../../shared/errors.ts';

const options = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const passwordMinLength = 8;
export const passwordMaxLength = 200;

/** Throws `invalid_input` for a password too short or too long to accept. */
export function assertAcceptablePassword(password: string): void {
  if ([...password].length < passwordMinLength) {
    throw new MadangError('invalid_input', {
      ko: `비밀번호는 ${passwordMinLength}자 이상이어야 합니다.`,
      en: `password must be at least ${passwordMinLength} characters`,
    });
  }
  if (password.length > passwordMaxLength) {
    throw new MadangError('invalid_input', {
      ko: `비밀번호는 ${passwordMaxLength}자 이하여야 합니다.`,
      en: `password must be at most ${passwordMaxLength} characters`,
    });
  }
}

export async function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

/** False (never throws) for a wrong password or a malformed stored hash. */
export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;
/**
 * Spends the same work as a real check, so "no such email" and "wrong password" take equally
 * long and the timing does not tell an attacker which emails have accounts.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummyHash ??= hashPassword('madang-timing-equaliser');
  await verifyPassword(await dummyHash, password);
  return false;
}
