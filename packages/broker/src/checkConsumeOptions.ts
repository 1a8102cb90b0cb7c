import { type BrokerError, createBrokerError } from "./brokerError.js";
import type { ConsumeOptions } from "./types.js";

/**
 * Why `options` cannot consume `queue`, checked before anything reaches the broker, or undefined.
 * A stream consumer needs a prefetch and acks: RabbitMQ answers a stream consumer without a
 * prefetch with a channel error, and one with `noAck` by closing the whole connection.
 *
 * @example
 * const refused = checkConsumeOptions("replies", { streamOffset: "next", noAck: true }); // BAD_REQUEST
 */
export const checkConsumeOptions = (
  queue: string,
  options: ConsumeOptions,
): BrokerError | undefined => {
  if (options.streamOffset === undefined) return undefined;
  const details = { queue, reason: "bad_consumer" };
  if (options.noAck === true) {
    return createBrokerError("BAD_REQUEST", `a stream consumer of "${queue}" needs acks`, details);
  }
  if (options.prefetch === undefined || options.prefetch <= 0) {
    return createBrokerError(
      "BAD_REQUEST",
      `a stream consumer of "${queue}" needs a prefetch`,
      details,
    );
  }
  const offset = options.streamOffset;
  const valid =
    typeof offset === "string"
      ? offset === "first" || offset === "last" || offset === "next"
      : typeof offset === "number"
        ? Number.isSafeInteger(offset) && offset >= 0
        : Number.isFinite(offset.timestamp) && offset.timestamp >= 0;
  return valid
    ? undefined
    : createBrokerError("BAD_REQUEST", `invalid stream offset for "${queue}"`, details);
};
