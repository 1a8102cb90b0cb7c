import type { Broker } from "@taskbridge/broker";
import {
  CANCEL_EXCHANGE,
  declareTopology,
  REGISTRY_EXCHANGE,
  type RequestQueueType,
  requestQueueOptions,
} from "@taskbridge/broker";

/**
 * Declares everything a worker uses (docs/protocol.md §3, §6): the shared topology, one request queue
 * per type (`queues`: type → queue) as `queueType` prescribes, and the worker's exclusive control
 * queue bound to `taskbridge.cancel` (and, when it announces, to `taskbridge.registry` with key
 * `query`). A request queue RabbitMQ refuses (it exists with other arguments) rejects with an
 * error that says what to do about it.
 *
 * @example
 * await declareWorkerQueues(broker, { queues: { "demo.echo": "demo.echo" }, queueType: "quorum",
 *   controlQueue: "taskbridge.cancel.w1", announce: true });
 */
export const declareWorkerQueues = async (
  broker: Broker,
  options: {
    readonly queues: Readonly<Record<string, string>>;
    readonly queueType: RequestQueueType;
    readonly controlQueue: string;
    readonly announce: boolean;
  },
): Promise<void> => {
  const { queues, queueType, controlQueue, announce } = options;
  await declareTopology(broker);
  for (const queue of Object.values(queues)) {
    try {
      await broker.assertQueue(queue, requestQueueOptions(queueType));
    } catch (error) {
      throw new Error(
        `cannot declare queue "${queue}" as a ${queueType} queue: RabbitMQ refused it, most ` +
          `likely because it exists with other arguments (another queue type or delivery ` +
          `limit); all workers of a type must use the same settings. ${String(error)}`,
      );
    }
  }
  await broker.assertQueue(controlQueue, { exclusive: true, autoDelete: true, durable: false });
  await broker.bindQueue(controlQueue, CANCEL_EXCHANGE, "");
  if (announce) await broker.bindQueue(controlQueue, REGISTRY_EXCHANGE, "query");
};
