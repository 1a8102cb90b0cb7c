import { realTimers, type Timers } from "@taskbridge/core/protocol";
import { createBrokerError } from "./brokerError.js";
import type { Broker } from "./types.js";

/**
 * Resolves once `broker` is connected (at once if it is), rejects with a retryable `UNAVAILABLE`
 * error after `timeoutMs` or when the broker is closed. A RabbitMQ broker starts `connecting`
 * and rejects publishes until connected: a process that must publish at start waits here first.
 *
 * @example
 * const broker = createRabbitBroker();
 * await waitForConnected(broker, 10_000);
 */
export const waitForConnected = (
  broker: Broker,
  timeoutMs = 30_000,
  timers: Timers = realTimers,
): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (broker.getState() === "connected") {
      resolve();
      return;
    }
    const finish = (error?: Error): void => {
      timers.clearTimeout(timer);
      unsubscribe();
      if (error === undefined) resolve();
      else reject(error);
    };
    const timer = timers.setTimeout(
      () =>
        finish(
          createBrokerError(
            "UNAVAILABLE",
            `not connected to the broker within ${timeoutMs} ms`,
            { reason: "disconnected" },
            true,
          ),
        ),
      timeoutMs,
    );
    const unsubscribe = broker.subscribeState((state) => {
      if (state === "connected") finish();
      else if (state === "closed") {
        finish(createBrokerError("UNAVAILABLE", "the broker was closed", { reason: "closed" }));
      }
    });
  });
