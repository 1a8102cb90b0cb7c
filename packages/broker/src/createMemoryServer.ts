// Over 250 lines on purpose: the in-memory server is RabbitMQ's routing core in one place —
// exchanges, bindings, mandatory returns, confirms and dead-letter routing call each other.
import { backgroundTimers, type Logger, type Timers } from "@taskbridge/core/protocol";
import { createBrokerError } from "./brokerError.js";
import { consoleBrokerLogger } from "./consoleBrokerLogger.js";
import {
  createMemoryQueue,
  type DeadLetterReason,
  type MemoryQueue,
  type StoredMessage,
} from "./createMemoryQueue.js";
import { createMemoryStream } from "./createMemoryStream.js";
import { deadLetterProperties } from "./deadLetterProperties.js";
import { queueDifference, queueSettingsOf, str } from "./memoryQueueSettings.js";
import { topicMatches } from "./topicMatches.js";
import type {
  ExchangeOptions,
  ExchangeType,
  MessageProperties,
  PublishOutcome,
  QueueOptions,
} from "./types.js";

export type MemoryServerOptions = {
  /** Default `backgroundTimers`: real time, and pending TTL / `x-expires` timers do not keep the process alive. */
  readonly timers?: Timers;
  readonly logger?: Logger;
};

type Exchange = {
  readonly type: ExchangeType;
  readonly durable: boolean;
  readonly bindings: { readonly queue: string; readonly pattern: string }[];
};

type QueueRecord = {
  readonly queue: MemoryQueue;
  readonly options: QueueOptions;
  readonly owner: string | undefined;
  readonly deadLetterExchange: string | undefined;
  readonly deadLetterRoutingKey: string | undefined;
};

/** The in-process AMQP server several memory brokers (connections) share. */
export type MemoryServer = ReturnType<typeof createMemoryServer>;

const parseExpiration = (expiration: string | undefined): number | undefined => {
  if (expiration === undefined) return undefined;
  const ms = Number(expiration);
  if (!/^\d+$/.test(expiration) || !Number.isSafeInteger(ms)) {
    throw createBrokerError("BAD_REQUEST", `invalid expiration "${expiration}"`, {
      reason: "precondition_failed",
    });
  }
  return ms;
};

/**
 * The in-process AMQP 0-9-1 server behind `createMemoryBroker`: exchanges (default, direct,
 * fanout, topic), bindings, queues with quorum/classic semantics, streams, mandatory returns,
 * dead-lettering with RabbitMQ 3.10's `x-death` / `x-first-death-*` headers, and declaration
 * equivalence checks. Share one between several memory brokers to model several processes
 * (a gateway and a worker) on one RabbitMQ.
 *
 * @example
 * const server = createMemoryServer();
 * const gatewayBroker = createMemoryBroker({ server });
 * const workerBroker = createMemoryBroker({ server });
 * // … and when done (after closing the brokers):
 * server.close();
 */
