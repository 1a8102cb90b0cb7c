/**
 * Cancels a worker has heard of, remembered until each request's deadline (docs/protocol.md §3), so a
 * request that arrives after its cancel is dropped unrun. Expired entries are swept lazily when
 * the map grows, so an idle worker holds no timer.
 */
export type CancelRegistry = {
  readonly add: (correlationId: string, deadline: number) => void;
  readonly has: (correlationId: string) => boolean;
  readonly size: () => number;
};

/**
 * Creates the registry. `sweepAbove` is the size from which an `add` first drops expired
 * entries; the threshold doubles with what survives, so sweeping stays amortised O(1).
 *
 * @example
 * const cancels = createCancelRegistry({ now: Date.now });
 * cancels.add("anon:s:r1", Date.now() + 60_000);
 * cancels.has("anon:s:r1"); // true until the deadline passes
 */
export const createCancelRegistry = ({
  now,
  sweepAbove = 1024,
}: {
  readonly now: () => number;
  readonly sweepAbove?: number;
}): CancelRegistry => {
  const deadlines = new Map<string, number>();
  let threshold = sweepAbove;
  const sweep = (at: number) => {
    for (const [key, deadline] of deadlines) if (deadline <= at) deadlines.delete(key);
    threshold = Math.max(sweepAbove, deadlines.size * 2);
  };
  return {
    add: (correlationId, deadline) => {
      const at = now();
      if (deadline <= at) return;
      deadlines.set(correlationId, Math.max(deadline, deadlines.get(correlationId) ?? 0));
      if (deadlines.size > threshold) sweep(at);
    },
    has: (correlationId) => {
      const deadline = deadlines.get(correlationId);
      if (deadline === undefined) return false;
      if (deadline > now()) return true;
      deadlines.delete(correlationId);
      return false;
    },
    size: () => deadlines.size,
  };
};
