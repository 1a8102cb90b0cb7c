// Example for docs/workers.md: serving handlers from RabbitMQ, with graceful shutdown.

import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";
import { registerHandlers, type Worker } from "@taskbridge/worker";
import { reportHandlers } from "./reportHandlers.js";

/**
 * Serves the example handlers: from `url` (RabbitMQ), or on an injected `broker` (tests pass the
 * memory broker). Quorum queues, 8 requests at a time per type, 5 s to finish on shutdown.
 */
export const serveReports = (options: {
  readonly url?: string;
  readonly broker?: Broker;
  readonly queuePrefix?: string;
  readonly logger?: Logger;
}): Promise<Worker> =>
  registerHandlers({
    ...options,
    handlers: reportHandlers,
    queueType: "quorum",
    prefetch: 8,
    graceMs: 5_000,
    services: {
      "math.sum": {
        description: "Adds numbers",
        payloadSchema: {
          type: "object",
          properties: { numbers: { type: "array", items: { type: "number" } } },
          required: ["numbers"],
        },
      },
    },
  });

/**
 * Closes `worker` on the first SIGTERM or SIGINT, then exits 0: the shutdown docs/protocol.md §3 asks
 * for (finish or hand back what runs, close channels before the connection).
 */
export const closeOnSignals = (worker: Worker, exit: (code: number) => void = process.exit) => {
  const stop = () => {
    worker.close().then(
      () => exit(0),
      () => exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
};