export const createMemoryServer = (options: MemoryServerOptions = {}) => {
  const timers = options.timers ?? backgroundTimers;
  const logger = options.logger ?? consoleBrokerLogger;
  const exchanges = new Map<string, Exchange>();
  const queues = new Map<string, QueueRecord>();
  let pending: MemoryQueue[] = [];
  let flushScheduled = false;
  const scheduled = new Set<MemoryQueue>();

  const flush = (): void => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    scheduled.clear();
    for (const queue of batch) queue.dispatch();
  };
  const scheduleDispatch = (queue: MemoryQueue): void => {
    if (scheduled.has(queue)) return;
    scheduled.add(queue);
    pending.push(queue);
    if (!flushScheduled) {
      flushScheduled = true;
      timers.setImmediate(flush);
    }
  };

  const removeQueue = (name: string): void => {
    const record = queues.get(name);
    if (record === undefined) return;
    queues.delete(name);
    record.queue.destroy();
    for (const exchange of exchanges.values()) {
      for (let i = exchange.bindings.length - 1; i >= 0; i--) {
        if (exchange.bindings[i]!.queue === name) exchange.bindings.splice(i, 1);
      }
    }
  };

  const routeTo = (exchangeName: string, routingKey: string): MemoryQueue[] => {
    if (exchangeName === "") {
      const record = queues.get(routingKey);
      return record === undefined ? [] : [record.queue];
    }
    const exchange = exchanges.get(exchangeName);
    if (exchange === undefined) {
      throw createBrokerError("NOT_FOUND", `no exchange "${exchangeName}"`, {
        reason: "not_found",
        exchange: exchangeName,
      });
    }
    const found: MemoryQueue[] = [];
    for (const { queue, pattern } of exchange.bindings) {
      const matches =
        exchange.type === "fanout" ||
        (exchange.type === "direct" ? pattern === routingKey : topicMatches(pattern, routingKey));
      const record = matches ? queues.get(queue) : undefined;
      if (record !== undefined && !found.includes(record.queue)) found.push(record.queue);
    }
    return found;
  };

  const deliverAll = (
    targets: readonly MemoryQueue[],
    exchange: string,
    routingKey: string,
    body: Uint8Array,
    properties: MessageProperties,
  ): boolean => {
    const perMessageTtl = parseExpiration(properties.expiration);
    let accepted = true;
    for (const queue of targets) {
      const queueTtl = queue.settings.messageTtl;
      const ttl =
        perMessageTtl === undefined
          ? queueTtl
          : queueTtl === undefined
            ? perMessageTtl
            : Math.min(queueTtl, perMessageTtl);
      const message: StoredMessage = {
        body,
        properties,
        exchange,
        routingKey,
        redelivered: false,
        deliveryCount: 0,
        expiresAt: ttl === undefined ? Number.POSITIVE_INFINITY : timers.now() + ttl,
      };
      if (!queue.offer(message)) accepted = false;
    }
    return accepted;
  };

  const deadLetter = (
    queueName: string,
    message: StoredMessage,
    reason: DeadLetterReason,
  ): void => {
    const record = queues.get(queueName);
    const target = record?.deadLetterExchange;
    if (target === undefined || (target !== "" && !exchanges.has(target))) return;
    const properties = deadLetterProperties(message, queueName, reason, timers.now());
    const routingKey = record?.deadLetterRoutingKey ?? message.routingKey;
    deliverAll(routeTo(target, routingKey), target, routingKey, message.body, properties);
  };

  const assertExchange = (name: string, type: ExchangeType, options: ExchangeOptions): void => {
    if (name === "")
      throw createBrokerError("FORBIDDEN", "the default exchange cannot be declared", {
        reason: "access_refused",
      });
    const durable = options.durable !== false;
    const existing = exchanges.get(name);
    if (existing === undefined) exchanges.set(name, { type, durable, bindings: [] });
    else if (existing.type !== type || existing.durable !== durable) {
      throw createBrokerError(
        "INTERNAL",
        `exchange "${name}" already exists with different arguments: it is a ${existing.durable ? "durable" : "transient"} ${existing.type} exchange (PRECONDITION_FAILED)`,
        { reason: "precondition_failed", exchange: name },
      );
    }
  };

  const assertQueue = (name: string, options: QueueOptions, owner: string): void => {
    const existing = queues.get(name);
    if (existing !== undefined) {
      if (existing.owner !== undefined && existing.owner !== owner) {
        throw createBrokerError(
          "FORBIDDEN",
          `queue "${name}" is exclusive to another connection (RESOURCE_LOCKED)`,
          { reason: "resource_locked", queue: name },
        );
      }
      const difference = queueDifference(existing.options, options);
      if (difference !== undefined) {
        throw createBrokerError(
          "INTERNAL",
          `queue "${name}" already exists with different arguments: ${difference} (PRECONDITION_FAILED)`,
          { reason: "precondition_failed", queue: name },
        );
      }
      existing.queue.touch();
      return;
    }
    const settings = queueSettingsOf(options);
    const replicated = settings.quorum || settings.stream;
    if (replicated && (options.exclusive || options.autoDelete || options.durable === false)) {
      throw createBrokerError(
        "INTERNAL",
        `${settings.stream ? "stream" : "quorum queue"} "${name}" must be durable, not exclusive and not auto-delete (PRECONDITION_FAILED)`,
        { reason: "precondition_failed", queue: name },
      );
    }
    if (settings.stream && options.arguments?.["x-max-age"] !== undefined && !settings.maxAgeMs) {
      throw createBrokerError(
        "INTERNAL",
        `stream "${name}": invalid x-max-age (PRECONDITION_FAILED)`,
        { reason: "precondition_failed", queue: name },
      );
    }
    const queue = (settings.stream ? createMemoryStream : createMemoryQueue)({
      name,
      settings,
      timers,
      logger,
      scheduleDispatch,
      deadLetter: (message, reason) => deadLetter(name, message, reason),
      onDelete: () => {
        if (queues.get(name)?.queue === queue) removeQueue(name);
      },
    });
    queues.set(name, {
      queue,
      options,
      owner: options.exclusive ? owner : undefined,
      deadLetterExchange: str(options.arguments?.["x-dead-letter-exchange"]),
      deadLetterRoutingKey: str(options.arguments?.["x-dead-letter-routing-key"]),
    });
  };

  const bindQueue = (queue: string, exchange: string, pattern: string): void => {
    const target = exchanges.get(exchange);
    if (target === undefined || !queues.has(queue)) {
      const what = target === undefined ? `exchange "${exchange}"` : `queue "${queue}"`;
      throw createBrokerError("NOT_FOUND", `cannot bind: no ${what}`, {
        reason: "not_found",
        queue,
        exchange,
      });
    }
    if (!target.bindings.some((b) => b.queue === queue && b.pattern === pattern)) {
      target.bindings.push({ queue, pattern });
    }
  };

  /** Routes and enqueues; `returned` when mandatory and nothing took it, `nacked` when a queue refused it. */
  const publish = (
    exchange: string,
    routingKey: string,
    body: Uint8Array,
    properties: MessageProperties,
    mandatory: boolean,
  ): PublishOutcome => {
    const targets = routeTo(exchange, routingKey);
    if (targets.length === 0) return mandatory ? "returned" : "routed";
    return deliverAll(targets, exchange, routingKey, body, properties) ? "routed" : "nacked";
  };

  /** The queue to consume, checked for existence and exclusivity. */
  const queueFor = (name: string, owner: string): MemoryQueue => {
    const record = queues.get(name);
    if (record === undefined) {
      throw createBrokerError("NOT_FOUND", `no queue "${name}"`, {
        reason: "not_found",
        queue: name,
      });
    }
    if (record.owner !== undefined && record.owner !== owner) {
      throw createBrokerError(
        "FORBIDDEN",
        `queue "${name}" is exclusive to another connection (RESOURCE_LOCKED)`,
        { reason: "resource_locked", queue: name },
      );
    }
    return record.queue;
  };

  /** Deletes the exclusive queues of a connection that went away. */
  const releaseOwner = (owner: string): void => {
    for (const [name, record] of [...queues]) if (record.owner === owner) removeQueue(name);
  };

  return {
    timers,
    assertExchange,
    assertQueue,
    bindQueue,
    publish,
    queueFor,
    releaseOwner,
    deleteQueue: removeQueue,
    deleteExchange: (name: string): void => {
      exchanges.delete(name);
    },
    /** Messages waiting (not held by consumers) in a queue; undefined when it does not exist. */
    messageCount: (name: string): number | undefined => queues.get(name)?.queue.size(),
    hasQueue: (name: string): boolean => queues.has(name),
    /**
     * Shuts the server down: every queue is deleted (its messages dropped, its TTL and
     * `x-expires` timers cleared, its consumers stopped) and every exchange removed, so nothing
     * it armed outlives it. Idempotent; close the brokers on it first.
     */
    close: (): void => {
      for (const name of [...queues.keys()]) removeQueue(name);
      exchanges.clear();
      pending = [];
      scheduled.clear();
    },
  };
};
