/** An opaque timer handle, whatever the runtime returns. */
export type TimerHandle = unknown;

/** The clock and timers the gateway uses, injected so tests can control time. */
export type GatewayTimers = {
  readonly now: () => number;
  readonly setTimeout: (fn: () => void, ms: number) => TimerHandle;
  readonly clearTimeout: (handle: TimerHandle) => void;
};

/**
 * The real clock. Timers are `unref`ed where the runtime allows, so a forgotten request timer
 * never keeps a process (or a Jest run) alive; the gateway's server keeps it alive instead.
 */
export const systemTimers: GatewayTimers = {
  now: Date.now,
  setTimeout: (fn, ms) => {
    // Beyond 2^31-1 ms Node fires at once; no gateway timer needs that long.
    const handle = setTimeout(fn, Math.min(ms, 2_147_483_647));
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
