/**
 * Brute-force protection for sign-in, in memory (one process; a restart forgets, which only helps
 * the legitimate user). Failures are counted per email+address and per email alone: after
 * `maxFailures` within `windowMs` the key is locked for `lockMs`. The per-email count stops an
 * attacker who rotates addresses; it is set higher so one noisy network cannot lock a person out
 * as easily. A success clears the email+address key.
 */
import { systemClock, type Clock } from './clock.ts';

export interface LoginLimiterOptions {
  maxFailures: number;
  /** Per email, any address: more generous than `maxFailures`. */
  maxFailuresPerEmail: number;
  windowMs: number;
  lockMs: number;
}

export const defaultLoginLimits: LoginLimiterOptions = {
  maxFailures: 5,
  maxFailuresPerEmail: 20,
  windowMs: 15 * 60 * 1000,
  lockMs: 15 * 60 * 1000,
};

interface Counter {
  failures: number[];
  lockedUntil: number;
}

export interface LoginLimiter {
  /** Milliseconds until this email may try again from this address; 0 when allowed. */
  retryAfterMs(email: string, ip: string): number;
  /** Counts a failure; returns the lock time in ms if it caused (or continues) a lock, else 0. */
  recordFailure(email: string, ip: string): number;
  recordSuccess(email: string, ip: string): void;
}

export function createLoginLimiter(opts: Partial<LoginLimiterOptions> = {}, clock: Clock = systemClock): LoginLimiter {
  const o = { ...defaultLoginLimits, ...opts };
  const counters = new Map<string, Counter>();
  const keys = (email: string, ip: string): Array<[string, number]> => [
    [`${email}\u0000${ip}`, o.maxFailures],
    [`${email}\u0000*`, o.maxFailuresPerEmail],
  ];

  function prune(now: number): void {
    // Bounded memory: drop counters with no recent failures and no active lock.
    if (counters.size < 10_000) return;
    for (const [k, c] of counters) if (c.lockedUntil <= now && (c.failures.at(-1) ?? 0) < now - o.windowMs) counters.delete(k);
  }

  return {
    retryAfterMs(email, ip) {
      const now = clock().getTime();
      let wait = 0;
      for (const [k] of keys(email, ip)) wait = Math.max(wait, (counters.get(k)?.lockedUntil ?? 0) - now);
      return Math.max(0, wait);
    },
    recordFailure(email, ip) {
      const now = clock().getTime();
      prune(now);
      let lock = 0;
      for (const [k, max] of keys(email, ip)) {
        const c = counters.get(k) ?? { failures: [], lockedUntil: 0 };
        c.failures = c.failures.filter((t) => t > now - o.windowMs);
        c.failures.push(now);
        if (c.failures.length >= max) {
          c.lockedUntil = now + o.lockMs;
          c.failures = [];
        }
        counters.set(k, c);
        lock = Math.max(lock, c.lockedUntil - now);
      }
      return Math.max(0, lock);
    },
    recordSuccess(email, ip) {
      counters.delete(keys(email, ip)[0][0]);
    },
  };
}
