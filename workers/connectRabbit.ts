import type { Broker } from "../broker/types.js";
import type { WorkerLogger } from "./logger.js";

/**
 * The default way `registerHandlers({ url })` reaches RabbitMQ: a `createRabbitBroker` on that
 * URL. Loaded lazily, so a worker on an injected broker (the memory one) never loads amqplib.
 */
export const connectRabbit = async (url: string, logger: WorkerLogger): Promise<Broker> => {
  const { createRabbitBroker } = await import("../broker/createRabbitBroker.js");
  return createRabbitBroker({ url, logger });
};
