import type { Logger, Timers } from "@taskbridge/core/protocol";
import { checkConsumeOptions } from "./checkConsumeOptions.js";
import { openRabbitConsumer, type RabbitConsumerHandle } from "./openRabbitConsumer.js";
import type { RabbitSession } from "./rabbitSession.js";
import type { ConsumeOptions, Consumer, DeliveredMessage } from "./types.js";

type ConsumerRecord = {
  readonly queue: string;
  readonly onMessage: (message: DeliveredMessage) => void;
  readonly options: ConsumeOptions;
  handle: RabbitConsumerHandle | undefined;
  stopped: boolean;
  /** The stream offset of the last message delivered: a new channel goes on after it. */
  lastOffset: number | undefined;
};

/** A record's options for its next channel: a stream consumer goes on after its last delivery. */
const optionsNow = (record: ConsumerRecord): ConsumeOptions =>
  record.lastOffset === undefined
    ? record.options
    : { ...record.options, streamOffset: record.lastOffset + 1 };

/** The consumers of a RabbitMQ broker across connections; see `createRabbitConsumers`. */
export type RabbitConsumers = {
  /** Starts a consumer on its own channel of `s`; it is re-created on every later session. */
  readonly consume: (
    s: RabbitSession,
    queue: string,
    onMessage: (message: DeliveredMessage) => void,
    options: ConsumeOptions,
  ) => Promise<Consumer>;
  /**
   * Re-creates every consumer on the new session `s`; one that is refused is logged and tried
   * again with the back-off, for as long as `s` is the broker's session.
   */
  readonly restore: (s: RabbitSession) => Promise<void>;
  /** Forgets the channels of a lost session. */
  readonly detach: () => void;
  /** Stops every consumer for good; the returned function closes their channels. */
  readonly stopAll: () => () => Promise<void>;
};

export type RabbitConsumersOptions = {
  readonly logger: Logger;
  readonly timers: Timers;
  readonly backoff: (attempt: number) => number;
  /** Whether `s` is still the broker's session. */
  readonly isCurrent: (s: RabbitSession) => boolean;
  /** Whether the broker is connected (not reconnecting or closed). */
  readonly isConnected: () => boolean;
};

const noop = (): void => {};

/**
 * Keeps a record of every consumer a RabbitMQ broker started, so that each gets a channel of
 * its own on every new session (one consumer's failure, e.g. a double ack, closes only its
 * channel); a stream consumer's new channel starts at the offset after the last message it
 * delivered, so a reconnect neither loses nor repeats anything. A consumer channel that dies under a live connection is re-opened after
 * `backoff(1)`; a consumer whose restore or re-opening is refused is tried again with the
 * back-off until it works or the session ends; `cancel` stops deliveries, `close` also closes the channel.
 *
 * @example
 * const consumers = createRabbitConsumers({ logger, timers, backoff, isCurrent, isConnected });
 * const consumer = await consumers.consume(session, "jobs", onMessage, { prefetch: 16 });
 */
export const createRabbitConsumers = (options: RabbitConsumersOptions): RabbitConsumers => {
  const { logger, timers, backoff, isCurrent, isConnected } = options;
  const consumers = new Set<ConsumerRecord>();

  /**
   * Attaches `record` on `s` after `backoff(attempt)`, and again, each time a little later, for
   * as long as that is refused and `s` is the broker's session. A refusal can pass by itself: a
   * stream whose replicas restart after its leader's node stopped answers `PRECONDITION_FAILED -
   * … does not have a replica on the local node` for a while, a classic queue whose node is down
   * `NOT_FOUND - home node … is down` until the node is back. The first refusal is logged as an
   * error, the recovery as info.
   */
  const retryLater = (
    s: RabbitSession,
    record: ConsumerRecord,
    attempt: number,
    what: "restore" | "restart",
  ): void => {
    timers.setTimeout(() => {
      if (record.stopped || !isCurrent(s) || record.handle !== undefined) return;
      attachConsumer(s, record).then(
        () => logger.info(`${what}d a consumer`, { queue: record.queue, attempts: attempt + 1 }),
        (error: unknown) => {
          if (record.stopped || !isCurrent(s)) return;
          // a refused restore was logged by `restore` already
          if (attempt === 1 && what === "restart")
            logger.error("could not restart a consumer; retrying", { queue: record.queue, error });
          retryLater(s, record, attempt + 1, what);
        },
      );
    }, backoff(attempt));
  };

  const attachConsumer = async (s: RabbitSession, record: ConsumerRecord): Promise<void> => {
    const deliver = (message: DeliveredMessage): void => {
      const offset = message.streamOffset;
      if (offset !== undefined && (record.lastOffset === undefined || offset > record.lastOffset))
        record.lastOffset = offset;
      record.onMessage(message);
    };
    const handle = await openRabbitConsumer(
      s.connection,
      record.queue,
      record.options.streamOffset === undefined ? record.onMessage : deliver,
      optionsNow(record),
      logger,
      () => {
        if (record.handle !== handle) return;
        record.handle = undefined;
        if (record.stopped || !isCurrent(s) || !isConnected()) return;
        // the channel died under a live connection (e.g. a double ack): start it again
        retryLater(s, record, 1, "restart");
      },
    );
    if (record.stopped || !isCurrent(s)) {
      handle.channel.close().catch(noop);
      return;
    }
    record.handle = handle;
  };

  return {
    consume: async (s, queue, onMessage, consumeOptions) => {
      const refused = checkConsumeOptions(queue, consumeOptions);
      if (refused !== undefined) throw refused;
      const record: ConsumerRecord = {
        queue,
        onMessage,
        options: consumeOptions,
        handle: undefined,
        stopped: false,
        lastOffset: undefined,
      };
      await attachConsumer(s, record);
      consumers.add(record);
      const cancel = async (): Promise<void> => {
        record.stopped = true;
        consumers.delete(record);
        const handle = record.handle;
        if (handle !== undefined) await handle.channel.cancel(handle.consumerTag).catch(noop);
      };
      return {
        cancel,
        close: async () => {
          await cancel();
          const handle = record.handle;
          record.handle = undefined;
          // Settlements still waiting for the end of the turn go first: a lost ack is a redelivery.
          handle?.flush();
          if (handle !== undefined) await handle.channel.close().catch(noop);
        },
      };
    },
    restore: async (s) => {
      for (const record of consumers) {
        await attachConsumer(s, record).catch((error: unknown) => {
          if (!isCurrent(s) || record.stopped) return;
          logger.error("could not restore a consumer; retrying", { queue: record.queue, error });
          retryLater(s, record, 1, "restore");
        });
      }
    },
    detach: () => {
      for (const record of consumers) record.handle = undefined;
    },
    stopAll: () => {
      const records = [...consumers];
      consumers.clear();
      for (const record of records) record.stopped = true;
      return async () => {
        await Promise.all(
          records.map((record) => {
            record.handle?.flush();
            return record.handle?.channel.close().catch(noop);
          }),
        );
      };
    },
  };
};
