import type { DeadLetterReason, StoredMessage } from "./createMemoryQueue.js";
import type { MessageProperties } from "./types.js";

/**
 * The properties RabbitMQ 3.10 gives a message it dead-letters from `queueName`: an `x-death`
 * entry (`count`, `reason`, `queue`, `time`, `exchange`, `routing-keys`, `original-expiration`)
 * put first — or counted up when the message already died there for that reason —
 * `x-first-death-reason` / `-queue` / `-exchange` kept from the first death, and
 * `x-delivery-count` and `expiration` removed (checked against RabbitMQ 3.10.8).
 */
export const deadLetterProperties = (
  message: Pick<StoredMessage, "properties" | "exchange" | "routingKey">,
  queueName: string,
  reason: DeadLetterReason,
  nowMs: number,
): MessageProperties => {
  const { "x-delivery-count": _count, ...headers } = message.properties.headers ?? {};
  const deaths = Array.isArray(headers["x-death"])
    ? (headers["x-death"] as Record<string, unknown>[])
    : [];
  const previous = deaths.find((death) => death.queue === queueName && death.reason === reason);
  const death: Record<string, unknown> = {
    count: typeof previous?.count === "number" ? previous.count + 1 : 1,
    reason,
    queue: queueName,
    time: { "!": "timestamp", value: Math.floor(nowMs / 1000) },
    exchange: message.exchange,
    "routing-keys": [message.routingKey],
    ...(message.properties.expiration === undefined
      ? {}
      : { "original-expiration": message.properties.expiration }),
  };
  const { expiration: _expiration, ...rest } = message.properties;
  return {
    ...rest,
    headers: {
      ...headers,
      "x-death": [death, ...deaths.filter((entry) => entry !== previous)],
      "x-first-death-exchange": headers["x-first-death-exchange"] ?? message.exchange,
      "x-first-death-queue": headers["x-first-death-queue"] ?? queueName,
      "x-first-death-reason": headers["x-first-death-reason"] ?? reason,
    },
  };
};
