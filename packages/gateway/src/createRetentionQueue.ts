import type { Timers } from "@taskbridge/core/protocol";
export type RetentionQueueOptions<T> = {
  /** How long each item is kept after `add`. */
  readonly retentionMs: number;
  /**
   * At most this many items are kept: an `add` beyond it expires the oldest at once, as its time
   * would later. Default: no bound.
   */
  readonly maxItems?: number;
  /** Called once per item when its time is up, or (`early` true) when the bound pushes it out. */
  readonly onExpire: (item: T, early: boolean) => void;
  readonly timers: Timers;
};

export type RetentionQueue<T> = {
  readonly add: (item: T) => void;
  /** Items waiting to expire. */
  readonly size: () => number;
  /** Drops everything without calling `onExpire`, and the timer with it. */
  readonly close: () => void;
};

/**
 * Forgets items a fixed time after they were added — finished requests, 60 s after their terminal
 * frame — with one timer for all of them instead of one per item: with a constant retention the
 * queue is in expiry order, so a sweep pops from the front. Sweeps are batched (at most
 * `retentionMs / 20`, capped at 250 ms, late), which keeps a busy gateway at a few timers a second.
 * With `maxItems`, the oldest go early when more are held, so what the queue keeps is bounded by
 * count as well as by time. An expired item's slot is cleared at once: the queue never keeps
 * alive what it has handed to `onExpire`.
 *
 * @example
 * const retained = createRetentionQueue({ retentionMs: 60_000, maxItems: 50_000, onExpire: forget, timers });
 * retained.add(entry); // forget(entry) in 60 s, or sooner once 50,000 newer ones were added
 */
export const createRetentionQueue = <T>({
  retentionMs,
  maxItems = Number.POSITIVE_INFINITY,
  onExpire,
  timers,
}: RetentionQueueOptions<T>): RetentionQueue<T> => {
  const slack = Math.min(250, Math.floor(retentionMs / 20));
  // Two parallel arrays rather than one `{ item, at }` per item: an object less per item held.
  let items: (T | undefined)[] = [];
  let expiries: number[] = [];
  let head = 0;
  let timer: unknown;

  const arm = (): void => {
    if (timer !== undefined || head >= items.length) return;
    const at = expiries[head] as number;
    timer = timers.setTimeout(sweep, Math.max(0, at - timers.now()) + slack);
  };

  const expireOldest = (early: boolean): void => {
    const item = items[head] as T;
    items[head] = undefined;
    head += 1;
    onExpire(item, early);
  };

  // Amortised O(1): the arrays are sliced only once their dead prefix outgrows what they hold.
  const compact = (): void => {
    if (head <= 1024 || head * 2 <= items.length) return;
    items = items.slice(head);
    expiries = expiries.slice(head);
    head = 0;
  };

  const sweep = (): void => {
    timer = undefined;
    const now = timers.now();
    while (head < items.length && (expiries[head] as number) <= now) expireOldest(false);
    compact();
    arm();
  };

  return {
    add: (item) => {
      items.push(item);
      expiries.push(timers.now() + retentionMs);
      if (items.length - head > maxItems) {
        expireOldest(true);
        compact();
      }
      arm();
    },
    size: () => items.length - head,
    close: () => {
      timers.clearTimeout(timer);
      timer = undefined;
      items = [];
      expiries = [];
      head = 0;
    },
  };
};
