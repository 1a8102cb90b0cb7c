/**
 * The clock and timers every taskbridge piece takes as an argument (the memory transport, the
 * Socket.IO transport, the brokers, the gateway, the worker SDK), so tests drive time without
 * sleeping. One type for all of them; a piece that needs fewer functions takes a `Pick` of it.
 * `setImmediate` runs a callback after the current task, like an I/O callback.
 */
export type Timers = {
  readonly now: () => number;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
  readonly setImmediate: (callback: () => void) => void;
};

/**
 * The longest delay `setTimeout` honours (2³¹−1 ms, about 24.8 days); beyond it Node and browsers
 * fire at once. Every timer here is clamped to it.
 */
export const LONGEST_TIMEOUT_MS = 2_147_483_647;

// Node and Bun have setImmediate, browsers do not (and the DOM typings do not declare it).
const host = globalThis as { readonly setImmediate?: (callback: () => void) => unknown };

const immediate =
  typeof host.setImmediate === "function"
    ? (callback: () => void): void => {
        host.setImmediate?.(callback);
      }
    : (callback: () => void): void => {
        globalThis.setTimeout(callback, 0);
      };

/** The host's real clock and timers (Node, Bun, browsers), with delays clamped to `LONGEST_TIMEOUT_MS`. */
export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, Math.min(ms, LONGEST_TIMEOUT_MS)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  setImmediate: immediate,
};

/**
 * The real timers, except that a pending `setTimeout` does not keep the process alive (Node's and
 * Bun's `unref`): for countdowns that should not hold a process or a test runner open on their
 * own (request deadlines, retention, message TTL), while a socket or pending work still does.
 */
export const backgroundTimers: Timers = {
  ...realTimers,
  setTimeout: (callback, ms) => {
    const handle = realTimers.setTimeout(callback, ms);
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
};
