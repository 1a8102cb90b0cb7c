/** A token bucket's refill: `tokens` become available again every `perMs` milliseconds. */
export type RateLimit = { readonly tokens: number; readonly perMs: number };

export type TokenBucket = {
  /** Takes one token; false when the bucket is empty (the caller answers `RATE_LIMITED`). */
  readonly take: () => boolean;
};

/**
 * A token bucket for one session's request rate: it starts full, holds at most `tokens`, and
 * refills continuously at `tokens / perMs`. Time comes from the injected `now`, so tests need no
 * sleeps.
 *
 * @example
 * const bucket = createTokenBucket({ tokens: 50, perMs: 1000 }, Date.now);
 * if (!bucket.take()) refuse("RATE_LIMITED");
 */
export const createTokenBucket = (
  { tokens, perMs }: RateLimit,
  now: () => number = Date.now,
): TokenBucket => {
  let available = tokens;
  let last = now();
  const take = (): boolean => {
    const t = now();
    if (t > last) {
      available = Math.min(tokens, available + ((t - last) * tokens) / perMs);
      last = t;
    }
    if (available < 1) return false;
    available -= 1;
    return true;
  };
  return { take };
};
