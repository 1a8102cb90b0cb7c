import { realTimers, type Timers } from "./timers.js";

/** `Timers` whose clock only moves when a test says so. */
export type ManualTimers = Timers & {
  /** Moves the clock forward by `ms`, running each timeout that falls due, in order. */
  readonly advance: (ms: number) => void;
  /** Timeouts scheduled and not yet run or cleared. */
  readonly pending: () => number;
};

/**
 * A manual clock for tests of time-bound behaviour (deadlines, retention, TTL, back-off): a
 * `setTimeout` waits for `advance`, while `setImmediate` stays real so deliveries still happen on
 * their own. One implementation for every package's tests (`@taskbridge/core/testing`).
 *
 * @example
 * const timers = createManualTimers();
 * const broker = createMemoryBroker({ timers });
 * await broker.publish("", "q", "x", { expiration: "1000" });
 * timers.advance(1000); // the message is dead-lettered as expired
 */
export const createManualTimers = (start = 0): ManualTimers => {
  let now = start;
  let nextId = 0;
  const timeouts = new Map<number, { readonly at: number; readonly callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = ++nextId;
      timeouts.set(id, { at: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout: (handle) => {
      timeouts.delete(handle as number);
    },
    setImmediate: realTimers.setImmediate,
    advance: (ms) => {
      const until = now + ms;
      for (;;) {
        let dueId: number | undefined;
        let dueAt = Number.POSITIVE_INFINITY;
        for (const [id, timeout] of timeouts) {
          if (timeout.at <= until && timeout.at < dueAt) {
            dueId = id;
            dueAt = timeout.at;
          }
        }
        if (dueId === undefined) break;
        const due = timeouts.get(dueId)!;
        timeouts.delete(dueId);
        now = Math.max(now, due.at);
        due.callback();
      }
      now = until;
    },
    pending: () => timeouts.size,
  };
};
