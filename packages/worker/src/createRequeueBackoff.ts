import type { DeliveredMessage } from "@taskbridge/broker";
import { realTimers, type Timers } from "@taskbridge/core/protocol";

export type RequeueBackoffOptions = {
  /** Runs the delayed hand-backs. Default: the real timers. */
  readonly timers?: Pick<Timers, "setTimeout" | "clearTimeout">;
  /** First delay before a request whose reply could not be published is handed back. Default 100. */
  readonly requeueDelayMs?: number;
  /** The delay doubles per failure of the same request, up to this. Default 5 000. */
  readonly maxRequeueDelayMs?: number;
};

/** What `createRequeueBackoff` returns. */
export type RequeueBackoff = {
  /** Hands `message` back to its queue after the back-off of `key`, and counts one more failure. */
  readonly handBackLater: (key: string, message: DeliveredMessage) => void;
  /** The request `key` was answered: its failures are forgotten. */
  readonly forget: (key: string) => void;
  /** Hands back every message whose delayed hand-back is pending, at once; later ones too. */
  readonly handBackAll: () => void;
};

export const DEFAULT_REQUEUE_DELAY_MS = 100;
export const DEFAULT_MAX_REQUEUE_DELAY_MS = 5_000;
/** Requests whose failure count is remembered (the oldest is forgotten first). */
const MAX_TRACKED_FAILURES = 10_000;

/**
 * The delayed hand-back of requests whose reply could not be published (the broker nacked it or
 * is unreachable): the message goes back to its queue (`nack(requeue)`) only after a delay that
 * doubles per failure of the same request (by correlation id; 100 ms up to 5 s by default), so a
 * live consumer facing a persistent failure does not redeliver it in a tight loop and burn its
 * delivery limit. `handBackAll` (at `close()`) hands back whatever waits at once.
 *
 * @example
 * const backoff = createRequeueBackoff({ timers });
 * if (await replies.finish("result", body)) backoff.forget(key);
 * else backoff.handBackLater(key, message);
 */
export const createRequeueBackoff = ({
  timers = realTimers,
  requeueDelayMs = DEFAULT_REQUEUE_DELAY_MS,
  maxRequeueDelayMs = DEFAULT_MAX_REQUEUE_DELAY_MS,
}: RequeueBackoffOptions = {}): RequeueBackoff => {
  const failures = new Map<string, number>();
  const delayed = new Map<unknown, () => void>();
  let handingBack = false;

  return {
    handBackLater: (key, message) => {
      const count = failures.get(key) ?? 0;
      failures.delete(key);
      failures.set(key, count + 1);
      if (failures.size > MAX_TRACKED_FAILURES) {
        failures.delete(failures.keys().next().value ?? "");
      }
      if (handingBack) return message.nack(true);
      const ms = Math.min(maxRequeueDelayMs, requeueDelayMs * 2 ** Math.min(count, 30));
      const handle = timers.setTimeout(() => {
        delayed.delete(handle);
        message.nack(true);
      }, ms);
      delayed.set(handle, () => {
        timers.clearTimeout(handle);
        message.nack(true);
      });
    },
    forget: (key) => {
      failures.delete(key);
    },
    handBackAll: () => {
      handingBack = true;
      const all = [...delayed.values()];
      delayed.clear();
      for (const nack of all) nack();
    },
  };
};
