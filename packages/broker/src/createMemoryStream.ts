import {
  type MemoryQueue,
  type MemoryQueueOptions,
  newQueueConsumer,
  type QueueConsumer,
  type StoredMessage,
} from "./createMemoryQueue.js";
import type { DeliveredMessage, StreamOffset } from "./types.js";

type Entry = { readonly message: StoredMessage; readonly offset: number; readonly at: number };

type StreamConsumer = QueueConsumer & {
  /** The offset of the next message to deliver. */
  cursor: number;
};

/**
 * One in-process stream queue (`x-queue-type: stream`) with RabbitMQ 3.10's semantics as
 * taskbridge relies on them: an append-only log whose messages get offsets 0, 1, 2 …; every
 * consumer reads it on its own from a start (`first`, `last`, `next`, an offset, or the first
 * message written at or after a timestamp, in whole seconds as AMQP sends it) within its
 * prefetch, and an ack or nack only frees prefetch room — nothing is removed, redelivered or
 * dead-lettered. Deliveries carry the `x-stream-offset` header. `x-max-age` drops messages older
 * than it when the next one is written (RabbitMQ drops whole segments; close enough for tests).
 *
 * @example
 * const stream = createMemoryStream({ name: "replies", settings, timers, logger, scheduleDispatch, deadLetter, onDelete });
 * stream.addConsumer(10, false, false, onMessage, { timestamp: Date.now() - 5000 });
 */
export const createMemoryStream = (options: MemoryQueueOptions): MemoryQueue => {
  const { settings, timers, logger } = options;
  let log: Entry[] = [];
  let first = 0; // the offset of log[0]
  const consumers: StreamConsumer[] = [];
  let deleted = false;

  const end = (): number => first + log.length;

  const trim = (): void => {
    if (settings.maxAgeMs === undefined) return;
    const oldest = timers.now() - settings.maxAgeMs;
    let drop = 0;
    while (drop < log.length && log[drop]!.at < oldest) drop++;
    if (drop === 0) return;
    log = log.slice(drop);
    first += drop;
  };

  const startOf = (start: StreamOffset | undefined): number => {
    if (start === undefined || start === "next") return end();
    if (start === "first") return first;
    if (start === "last") return log.length === 0 ? end() : end() - 1;
    if (typeof start === "number") return Math.max(start, first);
    const since = Math.floor(start.timestamp / 1000) * 1000;
    const index = log.findIndex((entry) => entry.at >= since);
    return index === -1 ? end() : first + index;
  };

  const deliverTo = (consumer: StreamConsumer, entry: Entry): void => {
    const { body, exchange, routingKey } = entry.message;
    const properties = {
      ...entry.message.properties,
      headers: { ...entry.message.properties.headers, "x-stream-offset": entry.offset },
    };
    let settled = consumer.noAck;
    const settle = (): void => {
      if (settled || !consumer.open) return;
      settled = true;
      consumer.unacked--;
      options.scheduleDispatch(api);
    };
    if (!consumer.noAck) consumer.unacked++;
    const message: DeliveredMessage = {
      body,
      properties,
      exchange,
      routingKey,
      redelivered: false,
      streamOffset: entry.offset,
      ack: settle,
      nack: settle,
    };
    try {
      consumer.deliver(message);
    } catch (error) {
      logger.error("a consumer threw while handling a message", { queue: options.name, error });
    }
  };

  const dispatch = (): void => {
    for (const consumer of [...consumers]) {
      if (consumer.cursor < first) consumer.cursor = first;
      while (
        !deleted &&
        consumer.active &&
        consumer.cursor < end() &&
        (consumer.prefetch === 0 || consumer.unacked < consumer.prefetch)
      ) {
        const entry = log[consumer.cursor - first]!;
        consumer.cursor++;
        deliverTo(consumer, entry);
      }
    }
  };

  const cancelConsumer = (consumer: QueueConsumer): void => {
    if (!consumer.active) return;
    consumer.active = false;
    const index = consumers.indexOf(consumer as StreamConsumer);
    if (index >= 0) consumers.splice(index, 1);
  };

  const api: MemoryQueue = {
    name: options.name,
    settings,
    offer: (message) => {
      trim();
      log.push({ message, offset: end(), at: timers.now() });
      options.scheduleDispatch(api);
      return true;
    },
    dispatch,
    addConsumer: (prefetch, noAck, exclusive, deliver, start) => {
      const base = newQueueConsumer(consumers, prefetch, noAck, exclusive, deliver);
      if (base === undefined) return undefined;
      trim();
      const consumer: StreamConsumer = { ...base, cursor: startOf(start) };
      consumers.push(consumer);
      options.scheduleDispatch(api);
      return consumer;
    },
    cancelConsumer,
    closeConsumer: (consumer) => {
      cancelConsumer(consumer);
      consumer.open = false;
      consumer.unacked = 0;
    },
    destroy: () => {
      deleted = true;
      for (const consumer of consumers.splice(0)) {
        consumer.active = false;
        consumer.open = false;
      }
      log = [];
    },
    touch: () => {},
    size: () => log.length,
    consumerCount: () => consumers.length,
  };
  return api;
};
