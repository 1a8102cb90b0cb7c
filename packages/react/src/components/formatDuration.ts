/**
 * A duration for people: `45s`, `3m 07s`, `2h 05m`. Rounds to whole seconds (never shows
 * negative time), which is as fine as an elapsed-time or time-left label needs.
 */
export const formatDuration = (ms: number): string => {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
};

/**
 * Time left from the rate of progress so far: the remaining units at the average speed since
 * the start. `undefined` when it cannot be told (no total, nothing done yet, or done).
 *
 * @example
 * estimateRemainingMs({ done: 1, total: 4 }, 10_000) // 30_000
 */
export const estimateRemainingMs = (
  progress: { readonly done: number; readonly total?: number } | undefined,
  elapsedMs: number,
): number | undefined => {
  if (progress?.total === undefined || progress.done <= 0 || progress.done >= progress.total) {
    return undefined;
  }
  return (elapsedMs * (progress.total - progress.done)) / progress.done;
};
