import type { GatewayTimers } from "../src/timers.js";

/** Gateway timers driven by hand: `advance(ms)` moves the clock and runs what fell due, in order. */
export type ManualTimers = GatewayTimers & {
  readonly advance: (ms: number) => void;
  /** Timers scheduled and not yet run or cleared. */
  readonly pending: () => number;
};

/**
 * A manual clock for tests about time (timeouts, retention, rate limits): nothing runs until the
 * test calls `advance`, so no test sleeps or races the machine's load.
 */
export const createManualTimers = (start = 1_000_000): ManualTimers => {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const advance = (ms: number): void => {
    const until = now + ms;
    for (;;) {
      let due: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of timers) {
        if (entry[1].at <= until && (due === undefined || entry[1].at < due[1].at)) due = entry;
      }
      if (due === undefined) break;
      timers.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].fn();
    }
    now = until;
  };
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    advance,
    pending: () => timers.size,
  };
};
