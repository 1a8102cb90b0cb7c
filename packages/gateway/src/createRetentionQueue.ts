import type { Timers } from "@taskbridge/core/protocol";
export type RetentionQueueOptions<T> = {
  /** How long each item is kept after `add`. */
  readonly retentionMs: number;
  /** Called once per item when its time is up. */
  readonly onExpire: (item: T) => void;
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
 */
export const createRetentionQueue = <T>({
  retentionMs,
  onExpire,
  timers,
}: RetentionQueueOptions<T>): RetentionQueue<T> => {
  const slack = Math.min(250, Math.floor(retentionMs / 20));
  let items: { item: T; at: number }[] = [];
  let head = 0;
  let timer: unknown;

  const arm = (): void => {
    const next = items[head];
    if (timer !== undefined || next === undefined) return;
    timer = timers.setTimeout(sweep, Math.max(0, next.at - timers.now()) + slack);
  };

  const sweep = (): void => {
    timer = undefined;
    const now = timers.now();
    for (let next = items[head]; next !== undefined && next.at <= now; next = items[head]) {
      head += 1;
      onExpire(next.item);
    }
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
    arm();
  };

  return {
    add: (item) => {
      items.push({ item, at: timers.now() + retentionMs });
      arm();
    },
    size: () => items.length - head,
    close: () => {
      timers.clearTimeout(timer);
      timer = undefined;
      items = [];
      head = 0;
    },
  };
};
