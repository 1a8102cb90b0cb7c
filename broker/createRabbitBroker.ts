import amqp, { type Channel, type ChannelModel } from "amqplib";
import { exponentialBackoff } from "./backoff.js";
import { createBrokerError } from "./brokerError.js";
import { coalesceWrites } from "./coalesceWrites.js";
import { type BrokerLogger, consoleBrokerLogger } from "./logger.js";
import { openRabbitConsumer, type RabbitConsumerHandle } from "./rabbitConsumer.js";
import {
  createRabbitDeclarationChannel,
  type RabbitDeclarationChannel,
} from "./rabbitDeclarationChannel.js";
import { fromAmqpError } from "./rabbitErrors.js";
import { createRabbitPublisher } from "./rabbitPublisher.js";
import { type BrokerTimers, realTimers } from "./timers.js";
import type { Broker, BrokerState, ConsumeOptions, Consumer, DeliveredMessage } from "./types.js";

/** Where RabbitMQ is when neither `url` nor `AMQP_URL` says otherwise. */
export const DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672";

export type RabbitBrokerOptions = {
  /** Default: `process.env.AMQP_URL`, else `DEFAULT_AMQP_URL`. */
  readonly url?: string;
  readonly logger?: BrokerLogger;
  /** AMQP heartbeat, so a dead peer is noticed (default 10 s; 0 disables). */
  readonly heartbeatSeconds?: number;
  /** Delay before reconnect attempt n (1, 2, …); default `exponentialBackoff()` (100 ms … 5 s, ±20 %). */
  readonly backoff?: (attempt: number) => number;
  /** TCP connect timeout (default 5 s). */
  readonly connectTimeoutMs?: number;
  readonly timers?: BrokerTimers;
  /** amqplib's `connect`, injectable. */
  readonly connect?: (
    url: string,
    socketOptions: { readonly noDelay: boolean; readonly timeout: number },
  ) => Promise<ChannelModel>;
};

/** A RabbitMQ `Broker` plus deletions (tests and tooling clean up with them). */
export type RabbitBroker = Broker & {
  readonly deleteQueue: (name: string) => Promise<void>;
  readonly deleteExchange: (name: string) => Promise<void>;
};

type Session = {
  readonly connection: ChannelModel;
  publisher: Promise<ReturnType<typeof createRabbitPublisher>> | undefined;
  readonly declarer: RabbitDeclarationChannel;
};

type ConsumerRecord = {
  readonly queue: string;
  readonly onMessage: (message: DeliveredMessage) => void;
  readonly options: ConsumeOptions;
  handle: RabbitConsumerHandle | undefined;
  stopped: boolean;
};

const noop = (): void => {};

const withHeartbeat = (url: string, seconds: number): string => {
  try {
    const parsed = new URL(url);
    if (!parsed.searchParams.has("heartbeat"))
      parsed.searchParams.set("heartbeat", String(seconds));
    return parsed.toString();
  } catch {
    return url;
  }
};

/**
 * The RabbitMQ `Broker` (amqplib, `noDelay` on): one confirm channel for publishes, one channel
 * per consumer, one for declarations. After a lost connection it reconnects with exponential
 * back-off and jitter, re-declares every recorded exchange, queue and binding in order, and
 * re-creates every consumer. While not connected, `publish` rejects at once with a retryable
 * `UNAVAILABLE` error (callers answer the client; nothing is buffered); it works again as soon as
 * a new connection's publish channel is open, already during the replay. Declarations and
 * `consume` wait for the next connection (they are replayed anyway). `close` closes the channels,
 * awaiting close-ok, before the connection.
 *
 * @example
 * const broker = createRabbitBroker({ url: process.env.AMQP_URL });
 * await declareTopology(broker); // waits for the first connection
 */
