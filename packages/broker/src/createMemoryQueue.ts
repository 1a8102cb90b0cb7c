// Over 250 lines on purpose: one queue's RabbitMQ semantics (ready/unacked sets, redelivery
// counts, delivery limit, per-message and per-queue TTL, x-expires) interlock and read best whole.
import type { Logger, Timers } from "@taskbridge/core/protocol";
import type { DeliveredMessage, MessageProperties, StreamOffset } from "./types.js";

/** One message in one memory queue (a message routed to two queues has two records). */
export type StoredMessage = {
  readonly body: Uint8Array;
  readonly properties: MessageProperties;
  readonly exchange: string;
  readonly routingKey: string;
  redelivered: boolean;
  /** Returns so far: what a quorum queue reports as `x-delivery-count`. */
  deliveryCount: number;
  /** Epoch ms after which the message dies with reason `expired` while it waits; `Infinity`: never. */
  readonly expiresAt: number;
};

export type DeadLetterReason = "expired" | "rejected" | "delivery_limit" | "maxlen";

/** The queue arguments the memory broker acts on, read once at declaration. */
export type QueueSettings = {
  readonly quorum: boolean;
  /** `x-queue-type: stream`: an append-only log read from an offset (`createMemoryStream`). */
  readonly stream: boolean;
  /** A stream's `x-max-age` in ms. */
  readonly maxAgeMs: number | undefined;
  readonly deliveryLimit: number | undefined;
  readonly messageTtl: number | undefined;
  readonly expires: number | undefined;
  readonly maxLength: number | undefined;
  readonly overflow: "drop-head" | "reject-publish" | "reject-publish-dlx";
  readonly autoDelete: boolean;
};

export type QueueConsumer = {
  readonly prefetch: number;
  readonly exclusive: boolean;
  readonly noAck: boolean;
  readonly deliver: (message: DeliveredMessage) => void;
  unacked: number;
  /** Still receiving deliveries (not cancelled). */
  active: boolean;
  /** Its messages can still be settled (the channel is open). */
  open: boolean;
  readonly held: Set<Held>;
};

type Held = { readonly message: StoredMessage; readonly consumer: QueueConsumer; settled: boolean };

/**
 * A new consumer of a queue or stream that has `consumers`, or undefined when an exclusive
 * consumer forbids it (ACCESS_REFUSED): one already there, or this one asks and is not alone.
 */
export const newQueueConsumer = (
  consumers: readonly QueueConsumer[],
  prefetch: number,
  noAck: boolean,
  exclusive: boolean,
  deliver: (message: DeliveredMessage) => void,
): QueueConsumer | undefined => {
  if (consumers.some((c) => c.exclusive) || (exclusive && consumers.length > 0)) return undefined;
  return {
    prefetch,
    exclusive,
    noAck,
    deliver,
    unacked: 0,
    active: true,
    open: true,
    held: new Set(),
  };
};

/** One in-process queue or stream, as the memory server and brokers drive it. */
export type MemoryQueue = {
  readonly name: string;
  readonly settings: QueueSettings;
  /** Enqueues a published message; false when the queue refuses it (the publish is nacked). */
  readonly offer: (message: StoredMessage) => boolean;
  /** Delivers what it can now (the server calls it on a later macrotask). */
  readonly dispatch: () => void;
  /** Adds a consumer (a stream's from `start`); undefined when an exclusive consumer forbids it. */
  readonly addConsumer: (
    prefetch: number,
    noAck: boolean,
    exclusive: boolean,
    deliver: (message: DeliveredMessage) => void,
    start?: StreamOffset,
  ) => QueueConsumer | undefined;
  /** Stops deliveries to `consumer`; what it holds stays settleable. */
  readonly cancelConsumer: (consumer: QueueConsumer) => void;
  /** Cancels and closes `consumer`: what it held goes back (a queue) or is just released (a stream). */
  readonly closeConsumer: (consumer: QueueConsumer) => void;
  readonly destroy: () => void;
  /** A redeclaration counts as use: restarts the `x-expires` countdown. */
  readonly touch: () => void;
  readonly size: () => number;
  readonly consumerCount: () => number;
};

