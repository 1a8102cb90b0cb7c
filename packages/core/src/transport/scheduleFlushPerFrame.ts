/** What `scheduleFlushPerFrame` needs of its host: animation frames, and a timer behind them. */
export type FrameHost = {
  /** Absent outside browsers (Node, Bun, a worker without frames): then only the timer runs. */
  readonly requestAnimationFrame?: (callback: () => void) => unknown;
  readonly cancelAnimationFrame?: (handle: unknown) => void;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
};

/**
 * How long a flush waits for an animation frame before it runs anyway: a hidden tab draws no
 * frames, and its state should still move on (at the browser's throttled timer rate).
 */
export const FRAME_FALLBACK_MS = 100;

// Read at call time: a test environment (jsdom) may install its frames after this module loads.
const globalHost = (): FrameHost => {
  const host = globalThis as {
    readonly requestAnimationFrame?: (callback: () => void) => number;
    readonly cancelAnimationFrame?: (handle: number) => void;
  };
  return {
    ...(typeof host.requestAnimationFrame === "function"
      ? {
          requestAnimationFrame: (callback) => host.requestAnimationFrame?.(callback),
          cancelAnimationFrame: (handle) => host.cancelAnimationFrame?.(handle as number),
        }
      : {}),
    setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
    clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
};

/**
 * A `scheduleFlush` for `createRequestStore` that runs each flush at the next animation frame
 * where there are frames (browsers), else after the current macrotask (`setTimeout` 0). Chunks
 * that arrive from a socket message by message (one macrotask each) then cost one state update
 * and one render per drawn frame, not one per message; the update runs just before the frame is
 * painted. A frame that does not come within `FRAME_FALLBACK_MS` (a hidden tab) is not waited for.
 *
 * @example
 * const store = createRequestStore(transport, "demo.count", {
 *   scheduleFlush: scheduleFlushPerFrame({ requestAnimationFrame, cancelAnimationFrame, setTimeout, clearTimeout }),
 * });
 */
export const scheduleFlushPerFrame =
  (host?: FrameHost) =>
  (flush: () => void): void => {
    const { requestAnimationFrame, cancelAnimationFrame, setTimeout, clearTimeout } =
      host ?? globalHost();
    if (requestAnimationFrame === undefined) {
      setTimeout(flush, 0);
      return;
    }
    let ran = false;
    let frame: unknown;
    let timer: unknown;
    const once = (): void => {
      if (ran) return;
      ran = true;
      clearTimeout(timer);
      cancelAnimationFrame?.(frame);
      flush();
    };
    frame = requestAnimationFrame(once);
    timer = setTimeout(once, FRAME_FALLBACK_MS);
  };