export const createRabbitBroker = (options: RabbitBrokerOptions = {}): RabbitBroker => {
  const logger = options.logger ?? consoleBrokerLogger;
  const timers = options.timers ?? realTimers;
  const backoff = options.backoff ?? exponentialBackoff();
  const connect = options.connect ?? ((url, socketOptions) => amqp.connect(url, socketOptions));
  const url = withHeartbeat(
    options.url ?? process.env.AMQP_URL ?? DEFAULT_AMQP_URL,
    options.heartbeatSeconds ?? 10,
  );
  let state: BrokerState = "connecting";
  const listeners = new Set<(state: BrokerState) => void>();
  let session: Session | undefined;
  let attempt = 0;
  let retryTimer: unknown;
  const recorded = new Map<string, (channel: Channel) => Promise<unknown>>();
  const consumers = new Set<ConsumerRecord>();
  let waiters: {
    readonly run: (s: Session) => Promise<void>;
    readonly reject: (e: Error) => void;
  }[] = [];

  // a function, so TypeScript does not narrow `state` across awaits
  const isClosed = (): boolean => state === "closed";

  const setState = (next: BrokerState): void => {
    if (state === next) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };

  const unavailable = () =>
    createBrokerError(
      "UNAVAILABLE",
      state === "closed" ? "the broker connection is closed" : "not connected to RabbitMQ",
      { reason: state === "closed" ? "closed" : "disconnected" },
      state !== "closed",
    );

  /** Runs `operation` on the live session, or on the next one; rejects once closed. */
  const whenConnected = <T>(operation: (s: Session) => Promise<T>): Promise<T> => {
    if (state === "closed") return Promise.reject(unavailable());
    if (state === "connected" && session !== undefined) return operation(session);
    return new Promise<T>((resolve, reject) => {
      waiters.push({ run: (s) => operation(s).then(resolve, reject), reject });
    });
  };

  const declare = (
    key: string,
    subject: string,
    details: Readonly<Record<string, unknown>>,
    operation: (channel: Channel) => Promise<unknown>,
  ): Promise<void> =>
    whenConnected(async (s) => {
      try {
        await s.declarer.run(operation);
      } catch (error) {
        throw fromAmqpError(error, subject, details);
      }
      recorded.set(key, operation);
    });

  const attachConsumer = async (s: Session, record: ConsumerRecord): Promise<void> => {
    const handle = await openRabbitConsumer(
      s.connection,
      record.queue,
      record.onMessage,
      record.options,
      logger,
      () => {
        if (record.handle !== handle) return;
        record.handle = undefined;
        if (record.stopped || session !== s || state !== "connected") return;
        // the channel died under a live connection (e.g. a double ack): start it again
        timers.setTimeout(() => {
          if (!record.stopped && session === s && record.handle === undefined) {
            attachConsumer(s, record).catch((error) =>
              logger.error("could not restart a consumer", { queue: record.queue, error }),
            );
          }
        }, backoff(1));
      },
    );
    if (record.stopped || session !== s) {
      handle.channel.close().catch(noop);
      return;
    }
    record.handle = handle;
  };

  const openPublisher = (s: Session): void => {
    const ready = s.connection.createConfirmChannel().then((channel) => {
      channel.on("close", () => {
        if (session === s && s.publisher === ready && state !== "closed") openPublisher(s);
      });
      return createRabbitPublisher(channel);
    });
    ready.catch(noop);
    s.publisher = ready;
  };

  const lose = (s: Session, reason: unknown): void => {
    if (session !== s) return;
    session = undefined;
    for (const record of consumers) record.handle = undefined;
    if (state === "closed") return;
    logger.warn("lost the connection to RabbitMQ", {
      error: reason instanceof Error ? reason.message : reason,
    });
    setState("disconnected");
    scheduleRetry();
  };

  const scheduleRetry = (): void => {
    if (state === "closed" || retryTimer !== undefined) return;
    attempt++;
    retryTimer = timers.setTimeout(() => {
      retryTimer = undefined;
      void open();
    }, backoff(attempt));
  };

  const open = async (): Promise<void> => {
    if (state === "closed") return;
    setState("connecting");
    let connection: ChannelModel;
    try {
      connection = await connect(url, { noDelay: true, timeout: options.connectTimeoutMs ?? 5000 });
      coalesceWrites(connection);
    } catch (error) {
      if (isClosed()) return;
      logger.warn("could not connect to RabbitMQ", {
        attempt: attempt + 1,
        error: error instanceof Error ? error.message : error,
      });
      setState("disconnected");
      scheduleRetry();
      return;
    }
    if (isClosed()) {
      await connection.close().catch(noop);
      return;
    }
    const s: Session = {
      connection,
      publisher: undefined,
      declarer: createRabbitDeclarationChannel(connection, logger),
    };
    session = s;
    connection.on("error", (error: Error) =>
      logger.warn("RabbitMQ connection error", { error: error.message }),
    );
    connection.on("close", (error?: Error) => lose(s, error ?? "connection closed"));
    connection.on("blocked", (reason: string) =>
      logger.warn("RabbitMQ blocked the connection", { reason }),
    );
    try {
      openPublisher(s);
      await s.publisher;
      for (const [key, operation] of recorded) {
        await s.declarer.run(operation).catch((error: unknown) => {
          if (session === s) logger.error(`could not restore ${key} after connecting`, { error });
        });
      }
      for (const record of consumers) {
        await attachConsumer(s, record).catch((error: unknown) => {
          if (session === s)
            logger.error("could not restore a consumer", { queue: record.queue, error });
        });
      }
    } catch (error) {
      lose(s, error);
      connection.close().catch(noop);
      return;
    }
    if (session !== s) return;
    attempt = 0;
    setState("connected");
    const ready = waiters;
    waiters = [];
    for (const waiter of ready) await waiter.run(s).catch(noop);
  };

  const consume = (
    queue: string,
    onMessage: (message: DeliveredMessage) => void,
    consumeOptions: ConsumeOptions = {},
  ): Promise<Consumer> =>
    whenConnected(async (s) => {
      const record: ConsumerRecord = {
        queue,
        onMessage,
        options: consumeOptions,
        handle: undefined,
        stopped: false,
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
          if (handle !== undefined) await handle.channel.close().catch(noop);
        },
      };
    });

  /** Stops replaying what mentions `name` (as a queue at `position` 1, an exchange at 2, of a binding key). */
  const forget = (kind: "queue" | "exchange", name: string): void => {
    recorded.delete(`${kind} ${name}`);
    const position = kind === "queue" ? 1 : 2;
    for (const key of [...recorded.keys()]) {
      if (key.startsWith("bind ") && key.split(" ")[position] === name) recorded.delete(key);
    }
  };

  void open();

  return {
    assertExchange: (name, type, exchangeOptions = {}) =>
      declare(`exchange ${name}`, `exchange "${name}"`, { exchange: name }, (channel) =>
        channel.assertExchange(name, type, { durable: exchangeOptions.durable !== false }),
      ),
    assertQueue: (name, queueOptions = {}) =>
      declare(`queue ${name}`, `queue "${name}"`, { queue: name }, (channel) =>
        channel.assertQueue(name, {
          durable: queueOptions.durable !== false,
          exclusive: queueOptions.exclusive === true,
          autoDelete: queueOptions.autoDelete === true,
          arguments: { ...queueOptions.arguments },
        }),
      ),
    bindQueue: (queue, exchange, pattern) =>
      declare(
        `bind ${queue} ${exchange} ${pattern}`,
        `binding of queue "${queue}" to exchange "${exchange}"`,
        { queue, exchange },
        (channel) => channel.bindQueue(queue, exchange, pattern),
      ),
    publish: async (exchange, routingKey, body, publishOptions) => {
      // A live session's publish channel is opened first, before the replay: a consumer restored
      // during the replay can answer its first (redelivered) messages. Rejecting those made a
      // worker hand each one back at once, burning the delivery limit in a tight loop.
      const s = session;
      if (state === "closed" || s === undefined || s.publisher === undefined) throw unavailable();
      let publisher: Awaited<Session["publisher"]>;
      try {
        publisher = await s.publisher;
      } catch {
        throw unavailable();
      }
      return publisher!.publish(exchange, routingKey, body, publishOptions);
    },
    consume,
    getState: () => state,
    subscribeState: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close: async () => {
      if (state === "closed") return;
      const s = session;
      session = undefined;
      setState("closed");
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      retryTimer = undefined;
      const rejected = waiters;
      waiters = [];
      for (const waiter of rejected) waiter.reject(unavailable());
      const records = [...consumers];
      consumers.clear();
      for (const record of records) record.stopped = true;
      if (s === undefined) return;
      await Promise.all(records.map((record) => record.handle?.channel.close().catch(noop)));
      const publisher = s.publisher;
      s.publisher = undefined;
      await publisher?.then((p) => p.close()).catch(noop);
      await s.declarer.close();
      await s.connection.close().catch(noop);
    },
    deleteQueue: (name) =>
      whenConnected(async (s) => {
        forget("queue", name);
        await s.declarer
          .run((channel) => channel.deleteQueue(name))
          .catch((error: unknown) => {
            throw fromAmqpError(error, `cannot delete queue "${name}"`, { queue: name });
          });
      }),
    deleteExchange: (name) =>
      whenConnected(async (s) => {
        forget("exchange", name);
        await s.declarer
          .run((channel) => channel.deleteExchange(name))
          .catch((error: unknown) => {
            throw fromAmqpError(error, `cannot delete exchange "${name}"`, { exchange: name });
          });
      }),
  };
};
