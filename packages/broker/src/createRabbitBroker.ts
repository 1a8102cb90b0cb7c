import { type Logger, realTimers, type Timers } from "@taskbridge/core/protocol";
import amqp, { type Channel, type ChannelModel } from "amqplib";
import { consoleBrokerLogger } from "./consoleBrokerLogger.js";
import { createRabbitConnection } from "./createRabbitConnection.js";
import { createRabbitConsumers } from "./createRabbitConsumers.js";
import { createRabbitDeclarationLog } from "./createRabbitDeclarationLog.js";
import { exponentialBackoff } from "./exponentialBackoff.js";
import { fromAmqpError } from "./fromAmqpError.js";
import { parseAmqpUrls } from "./parseAmqpUrls.js";
import {
  openSessionPublisher,
  type RabbitSession,
  type RabbitSessionPublisher,
} from "./rabbitSession.js";
import { readAmqpUrls } from "./readAmqpUrls.js";
import type { Broker } from "./types.js";

export type RabbitBrokerOptions = {
  /**
   * The broker: one AMQP URL or a comma-separated list of them (the nodes of a cluster, tried in
   * turn). Default: `urls`, else the environment (`AMQP_URLS`, else `AMQP_URL`; see
   * `readAmqpUrls`), else `DEFAULT_AMQP_URL`.
   */
  readonly url?: string;
  /** The nodes of a cluster as a list; wins over `url`. Each entry may carry its own credentials. */
  readonly urls?: readonly string[];
  readonly logger?: Logger;
  /** AMQP heartbeat, so a dead peer is noticed (default 10 s; 0 disables). */
  readonly heartbeatSeconds?: number;
  /** Delay before reconnect attempt n (1, 2, …); default `exponentialBackoff()` (100 ms … 5 s, ±20 %). */
  readonly backoff?: (attempt: number) => number;
  /** TCP connect timeout (default 5 s). */
  readonly connectTimeoutMs?: number;
  readonly timers?: Timers;
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

/** The addresses a broker connects to: `urls`, else `url`, else the environment. */
const brokerUrls = (options: RabbitBrokerOptions): readonly string[] => {
  if (options.urls !== undefined) return options.urls.flatMap((url) => parseAmqpUrls(url, "urls"));
  if (options.url !== undefined) return parseAmqpUrls(options.url, "url");
  return readAmqpUrls(process.env);
};

/**
 * The RabbitMQ `Broker` (amqplib, `noDelay` on): one confirm channel for publishes, one channel
 * per consumer, one for declarations. After a lost connection it reconnects with exponential
 * back-off and jitter, re-declares every recorded exchange, queue and binding in order, and
 * re-creates every consumer. Given several addresses (a cluster's nodes) it connects to the first
 * that answers and, after losing that node, fails over to the others in turn (see
 * `createRabbitConnection`); the replay is the same as after any reconnect. Throws at once when an
 * address is not an AMQP URL. While not connected, `publish` rejects at once with a retryable
 * `UNAVAILABLE` error (callers answer the client; nothing is buffered); it works again as soon as
 * a new connection's publish channel is open, already during the replay. Declarations and
 * `consume` wait for the next connection (they are replayed anyway). `close` closes the channels,
 * awaiting close-ok, before the connection.
 *
 * @example
 * const broker = createRabbitBroker({ urls: ["amqp://u:p@rabbit-1", "amqp://u:p@rabbit-2"] });
 * await declareTopology(broker); // waits for the first connection
 */
export const createRabbitBroker = (options: RabbitBrokerOptions = {}): RabbitBroker => {
  const logger = options.logger ?? consoleBrokerLogger;
  const timers = options.timers ?? realTimers;
  const backoff = options.backoff ?? exponentialBackoff();
  const declarations = createRabbitDeclarationLog();
  const isCurrent = (s: RabbitSession): boolean => link.current() === s;
  const consumers = createRabbitConsumers({
    logger,
    timers,
    backoff,
    isCurrent,
    isConnected: () => link.getState() === "connected",
  });
  const heartbeatSeconds = options.heartbeatSeconds ?? 10;
  const link = createRabbitConnection({
    urls: brokerUrls(options).map((url) => withHeartbeat(url, heartbeatSeconds)),
    connect: options.connect ?? ((url, socketOptions) => amqp.connect(url, socketOptions)),
    connectTimeoutMs: options.connectTimeoutMs ?? 5000,
    logger,
    timers,
    backoff,
    onSession: async (s) => {
      openSessionPublisher(s, (live) => isCurrent(live) && link.getState() !== "closed");
      await s.publisher;
      await declarations.replay(s.declarer, () => isCurrent(s), logger);
      await consumers.restore(s);
    },
    onLost: consumers.detach,
  });

  const declare = (
    key: string,
    subject: string,
    details: Readonly<Record<string, unknown>>,
    operation: (channel: Channel) => Promise<unknown>,
  ): Promise<void> =>
    link.whenConnected(async (s) => {
      try {
        await s.declarer.run(operation);
      } catch (error) {
        throw fromAmqpError(error, subject, details);
      }
      declarations.record(key, operation);
    });

  link.start();

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
      const s = link.current();
      if (link.getState() === "closed" || s === undefined || s.publisher === undefined)
        throw link.unavailable();
      let publisher: RabbitSessionPublisher;
      try {
        publisher = await s.publisher;
      } catch {
        throw link.unavailable();
      }
      return publisher.publish(exchange, routingKey, body, publishOptions);
    },
    consume: (queue, onMessage, consumeOptions = {}) =>
      link.whenConnected((s) => consumers.consume(s, queue, onMessage, consumeOptions)),
    getState: link.getState,
    subscribeState: link.subscribeState,
    close: async () => {
      if (link.getState() === "closed") return;
      const s = link.close();
      const closeConsumerChannels = consumers.stopAll();
      if (s === undefined) return;
      await closeConsumerChannels();
      const publisher = s.publisher;
      s.publisher = undefined;
      await publisher?.then((p) => p.close()).catch(noop);
      await s.declarer.close();
      await s.connection.close().catch(noop);
    },
    deleteQueue: (name) =>
      link.whenConnected(async (s) => {
        declarations.forget("queue", name);
        await s.declarer
          .run((channel) => channel.deleteQueue(name))
          .catch((error: unknown) => {
            throw fromAmqpError(error, `cannot delete queue "${name}"`, { queue: name });
          });
      }),
    deleteExchange: (name) =>
      link.whenConnected(async (s) => {
        declarations.forget("exchange", name);
        await s.declarer
          .run((channel) => channel.deleteExchange(name))
          .catch((error: unknown) => {
            throw fromAmqpError(error, `cannot delete exchange "${name}"`, { exchange: name });
          });
      }),
  };
};
