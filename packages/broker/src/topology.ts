import type { Broker, MessageHeaders, QueueOptions } from "./types.js";

/** docs/protocol.md §3: cancels are broadcast to every worker. */
export const CANCEL_EXCHANGE = "taskbridge.cancel";
/** docs/protocol.md §3: every request queue dead-letters here. */
export const DEAD_EXCHANGE = "taskbridge.dead";
/** docs/protocol.md §3: the operators' sink for dead letters, bound to `DEAD_EXCHANGE`. */
export const DEAD_QUEUE = "taskbridge.dead";
/** docs/protocol.md §6: workers announce (`announce.<type>`), gateways query (`query`). */
export const REGISTRY_EXCHANGE = "taskbridge.registry";
/** Dead letters wait a day in `DEAD_QUEUE` (its `x-message-ttl`). */
export const DEAD_QUEUE_TTL_MS = 86_400_000;
/** A gateway's reply and dead-letter queues outlive a restart by this long (`x-expires`). */
export const GATEWAY_QUEUE_EXPIRES_MS = 60_000;
/** Attempts beyond the first on a quorum request queue (`x-delivery-limit`). */
export const DELIVERY_LIMIT = 3;

/** How long a gateway's reply stream keeps replies by default (its `x-max-age`, docs/protocol.md §14.3). */
export const DEFAULT_REPLY_RETENTION = "2h";
/** The segment size of a reply stream: retention removes whole segments. */
export const REPLY_STREAM_SEGMENT_BYTES = 8 * 1024 * 1024;

/** Where a gateway's replies go: a classic queue (version 1) or a stream (docs/protocol.md §14.3). */
export type ReplyQueueType = "classic" | "stream";

/** The reply queue a gateway consumes: `taskbridge.reply.<gatewayId>`. */
export const replyQueueName = (gatewayId: string): string => `taskbridge.reply.${gatewayId}`;
/** The dead-letter queue a gateway consumes: `taskbridge.dead.<gatewayId>`. */
export const deadQueueName = (gatewayId: string): string => `taskbridge.dead.${gatewayId}`;

/** The options of a gateway's reply or dead-letter queue (durable classic, `x-expires` 60 s). */
export const gatewayQueueOptions = (): QueueOptions => ({
  durable: true,
  arguments: { "x-expires": GATEWAY_QUEUE_EXPIRES_MS },
});

/**
 * The declaration of a gateway's reply stream (docs/protocol.md §14.3): durable, `x-queue-type:
 * stream`, `x-max-age` = `retention` (`2h`, `30m`, …), 8 MiB segments. No `x-expires`: streams
 * outlive their gateway until retention empties them; delete them yourself when a gateway id is
 * retired.
 *
 * @example
 * await broker.assertQueue(replyQueueName("gw-1"), replyStreamOptions("2h"));
 */
export const replyStreamOptions = (retention: string = DEFAULT_REPLY_RETENTION): QueueOptions => ({
  durable: true,
  arguments: {
    "x-queue-type": "stream",
    "x-max-age": retention,
    "x-stream-max-segment-size-bytes": REPLY_STREAM_SEGMENT_BYTES,
  },
});

/** The registry routing key of claims on `gatewayId`'s requests (docs/protocol.md §14.3). */
export const claimRoutingKey = (gatewayId: string): string => `claim.${gatewayId}`;

export type RequestQueueType = "quorum" | "classic";

/**
 * The declaration of a request queue, exactly as docs/protocol.md §3 prescribes, so every worker of a
 * type declares it identically (RabbitMQ refuses a redeclaration with other arguments). Quorum:
 * durable, `x-delivery-limit` 3, dead-lettering to `taskbridge.dead` at-least-once with
 * `x-overflow: reject-publish`. Classic (latency over poison-message handling): durable and
 * nothing else — classic queues refuse both the delivery limit and the dead-letter strategy.
 *
 * @example
 * await broker.assertQueue("demo.echo", requestQueueOptions("quorum"));
 */
export const requestQueueOptions = (queueType: RequestQueueType = "quorum"): QueueOptions =>
  queueType === "classic"
    ? { durable: true }
    : {
        durable: true,
        arguments: {
          "x-queue-type": "quorum",
          "x-delivery-limit": DELIVERY_LIMIT,
          "x-dead-letter-exchange": DEAD_EXCHANGE,
          "x-dead-letter-strategy": "at-least-once",
          "x-overflow": "reject-publish",
        },
      };

