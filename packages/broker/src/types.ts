/**
 * The `Broker`: the slice of AMQP 0-9-1 taskbridge uses, as a plain object of functions, so
 * the gateway and the worker SDK run on real RabbitMQ (`createRabbitBroker`) or in-process
 * (`createMemoryBroker`) unchanged. Both pass one contract suite.
 *
 * Declarations (`assertExchange`, `assertQueue`, `bindQueue`) and consumers are remembered and
 * replayed after a reconnect, so callers declare once. Queue names are always chosen by the
 * caller (no server-named queues), which keeps the replay exact.
 */
export type ExchangeType = "direct" | "fanout" | "topic";

export type ExchangeOptions = { readonly durable?: boolean };

export type QueueOptions = {
  readonly durable?: boolean;
  readonly exclusive?: boolean;
  readonly autoDelete?: boolean;
  /** `x-queue-type`, `x-delivery-limit`, `x-dead-letter-exchange`, `x-message-ttl`, `x-expires` … */
  readonly arguments?: Readonly<Record<string, unknown>>;
};

export type MessageHeaders = Readonly<Record<string, unknown>>;

export type MessageProperties = {
  readonly contentType?: string;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly messageId?: string;
  /** Per-message TTL in ms, as a string (AMQP's form). */
  readonly expiration?: string;
  readonly headers?: MessageHeaders;
  readonly persistent?: boolean;
};

export type PublishOptions = MessageProperties & {
  /** Ask the broker to return the message when no queue takes it. */
  readonly mandatory?: boolean;
};

/**
 * What became of a publish, once the broker confirmed it: `routed`, `returned` (mandatory and
 * no queue took it; the return precedes the ack), or `nacked` (the broker refused it, e.g. a
 * full queue with `reject-publish`). A lost connection rejects the promise instead.
 */
export type PublishOutcome = "routed" | "returned" | "nacked";

export type DeliveredMessage = {
  readonly body: Uint8Array;
  readonly properties: MessageProperties;
  readonly exchange: string;
  readonly routingKey: string;
  readonly redelivered: boolean;
  /** The message's offset in its stream (RabbitMQ's `x-stream-offset` header); undefined off streams. */
  readonly streamOffset?: number;
  /** Settles the message; later calls, or calls after the channel closed, do nothing. */
  readonly ack: () => void;
  readonly nack: (requeue: boolean) => void;
};

/**
 * Where a stream consumer starts (RabbitMQ's consumer argument `x-stream-offset`): the oldest
 * message held, the last chunk written, the next message written, a numeric offset, or the first
 * message written at or after an epoch-ms time (sent in whole seconds, as AMQP timestamps are).
 */
export type StreamOffset = "first" | "last" | "next" | number | { readonly timestamp: number };

export type ConsumeOptions = {
  /** Unacked messages this consumer may hold at once (channel prefetch). */
  readonly prefetch?: number;
  /** Settled by the broker at delivery; `ack`/`nack` do nothing. */
  readonly noAck?: boolean;
  readonly exclusive?: boolean;
  /**
   * Reads a stream queue (`x-queue-type: stream`) from this offset. Needs a `prefetch` and acks
   * (`noAck` is refused: RabbitMQ would close the whole connection). Reading does not remove
   * anything; an ack or nack only frees prefetch room. After a reconnect the consumer goes on
   * from the offset after the last one it delivered, so nothing is lost or repeated (a consumer
   * that had delivered nothing starts again from this offset). A queue that is not a stream
   * refuses the consumer (`precondition_failed`).
   */
  readonly streamOffset?: StreamOffset;
};

export type Consumer = {
  /** Stops deliveries. Unsettled messages stay settleable until `close`, then go back to the queue. */
  readonly cancel: () => Promise<void>;
  /** Cancels and closes the consumer's channel (awaiting close-ok): unsettled messages are requeued. */
  readonly close: () => Promise<void>;
};

export type BrokerState = "connecting" | "connected" | "disconnected" | "closed";

export type Broker = {
  readonly assertExchange: (
    name: string,
    type: ExchangeType,
    options?: ExchangeOptions,
  ) => Promise<void>;
  /** Declares a queue; rejects with a clear message when it exists with other arguments. */
  readonly assertQueue: (name: string, options?: QueueOptions) => Promise<void>;
  readonly bindQueue: (queue: string, exchange: string, pattern: string) => Promise<void>;
  /** Publishes on a confirm channel; resolves on the broker's confirm. Exchange `""` is the default exchange. */
  readonly publish: (
    exchange: string,
    routingKey: string,
    body: Uint8Array | string,
    options?: PublishOptions,
  ) => Promise<PublishOutcome>;
  /** Consumes a queue; survives reconnects (the consumer is re-created). */
  readonly consume: (
    queue: string,
    onMessage: (message: DeliveredMessage) => void,
    options?: ConsumeOptions,
  ) => Promise<Consumer>;
  readonly getState: () => BrokerState;
  readonly subscribeState: (listener: (state: BrokerState) => void) => () => void;
  readonly close: () => Promise<void>;
};
