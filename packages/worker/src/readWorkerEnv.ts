import { readAmqpUrls } from "@taskbridge/broker";
import type { QueueType } from "./registerHandlers.js";

/** The settings `npm run worker` takes from its environment (docs/workers.md lists them). */
export type WorkerEnv = {
  /** The broker's addresses (`AMQP_URLS`, else `AMQP_URL`: one URL or a comma list of a cluster's nodes). */
  readonly urls: readonly string[];
  readonly queueType: QueueType;
  readonly prefetch: number | undefined;
  readonly workerId: string | undefined;
  readonly queuePrefix: string;
  readonly graceMs: number | undefined;
};

// One default broker address for every process: the broker package owns it.
export { DEFAULT_AMQP_URL } from "@taskbridge/broker";

const positiveInteger = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined || value === "") return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative integer, not "${value}"`);
  }
  return parsed;
};

/**
 * Reads `AMQP_URLS` or `AMQP_URL` (one URL or a comma-separated list; `AMQP_URLS` wins),
 * `TASKBRIDGE_QUEUE_TYPE` (`quorum` | `classic`), `TASKBRIDGE_PREFETCH`,
 * `TASKBRIDGE_WORKER_ID`, `TASKBRIDGE_QUEUE_PREFIX` and `TASKBRIDGE_GRACE_MS`; throws a readable
 * error for a value it cannot use, so a misconfigured worker stops at once instead of guessing.
 *
 * @example
 * readWorkerEnv({ TASKBRIDGE_QUEUE_TYPE: "classic" }).queueType // "classic"
 */
export const readWorkerEnv = (env: Readonly<Record<string, string | undefined>>): WorkerEnv => {
  const queueType = env.TASKBRIDGE_QUEUE_TYPE || "quorum";
  if (queueType !== "quorum" && queueType !== "classic") {
    throw new Error(`TASKBRIDGE_QUEUE_TYPE must be "quorum" or "classic", not "${queueType}"`);
  }
  const prefetch = positiveInteger("TASKBRIDGE_PREFETCH", env.TASKBRIDGE_PREFETCH);
  if (prefetch === 0) throw new Error("TASKBRIDGE_PREFETCH must be at least 1");
  return {
    urls: readAmqpUrls(env),
    queueType,
    prefetch,
    workerId: env.TASKBRIDGE_WORKER_ID || undefined,
    queuePrefix: env.TASKBRIDGE_QUEUE_PREFIX ?? "",
    graceMs: positiveInteger("TASKBRIDGE_GRACE_MS", env.TASKBRIDGE_GRACE_MS),
  };
};
