/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` is aborted, so a
 * handler that waits between steps stops at once when its request is cancelled or times out
 * (docs/protocol.md §8, `demo.progress`). Clears its timer either way, so nothing keeps a process
 * (or a Jest run) alive.
 *
 * @example
 * for (let k = 1; k <= steps; k++) { await delay(delayMs, ctx.signal); ctx.progress(k, steps); }
 */
export const delay = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
