/**
 * Rate limit for citizens' feedback: at most `limit` posts per address in a sliding `windowMs`
 * (in memory: one process; a restart forgets, which only ever lets more through). Addresses are
 * kept as given and dropped once their window is empty.
 */
export interface FeedbackLimiter {
  /** Records a post; returns 0 when allowed, else the milliseconds until the next one is. */
  take(address: string, now?: number): number;
}

export function createFeedbackLimiter(opts: { limit?: number; windowMs?: number } = {}): FeedbackLimiter {
  const limit = opts.limit ?? 5;
  const windowMs = opts.windowMs ?? 10 * 60_000;
  const hits = new Map<string, number[]>();
  return {
    take(address, now = Date.now()) {
      const recent = (hits.get(address) ?? []).filter((t) => now - t < windowMs);
      if (recent.length >= limit) {
        hits.set(address, recent);
        return windowMs - (now - recent[0]!);
      }
      recent.push(now);
      hits.set(address, recent);
      if (hits.size > 10_000) for (const [k, v] of hits) if (v.every((t) => now - t >= windowMs)) hits.delete(k);
      return 0;
    },
  };
}
