import type { Broker } from "@taskbridge/broker";
import type { Logger } from "@taskbridge/core/protocol";

/** How long `registerHandlers({ url })` waits for the first connection before it gives up. */
export const CONNECT_TIMEOUT_MS = 30_000;

/**
 * The default way `registerHandlers({ url })` reaches RabbitMQ: a `createRabbitBroker` on that
 * URL (or comma-separated list of a cluster's nodes), awaited until connected (at most `CONNECT_TIMEOUT_MS`; later losses are reconnected by the
 * broker). Loaded lazily, so a worker on an injected broker (the memory one) never loads amqplib.
 */
export const connectRabbit = async (url: string, logger: Logger): Promise<Broker> => {
  const { createRabbitBroker, redactAmqpUrl, waitForConnected } = await import(
    "@taskbridge/broker"
  );
  const broker = createRabbitBroker({ url, logger });
  try {
    await waitForConnected(broker, CONNECT_TIMEOUT_MS);
  } catch (error) {
    await broker.close();
    throw new Error(
      `cannot reach RabbitMQ at ${url.split(",").map(redactAmqpUrl).join(", ")}: ${String(error)}`,
    );
  }
  return broker;
};
