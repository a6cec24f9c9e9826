import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../server/auth/loginLimiter.ts';

const minute = 60_000;

function setup() {
  let now = Date.UTC(2026, 0, 1);
  const limiter = createLoginLimiter({}, () => new Date(now));
  return { limiter, advance: (ms: number) => { now += ms; } };
}

describe('login limiter', () => {
  it('locks an email from one address on the 5th failure within 15 minutes, for 15 minutes', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 4; i++) expect(limiter.recordFailure('a@x.kr', '1.1.1.1')).toBe(0);
    expect(limiter.retryAfterMs('a@x.kr', '1.1.1.1')).toBe(0);
    expect(limiter.recordFailure('a@x.kr', '1.1.1.1')).toBe(15 * minute);
    expect(limiter.retryAfterMs('a@x.kr', '1.1.1.1')).toBe(15 * minute);
    expect(limiter.retryAfterMs('a@x.kr', '2.2.2.2')).toBe(0); // another address is not locked by this
    expect(limiter.retryAfterMs('b@x.kr', '1.1.1.1')).toBe(0); // nor another email
    advance(15 * minute);
    expect(limiter.retryAfterMs('a@x.kr', '1.1.1.1')).toBe(0);
  });

  it('forgets failures older than the window', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 4; i++) limiter.recordFailure('a@x.kr', '1.1.1.1');
    advance(15 * minute + 1);
    expect(limiter.recordFailure('a@x.kr', '1.1.1.1')).toBe(0);
  });

  it('a success clears the address count', () => {
    const { limiter } = setup();
    for (let i = 0; i < 4; i++) limiter.recordFailure('a@x.kr', '1.1.1.1');
    limiter.recordSuccess('a@x.kr', '1.1.1.1');
    expect(limiter.recordFailure('a@x.kr', '1.1.1.1')).toBe(0);
  });

  it('locks an email tried from many addresses after 20 failures in total', () => {
    const { limiter } = setup();
    for (let i = 0; i < 19; i++) expect(limiter.recordFailure('a@x.kr', `10.0.0.${i}`)).toBe(0);
    expect(limiter.recordFailure('a@x.kr', '10.0.1.1')).toBe(15 * minute);
    expect(limiter.retryAfterMs('a@x.kr', '10.9.9.9')).toBe(15 * minute);
    expect(limiter.retryAfterMs('b@x.kr', '10.9.9.9')).toBe(0);
  });
});