/** What a memory queue or stream needs from its server. */
export type MemoryQueueOptions = {
  readonly name: string;
  readonly settings: QueueSettings;
  readonly timers: Timers;
  readonly logger: Logger;
  readonly scheduleDispatch: (queue: MemoryQueue) => void;
  readonly deadLetter: (message: StoredMessage, reason: DeadLetterReason) => void;
  /** Called when `x-expires` or auto-delete removes the queue. */
  readonly onDelete: () => void;
};

const noop = (): void => {};

/**
 * One in-process queue with RabbitMQ's delivery rules: round-robin among consumers within their
 * prefetch, requeue on nack or consumer close (a return; quorum queues count it and dead-letter
 * past `x-delivery-limit`), TTL while waiting, `x-max-length` with `x-overflow`, and `x-expires`.
 * Deliveries happen when the server dispatches (never inside `publish`).
 */
export const createMemoryQueue = (options: MemoryQueueOptions): MemoryQueue => {
  const { settings, timers, logger } = options;
  let ready: (StoredMessage | undefined)[] = [];
  let head = 0;
  const consumers: QueueConsumer[] = [];
  let next = 0;
  let ttlTimer: unknown;
  let ttlTimerAt = Number.POSITIVE_INFINITY;
  let expiresTimer: unknown;
  let hadConsumer = false;
  let deleted = false;

  const size = (): number => ready.length - head;
  const shift = (): StoredMessage | undefined => {
    if (head === ready.length) return undefined;
    const message = ready[head];
    ready[head] = undefined;
    head++;
    if (head === ready.length) {
      ready = [];
      head = 0;
    } else if (head > 1024 && head * 2 > ready.length) {
      ready = ready.slice(head);
      head = 0;
    }
    return message;
  };
  const unshift = (message: StoredMessage): void => {
    if (head > 0) ready[--head] = message;
    else ready.unshift(message);
  };

  const armTtl = (at: number): void => {
    if (at >= ttlTimerAt || deleted) return;
    if (ttlTimer !== undefined) timers.clearTimeout(ttlTimer);
    ttlTimerAt = at;
    ttlTimer = timers.setTimeout(sweepExpired, Math.max(0, at - timers.now()));
  };

  const sweepExpired = (): void => {
    ttlTimer = undefined;
    ttlTimerAt = Number.POSITIVE_INFINITY;
    const now = timers.now();
    const kept: (StoredMessage | undefined)[] = [];
    const dead: StoredMessage[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (let i = head; i < ready.length; i++) {
      const message = ready[i]!;
      if (message.expiresAt <= now) dead.push(message);
      else {
        kept.push(message);
        if (message.expiresAt < earliest) earliest = message.expiresAt;
      }
    }
    ready = kept;
    head = 0;
    for (const message of dead) options.deadLetter(message, "expired");
    if (earliest !== Number.POSITIVE_INFINITY) armTtl(earliest);
  };

  const armExpires = (): void => {
    if (settings.expires === undefined || consumers.length > 0 || deleted) return;
    if (expiresTimer !== undefined) timers.clearTimeout(expiresTimer);
    expiresTimer = timers.setTimeout(() => {
      expiresTimer = undefined;
      if (consumers.length === 0) options.onDelete();
    }, settings.expires);
  };

  /** Enqueues a published message; false when `x-overflow` refuses it (the publish is nacked). */
  const offer = (message: StoredMessage): boolean => {
    const max = settings.maxLength;
    if (max !== undefined && size() >= max) {
      if (settings.overflow === "reject-publish") return false;
      if (settings.overflow === "reject-publish-dlx") {
        options.deadLetter(message, "maxlen");
        return false;
      }
      while (size() >= max && size() > 0) options.deadLetter(shift()!, "maxlen");
      if (max === 0) {
        options.deadLetter(message, "maxlen");
        return true;
      }
    }
    ready.push(message);
    if (message.expiresAt !== Number.POSITIVE_INFINITY) armTtl(message.expiresAt);
    options.scheduleDispatch(api);
    return true;
  };

  const requeue = (message: StoredMessage): void => {
    message.redelivered = true;
    if (settings.quorum) {
      message.deliveryCount++;
      if (settings.deliveryLimit !== undefined && message.deliveryCount > settings.deliveryLimit) {
        options.deadLetter(message, "delivery_limit");
        return;
      }
    }
    unshift(message);
    if (message.expiresAt !== Number.POSITIVE_INFINITY) armTtl(message.expiresAt);
  };

  const settle = (held: Held, action: "ack" | "requeue" | "reject"): void => {
    if (held.settled || !held.consumer.open) return;
    held.settled = true;
    held.consumer.held.delete(held);
    held.consumer.unacked--;
    if (action === "requeue") requeue(held.message);
    else if (action === "reject") options.deadLetter(held.message, "rejected");
    options.scheduleDispatch(api);
  };

  const deliverTo = (consumer: QueueConsumer, message: StoredMessage): void => {
    let properties = message.properties;
    if (settings.quorum && message.deliveryCount > 0) {
      properties = {
        ...properties,
        headers: { ...properties.headers, "x-delivery-count": message.deliveryCount },
      };
    }
    let ack = noop;
    let nack: (requeue: boolean) => void = noop;
    if (!consumer.noAck) {
      const held: Held = { message, consumer, settled: false };
      consumer.held.add(held);
      consumer.unacked++;
      ack = () => settle(held, "ack");
      nack = (again) => settle(held, again ? "requeue" : "reject");
    }
    const { body, exchange, routingKey, redelivered } = message;
    try {
      consumer.deliver({ body, properties, exchange, routingKey, redelivered, ack, nack });
    } catch (error) {
      logger.error("a consumer threw while handling a message", { queue: options.name, error });
    }
  };

  const pickConsumer = (): QueueConsumer | undefined => {
    const count = consumers.length;
    for (let i = 0; i < count; i++) {
      const index = (next + i) % count;
      const consumer = consumers[index]!;
      if (consumer.prefetch === 0 || consumer.unacked < consumer.prefetch) {
        next = (index + 1) % count;
        return consumer;
      }
    }
    return undefined;
  };

  /** Delivers ready messages while some consumer has room; expired ones are dead-lettered. */
  const dispatch = (): void => {
    while (size() > 0 && !deleted) {
      const consumer = pickConsumer();
      if (consumer === undefined) return;
      const message = shift()!;
      if (message.expiresAt <= timers.now()) options.deadLetter(message, "expired");
      else deliverTo(consumer, message);
    }
  };

  /** Adds a consumer; false (nothing added) when an exclusive consumer forbids it (ACCESS_REFUSED). */
  const addConsumer = (
    prefetch: number,
    noAck: boolean,
    exclusive: boolean,
    deliver: (message: DeliveredMessage) => void,
  ): QueueConsumer | undefined => {
    const consumer = newQueueConsumer(consumers, prefetch, noAck, exclusive, deliver);
    if (consumer === undefined) return undefined;
    consumers.push(consumer);
    hadConsumer = true;
    if (expiresTimer !== undefined) {
      timers.clearTimeout(expiresTimer);
      expiresTimer = undefined;
    }
    options.scheduleDispatch(api);
    return consumer;
  };

  /** Stops deliveries to `consumer`; what it holds stays settleable. */
  const cancelConsumer = (consumer: QueueConsumer): void => {
    if (!consumer.active) return;
    consumer.active = false;
    const index = consumers.indexOf(consumer);
    if (index >= 0) consumers.splice(index, 1);
    if (next >= consumers.length) next = 0;
    if (consumers.length === 0) {
      if (settings.autoDelete && hadConsumer) options.onDelete();
      else armExpires();
    }
  };

  /** Cancels and closes: everything the consumer still holds goes back to the queue (a return). */
  const closeConsumer = (consumer: QueueConsumer): void => {
    cancelConsumer(consumer);
    if (!consumer.open) return;
    const held = [...consumer.held];
    consumer.held.clear();
    consumer.unacked = 0;
    consumer.open = false;
    for (let i = held.length - 1; i >= 0; i--) requeue(held[i]!.message);
    if (held.length > 0) options.scheduleDispatch(api);
  };

  const destroy = (): void => {
    deleted = true;
    if (ttlTimer !== undefined) timers.clearTimeout(ttlTimer);
    if (expiresTimer !== undefined) timers.clearTimeout(expiresTimer);
    ttlTimer = expiresTimer = undefined;
    for (const consumer of [...consumers]) {
      consumer.active = false;
      consumer.open = false;
    }
    consumers.length = 0;
    ready = [];
    head = 0;
  };

  const api: MemoryQueue = {
    name: options.name,
    settings,
    offer,
    dispatch,
    addConsumer,
    cancelConsumer,
    closeConsumer,
    destroy,
    touch: armExpires,
    size,
    consumerCount: (): number => consumers.length,
  };
  armExpires();
  return api;
};
