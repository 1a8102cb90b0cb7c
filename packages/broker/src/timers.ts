/**
 * The clock and timers the brokers use, injectable so tests drive time (TTL, `x-expires`,
 * reconnect back-off) without sleeping. `setImmediate` schedules deliveries after the current
 * task, like I/O callbacks from a socket.
 */
export type BrokerTimers = {
  readonly now: () => number;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
  readonly setImmediate: (callback: () => void) => void;
};

/** The real clock and timers of the host (Node, Bun; `setTimeout(0)` where there is no `setImmediate`). */
export const realTimers: BrokerTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  setImmediate:
    typeof globalThis.setImmediate === "function"
      ? (callback) => {
          globalThis.setImmediate(callback);
        }
      : (callback) => {
          globalThis.setTimeout(callback, 0);
        },
};

/**
 * The real timers, except that a pending `setTimeout` does not keep the process alive (Node's and
 * Bun's `unref`). The memory server's message-TTL and `x-expires` countdowns use these by
 * default: an in-process broker with nothing but a queue counting down to its expiry should not
 * hold a test runner or a CLI open, whereas anything that needs the process (a socket, a
 * consumer's pending work) keeps it alive anyway.
 */
export const backgroundTimers: BrokerTimers = {
  ...realTimers,
  setTimeout: (callback, ms) => {
    const handle = globalThis.setTimeout(callback, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
};