/** RabbitMQ's refusal to declare a durable classic queue that lives on a cluster node that is down. */
const isHomeNodeDown = (error: unknown): boolean =>
  error instanceof Error && /home node .* is down or inaccessible/.test(error.message);

/**
 * Declares the topology every gateway and worker shares (docs/protocol.md §3): the durable fanout
 * exchanges `taskbridge.cancel` and `taskbridge.dead`, the durable topic exchange
 * `taskbridge.registry`, and the durable classic queue `taskbridge.dead` (`x-message-ttl` one
 * day) bound to `taskbridge.dead`. Idempotent; the broker replays it after each reconnect. In a
 * cluster the sink lives on one node; while that node is down RabbitMQ refuses to declare it
 * ("home node … is down or inaccessible"), and it is then left as it is — it exists, bound, and
 * comes back with its node — rather than keep every process from starting until then.
 */
export const declareTopology = async (broker: Broker): Promise<void> => {
  const [, , , sinkDeclared] = await Promise.all([
    broker.assertExchange(CANCEL_EXCHANGE, "fanout", { durable: true }),
    broker.assertExchange(DEAD_EXCHANGE, "fanout", { durable: true }),
    broker.assertExchange(REGISTRY_EXCHANGE, "topic", { durable: true }),
    broker
      .assertQueue(DEAD_QUEUE, {
        durable: true,
        arguments: { "x-message-ttl": DEAD_QUEUE_TTL_MS },
      })
      .then(
        () => true,
        (error: unknown) => {
          if (isHomeNodeDown(error)) return false;
          throw error;
        },
      ),
  ]);
  if (sinkDeclared) await broker.bindQueue(DEAD_QUEUE, DEAD_EXCHANGE, "");
};

/** Why RabbitMQ dead-lettered a message, as its headers say (RabbitMQ 3.10). */
export type DeathInfo = {
  /** `expired`, `delivery_limit`, `rejected`, `maxlen`…: `x-first-death-reason`, else the newest `x-death` entry's. */
  readonly reason: string | undefined;
  /** The queue it died in. */
  readonly queue: string | undefined;
  /** How often it died there for that reason (`x-death[0].count`). */
  readonly count: number;
};

/**
 * Reads the death reason off a dead-lettered message's headers. RabbitMQ 3.10 sets
 * `x-first-death-reason` / `-queue` / `-exchange` and an `x-death` array whose entries carry
 * `reason`, `queue`, `count`, `exchange`, `routing-keys`, `time` (and `original-expiration`).
 * Returns undefined for a message that never died.
 *
 * @example
 * readDeath(message.properties.headers)?.reason === "delivery_limit" // → WORKER_CRASHED
 */
export const readDeath = (headers: MessageHeaders | undefined): DeathInfo | undefined => {
  if (headers === undefined) return undefined;
  const deaths = headers["x-death"];
  const latest =
    Array.isArray(deaths) && typeof deaths[0] === "object" && deaths[0] !== null
      ? (deaths[0] as Record<string, unknown>)
      : undefined;
  const first = headers["x-first-death-reason"];
  if (latest === undefined && typeof first !== "string") return undefined;
  const text = (value: unknown): string | undefined =>
    typeof value === "string" ? value : undefined;
  return {
    reason: text(first) ?? text(latest?.reason),
    queue: text(headers["x-first-death-queue"]) ?? text(latest?.queue),
    count: typeof latest?.count === "number" ? latest.count : 1,
  };
};

/**
 * The attempt a delivery is (docs/protocol.md §3): 1 on the first delivery, `x-delivery-count` + 1 on
 * a quorum redelivery, 2 for a redelivered message on a classic queue (which counts nothing).
 */
export const readAttempt = (message: {
  readonly redelivered: boolean;
  readonly properties: { readonly headers?: MessageHeaders };
}): number => {
  const count = message.properties.headers?.["x-delivery-count"];
  if (typeof count === "number" && count > 0) return count + 1;
  return message.redelivered ? 2 : 1;
};
