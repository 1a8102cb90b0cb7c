export type BackoffOptions = {
  /** The first delay, in ms. */
  readonly initialMs?: number;
  /** The cap, in ms. */
  readonly maxMs?: number;
  /** Spread: each delay is multiplied by a random factor in [1 - jitter, 1 + jitter]. */
  readonly jitter?: number;
  readonly random?: () => number;
};

/**
 * Exponential back-off with jitter for reconnect attempts: attempt 1 waits about `initialMs`,
 * each further attempt twice as long up to `maxMs`, each spread by `jitter` so a fleet of
 * processes does not reconnect in lockstep after a RabbitMQ restart.
 *
 * @example
 * const delay = exponentialBackoff({ initialMs: 100, maxMs: 5000 });
 * delay(1) // ≈ 100 (80…120); delay(10) // ≈ 5000 (4000…5000)
 */
export const exponentialBackoff =
  ({ initialMs = 100, maxMs = 5000, jitter = 0.2, random = Math.random }: BackoffOptions = {}) =>
  (attempt: number): number => {
    const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(Math.min(maxMs, base * (1 - jitter + 2 * jitter * random())));
  };
