import type { Logger } from "@taskbridge/core/protocol";
import type { Channel, ChannelModel, ConsumeMessage, Message } from "amqplib";
import { createAckBatcher } from "./createAckBatcher.js";
import { fromAmqpError } from "./fromAmqpError.js";
import { fromAmqpProperties } from "./rabbitMessages.js";
import type { ConsumeOptions, DeliveredMessage, StreamOffset } from "./types.js";

const noop = (): void => {};

/** `x-stream-offset` as amqplib encodes it; a timestamp is an AMQP timestamp, in seconds. */
const toOffsetArgument = (offset: StreamOffset): unknown =>
  typeof offset === "object"
    ? { "!": "timestamp", value: Math.floor(offset.timestamp / 1000) }
    : offset;

const offsetOf = (raw: ConsumeMessage): number | undefined => {
  const value: unknown = raw.properties.headers?.["x-stream-offset"];
  return typeof value === "number" ? value : undefined;
};

/** A consumer on its own channel; `channel` is undefined once that channel closed. */
export type RabbitConsumerHandle = {
  readonly channel: Channel;
  readonly consumerTag: string;
  /** Writes the acks and nacks still waiting in the batch: call before closing. */
  readonly flush: () => void;
};

/** All amqplib reads of a message it acks or nacks. */
const byTag = (deliveryTag: number): Message => ({ fields: { deliveryTag } }) as unknown as Message;

/** Runs one write on a channel that may be gone; RabbitMQ then requeued the message already. */
const tryWrite = (write: () => void): void => {
  try {
    write();
  } catch {
    // the channel is gone
  }
};

/**
 * Opens a channel for one consumer (so its prefetch is its own), sets the prefetch and starts
 * consuming (a stream from `options.streamOffset`). Acks and nacks are written in batches, a run
 * of acks from the oldest unsettled delivery as one multiple ack (`createAckBatcher`).
 * Settling a message after its channel closed (a reconnect, a `close`) does nothing:
 * RabbitMQ has already requeued it. `onChannelClosed` reports a close the caller did not ask for.
 */
export const openRabbitConsumer = async (
  connection: ChannelModel,
  queue: string,
  onMessage: (message: DeliveredMessage) => void,
  options: ConsumeOptions,
  logger: Logger,
  onChannelClosed: () => void,
): Promise<RabbitConsumerHandle> => {
  const channel = await connection.createChannel();
  channel.on("error", (error: Error) => {
    logger.warn("a consumer channel failed", { queue, error: error.message });
  });
  const noAck = options.noAck === true;
  const acks = createAckBatcher({
    ack: (tag, multiple) => tryWrite(() => channel.ack(byTag(tag), multiple)),
    nack: (tag, requeue) => tryWrite(() => channel.nack(byTag(tag), false, requeue)),
  });
  channel.on("close", acks.reset);
  const deliver = (raw: ConsumeMessage | null): void => {
    if (raw === null) {
      logger.warn("the broker cancelled a consumer (queue deleted?)", { queue });
      return;
    }
    const tag = raw.fields.deliveryTag;
    if (!noAck) acks.delivered(tag);
    const streamOffset = offsetOf(raw);
    const message: DeliveredMessage = {
      body: raw.content,
      properties: fromAmqpProperties(raw),
      exchange: raw.fields.exchange,
      routingKey: raw.fields.routingKey,
      redelivered: raw.fields.redelivered,
      ...(streamOffset === undefined ? {} : { streamOffset }),
      // Once per message: the batcher ignores a tag settled before, or one of a closed channel.
      ack: () => acks.settle(tag, "ack"),
      nack: (requeue) => acks.settle(tag, { requeue }),
    };
    try {
      onMessage(message);
    } catch (error) {
      logger.error("a consumer threw while handling a message", { queue, error });
    }
  };
  try {
    if (options.prefetch !== undefined && options.prefetch > 0) {
      await channel.prefetch(options.prefetch);
    }
    const { consumerTag } = await channel.consume(queue, deliver, {
      noAck,
      exclusive: options.exclusive === true,
      ...(options.streamOffset === undefined
        ? {}
        : { arguments: { "x-stream-offset": toOffsetArgument(options.streamOffset) } }),
    });
    channel.on("close", onChannelClosed);
    return { channel, consumerTag, flush: acks.flush };
  } catch (error) {
    channel.close().catch(noop);
    throw fromAmqpError(error, `cannot consume queue "${queue}"`, { queue });
  }
};
